#include "stream_map.h"

#include <string.h>

#include "prefault.h"
#include "record_map.h"

/* The stream array may grow to this many entries per record held (plus a
 * start): Wireshark's numbers are dense, so only a capture whose streams
 * the caller mostly does not see could reach it, and then the record_map
 * answers instead of the array growing without bound. */
#define STREAMS_PER_RECORD 4u
#define STREAMS_START 1024u

/* The array holds the records themselves, not their indexes: a packet's
 * record is then two dependent loads from the map, where an index went
 * through the record_map's chunk table as well, and each of those loads
 * is a cache line tshark's own dissection has evicted since the last
 * packet. */
typedef struct {
    void **record; /* by stream number; NULL: none yet */
    guint32 len;
    gboolean hashed; /* some key of this numbering went to the record_map */
} stream_index;

struct pktan_stream_map {
    gsize key_size;
    gsize record_size;
    pktan_record_map *records;
    stream_index by[PKTAN_STREAMS_NONE];
};

pktan_stream_map *pktan_stream_map_new(gsize key_size, gsize record_size)
{
    pktan_stream_map *m = g_new0(pktan_stream_map, 1);

    m->key_size = key_size;
    m->record_size = record_size;
    m->records = pktan_record_map_new(key_size, record_size);
    return m;
}

void pktan_stream_map_clear(pktan_stream_map *m)
{
    pktan_record_map_clear(m->records);
    for (int i = 0; i < PKTAN_STREAMS_NONE; i++) {
        g_free(m->by[i].record);
        m->by[i] = (stream_index){NULL, 0, FALSE};
    }
}

void pktan_stream_map_free(pktan_stream_map *m)
{
    if (m == NULL)
        return;
    pktan_stream_map_clear(m);
    pktan_record_map_free(m->records);
    g_free(m);
}

guint pktan_stream_map_size(const pktan_stream_map *m)
{
    return pktan_record_map_size(m->records);
}

void *pktan_stream_map_nth(const pktan_stream_map *m, guint i)
{
    return pktan_record_map_nth(m->records, i);
}

/* The record stream's entry names, if it holds key. */
static void *indexed(const pktan_stream_map *m, const void *key, pktan_streams streams,
                     guint32 stream, gboolean *other_key)
{
    const stream_index *s = &m->by[streams];
    void *record;

    *other_key = FALSE;
    if (stream >= s->len || s->record[stream] == NULL)
        return NULL;
    record = s->record[stream];
    if (memcmp(record, key, m->key_size) == 0)
        return record;
    *other_key = TRUE;
    return NULL;
}

void pktan_stream_map_prefetch(const pktan_stream_map *m, pktan_streams streams, guint32 stream,
                               pktan_prefetch_stage stage)
{
    if (streams < PKTAN_STREAMS_NONE)
        (void)pktan_prefetch_indexed((const void *const *)m->by[streams].record,
                                     m->by[streams].len, stream, m->record_size, stage);
}

void *pktan_stream_map_lookup(const pktan_stream_map *m, const void *key, pktan_streams streams,
                              guint32 stream)
{
    gboolean other_key;
    void *record;

    if (streams < PKTAN_STREAMS_NONE) {
        if ((record = indexed(m, key, streams, stream, &other_key)) != NULL)
            return record;
        if (!m->by[streams].hashed)
            return NULL;
    }
    return pktan_record_map_lookup(m->records, key);
}

void *pktan_stream_array_reach(void *array, guint32 *len, gsize element_size, guint32 index,
                               guint64 limit, guint32 start)
{
    guint64 grown;
    guint8 *added;
    gsize added_size;

    if (index < *len || index >= limit)
        return array;
    grown = MAX(MAX((guint64)index + 1, (guint64)*len * 2), start);
    grown = MIN(grown, limit);
    array = g_realloc(array, grown * element_size);
    added = (guint8 *)array + *len * element_size;
    added_size = (grown - *len) * element_size;
    pktan_prefault(added, added_size);
    memset(added, 0, added_size);
    *len = (guint32)grown;
    return array;
}

/* Makes room for stream in s, if within bounds. */
static gboolean reach(stream_index *s, guint32 stream, guint records)
{
    s->record = pktan_stream_array_reach(
        s->record, &s->len, sizeof(void *), stream,
        (guint64)records * STREAMS_PER_RECORD + STREAMS_START, STREAMS_START);
    return stream < s->len;
}

void *pktan_stream_map_get(pktan_stream_map *m, const void *key, pktan_streams streams,
                           guint32 stream, gboolean *created)
{
    gboolean other_key;
    stream_index *s;
    void *record;

    *created = FALSE;
    if (streams >= PKTAN_STREAMS_NONE)
        return pktan_record_map_get(m->records, key, created);
    if ((record = indexed(m, key, streams, stream, &other_key)) != NULL)
        return record;
    s = &m->by[streams];
    /* A stream holding another key, or past the array: the record_map. */
    if (other_key || !reach(s, stream, pktan_record_map_size(m->records))) {
        s->hashed = TRUE;
        return pktan_record_map_get(m->records, key, created);
    }
    /* (The key may have been given to the record_map while its stream was
     * out of reach.) */
    if (s->hashed && (record = pktan_record_map_lookup(m->records, key)) != NULL)
        return record;
    *created = TRUE;
    record = pktan_record_map_append(m->records, key);
    s->record[stream] = record;
    return record;
}
