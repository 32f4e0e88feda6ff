/* record_map: the per-packet aggregation table of every report. */
#include <glib.h>
#include <string.h>

#include "record_map.h"

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
    pktan_record_map_free(m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/record_map/insert_lookup_grow", test_insert_lookup_grow);
    return g_test_run();
}
