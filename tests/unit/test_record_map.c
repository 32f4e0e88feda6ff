/* record_map and stream_map: the per-packet aggregation tables of every
 * report. */
#include <glib.h>
#include <string.h>

#include "flow_key.h"
#include "record_map.h"
#include "stream_map.h"

typedef struct {
    guint32 key[2];
    guint64 count;
} record;

static void test_insert_lookup_grow(void)
{
    pktan_record_map *m = pktan_record_map_new(sizeof(guint32) * 2, sizeof(record));
    enum { N = 100000 };
    record *first;
    gboolean created;

    for (guint32 i = 0; i < N; i++) {
        guint32 key[2] = {i, ~i};
        record *r = pktan_record_map_get(m, key, &created);
        g_assert_true(created);
        g_assert_cmpuint(r->count, ==, 0);
        g_assert_cmpmem(r->key, sizeof key, key, sizeof key);
        r->count = i + 1;
    }
    g_assert_cmpuint(pktan_record_map_size(m), ==, N);
    first = pktan_record_map_nth(m, 0);
    for (guint32 i = 0; i < N; i++) {
        guint32 key[2] = {i, ~i};
        record *r = pktan_record_map_get(m, key, &created);
        g_assert_false(created);
        g_assert_cmpuint(r->count, ==, i + 1);
        g_assert_true(r == pktan_record_map_lookup(m, key));
        g_assert_true(r == pktan_record_map_nth(m, i));
    }
    /* Records never move while the map grows. */
    g_assert_true(first == pktan_record_map_nth(m, 0));
    {
        guint32 absent[2] = {N + 1, 0};
        g_assert_null(pktan_record_map_lookup(m, absent));
    }
    pktan_record_map_clear(m);
    g_assert_cmpuint(pktan_record_map_size(m), ==, 0);
    {
        guint32 key[2] = {7, ~7u};
        g_assert_null(pktan_record_map_lookup(m, key));
        g_assert_cmpuint(((record *)pktan_record_map_get(m, key, NULL))->count, ==, 0);
    }
    /* Filled again after a clear (a retap): past the first chunks the
     * records come from new slabs, the old ones given back. */
    for (guint32 i = 0; i < N; i++) {
        guint32 key[2] = {N + i, i};
        record *r = pktan_record_map_get(m, key, &created);
        g_assert_true(created);
        g_assert_cmpuint(r->count, ==, 0);
        r->count = i;
    }
    g_assert_cmpuint(pktan_record_map_size(m), ==, N + 1);
    g_assert_cmpuint(((record *)pktan_record_map_nth(m, N))->count, ==, N - 1);
    pktan_record_map_free(m);
}

typedef struct {
    guint32 stream; /* the key: stream and a tag, as a conversation key */
    guint32 tag;
    guint64 count;
} stream_record;

static stream_record *stream_get(pktan_stream_map *m, pktan_streams streams, guint32 stream,
                                 guint32 tag, gboolean *created)
{
    guint32 key[2] = {stream, tag};
    return pktan_stream_map_get(m, key, streams, stream, created);
}

static stream_record *stream_lookup(pktan_stream_map *m, pktan_streams streams, guint32 stream,
                                    guint32 tag)
{
    guint32 key[2] = {stream, tag};
    return pktan_stream_map_lookup(m, key, streams, stream);
}

/* Dense streams: found by their number, in both numberings apart. */
/* A caller that hashes its key once (dests' packets view) finds the
 * records get finds, and the prefetches of both stages, for keys with a
 * record and without, change nothing. */
static void test_hashed(void)
{
    pktan_record_map *m = pktan_record_map_new(sizeof(guint32) * 2, sizeof(record));
    enum { N = 5000 };
    gboolean created;

    for (guint32 i = 0; i < N; i++) {
        guint32 key[2] = {i, i * 7};
        guint32 hash = pktan_hash_bytes(key, sizeof key);
        record *r;

        pktan_record_map_prefetch_hashed(m, hash, PKTAN_PREFETCH_INDEX);
        pktan_record_map_prefetch_hashed(m, hash, PKTAN_PREFETCH_STATE);
        r = pktan_record_map_get_hashed(m, key, hash, &created);
        g_assert_true(created);
        r->count = i;
        pktan_record_map_prefetch_hashed(m, hash, PKTAN_PREFETCH_STATE);
    }
    g_assert_cmpuint(pktan_record_map_size(m), ==, N);
    for (guint32 i = 0; i < N; i++) {
        guint32 key[2] = {i, i * 7};
        record *by_hash = pktan_record_map_get_hashed(m, key, pktan_hash_bytes(key, sizeof key),
                                                      &created);

        g_assert_false(created);
        g_assert_true(by_hash == pktan_record_map_get(m, key, NULL));
        g_assert_true(by_hash == pktan_record_map_lookup(m, key));
        g_assert_cmpuint(by_hash->count, ==, i);
    }
    g_assert_cmpuint(pktan_record_map_size(m), ==, N);
    pktan_record_map_free(m);
}

static void test_stream_map_dense(void)
{
    pktan_stream_map *m = pktan_stream_map_new(sizeof(guint32) * 2, sizeof(stream_record));
    enum { N = 50000 };
    stream_record *first;
    gboolean created;

    for (guint32 i = 0; i < N; i++) {
        g_assert_true(stream_get(m, PKTAN_STREAMS_TCP, i, 6, &created)->count == 0 && created);
        stream_get(m, PKTAN_STREAMS_TCP, i, 6, &created)->count = i + 1;
        g_assert_false(created);
        /* udp.stream i is another conversation than tcp.stream i */
        g_assert_true(stream_get(m, PKTAN_STREAMS_UDP, i, 17, &created)->count == 0 && created);
    }
    g_assert_cmpuint(pktan_stream_map_size(m), ==, 2 * N);
    first = pktan_stream_map_nth(m, 0);
    for (guint32 i = 0; i < N; i++) {
        stream_record *r = stream_lookup(m, PKTAN_STREAMS_TCP, i, 6);
        g_assert_nonnull(r);
        g_assert_cmpuint(r->count, ==, i + 1);
        g_assert_true(r == pktan_stream_map_nth(m, 2 * i));
        g_assert_null(stream_lookup(m, PKTAN_STREAMS_TCP, i, 7));
    }
    g_assert_true(first == pktan_stream_map_nth(m, 0));
    g_assert_null(stream_lookup(m, PKTAN_STREAMS_TCP, N, 6));
    pktan_stream_map_clear(m);
    g_assert_cmpuint(pktan_stream_map_size(m), ==, 0);
    g_assert_null(stream_lookup(m, PKTAN_STREAMS_TCP, 0, 6));
    g_assert_true(stream_get(m, PKTAN_STREAMS_TCP, 0, 6, &created)->count == 0 && created);
    pktan_stream_map_free(m);
}

/* What the array cannot answer still gets one record per key: a stream
 * number that another key holds, numbers far past the records seen, keys
 * without a stream, and a key first seen out of reach, then within. */
static void test_stream_map_fallbacks(void)
{
    pktan_stream_map *m = pktan_stream_map_new(sizeof(guint32) * 2, sizeof(stream_record));
    stream_record *a, *b, *far, *none;
    gboolean created;

    a = stream_get(m, PKTAN_STREAMS_TCP, 3, 1, &created);
    g_assert_true(created);
    b = stream_get(m, PKTAN_STREAMS_TCP, 3, 2, &created); /* same number, other key */
    g_assert_true(created);
    g_assert_true(a != b);
    g_assert_true(stream_get(m, PKTAN_STREAMS_TCP, 3, 1, &created) == a && !created);
    g_assert_true(stream_get(m, PKTAN_STREAMS_TCP, 3, 2, &created) == b && !created);
    g_assert_true(stream_lookup(m, PKTAN_STREAMS_TCP, 3, 2) == b);

    far = stream_get(m, PKTAN_STREAMS_UDP, G_MAXUINT32, 9, &created);
    g_assert_true(created);
    g_assert_true(stream_get(m, PKTAN_STREAMS_UDP, G_MAXUINT32, 9, &created) == far && !created);
    g_assert_true(stream_lookup(m, PKTAN_STREAMS_UDP, G_MAXUINT32, 9) == far);

    none = stream_get(m, PKTAN_STREAMS_NONE, 0, 5, &created);
    g_assert_true(created);
    g_assert_true(stream_get(m, PKTAN_STREAMS_NONE, 0, 5, &created) == none && !created);

    /* 100 000 is out of reach with 4 records held; after 30 000 more
     * streams it is within, and the record made meanwhile is the one. */
    far = stream_get(m, PKTAN_STREAMS_TCP, 100000, 4, &created);
    g_assert_true(created);
    for (guint32 i = 10; i < 30010; i++)
        stream_get(m, PKTAN_STREAMS_TCP, i, 4, &created);
    g_assert_true(stream_get(m, PKTAN_STREAMS_TCP, 100000, 4, &created) == far && !created);
    g_assert_cmpuint(pktan_stream_map_size(m), ==, 5 + 30000);
    pktan_stream_map_free(m);

    /* The same in a numbering where nothing else went to the record_map. */
    m = pktan_stream_map_new(sizeof(guint32) * 2, sizeof(stream_record));
    far = stream_get(m, PKTAN_STREAMS_UDP, 100000, 4, &created);
    g_assert_true(created);
    for (guint32 i = 0; i < 30000; i++)
        stream_get(m, PKTAN_STREAMS_UDP, i, 4, &created);
    g_assert_true(stream_lookup(m, PKTAN_STREAMS_UDP, 100000, 4) == far);
    g_assert_true(stream_get(m, PKTAN_STREAMS_UDP, 100000, 4, &created) == far && !created);
    g_assert_cmpuint(pktan_stream_map_size(m), ==, 30001);
    pktan_stream_map_free(m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/record_map/insert_lookup_grow", test_insert_lookup_grow);
    g_test_add_func("/record_map/hashed", test_hashed);
    g_test_add_func("/stream_map/dense", test_stream_map_dense);
    g_test_add_func("/stream_map/fallbacks", test_stream_map_fallbacks);
    return g_test_run();
}
