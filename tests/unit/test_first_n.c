/* first_n: the first n items offered, in order, as a stable sort of all of
 * them would give (checked against qsort ordered by key, then by the
 * order offered), whatever the input's order and however many ties. */
#include <stdlib.h>

#include <glib.h>

#include "first_n.h"

typedef struct {
    guint32 key;
    guint32 seq; /* the order offered; the order under test does not see it */
    guint8 pad[4]; /* 12 bytes in all, not a power of two: items are item_size apart */
} item;

static gint by_key(gconstpointer pa, gconstpointer pb, gpointer descending)
{
    const item *a = pa, *b = pb;
    gint c = (a->key > b->key) - (a->key < b->key);

    return descending ? -c : c;
}

static int reference_order(const void *pa, const void *pb)
{
    const item *a = pa, *b = pb;

    if (a->key != b->key)
        return (a->key > b->key) - (a->key < b->key);
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static item *make_items(guint count, guint32 (*key)(guint i, GRand *r), GRand *r)
{
    item *items = g_new0(item, MAX(count, 1)); /* qsort wants a pointer even for none */

    for (guint i = 0; i < count; i++) {
        items[i].key = key(i, r);
        items[i].seq = i;
    }
    return items;
}

static guint32 random_key(guint i, GRand *r)
{
    (void)i;
    return g_rand_int_range(r, 0, 50); /* many ties */
}

static guint32 ascending_key(guint i, GRand *r)
{
    (void)r;
    return i / 3;
}

static guint32 descending_key(guint i, GRand *r)
{
    (void)r;
    return 100000 - i / 3;
}

static void check(guint count, guint n, guint32 (*key)(guint i, GRand *r))
{
    GRand *r = g_rand_new_with_seed(count * 31 + n);
    item *items = make_items(count, key, r);
    pktan_first_n *f = pktan_first_n_new(sizeof(item), n, by_key, NULL);
    GArray *kept;
    guint want = n == 0 ? count : MIN(n, count);

    for (guint i = 0; i < count; i++)
        pktan_first_n_offer(f, &items[i]);
    g_assert_cmpuint(pktan_first_n_offered(f), ==, count);
    kept = pktan_first_n_finish(f);
    qsort(items, count, sizeof *items, reference_order);
    g_assert_cmpuint(kept->len, ==, want);
    for (guint i = 0; i < want; i++) {
        const item *k = &g_array_index(kept, item, i);
        g_assert_cmpuint(k->key, ==, items[i].key);
        g_assert_cmpuint(k->seq, ==, items[i].seq);
    }
    g_array_free(kept, TRUE);
    g_free(items);
    g_rand_free(r);
}

static void test_against_a_stable_sort(void)
{
    static const guint counts[] = {0, 1, 2, 7, 20, 21, 1000, 20000};
    /* 256 and 257: either side of where the keeper stops keeping items in
     * order as they come; G_MAXUINT (top=4294967295) must not reserve
     * memory for that many. */
    static const guint ns[] = {0, 1, 3, 20, 256, 257, 1000, 50000, G_MAXUINT};
    guint32 (*keys[])(guint, GRand *) = {random_key, ascending_key, descending_key};

    for (guint k = 0; k < G_N_ELEMENTS(keys); k++)
        for (guint c = 0; c < G_N_ELEMENTS(counts); c++)
            for (guint n = 0; n < G_N_ELEMENTS(ns); n++)
                check(counts[c], ns[n], keys[k]);
}

/* The order's data reaches it: the same items, largest first. */
static void test_order_data(void)
{
    pktan_first_n *f = pktan_first_n_new(sizeof(item), 2, by_key, GINT_TO_POINTER(1));
    GArray *kept;

    for (guint32 i = 0; i < 10; i++) {
        item it = {i, i, {0}};
        pktan_first_n_offer(f, &it);
    }
    kept = pktan_first_n_finish(f);
    g_assert_cmpuint(kept->len, ==, 2);
    g_assert_cmpuint(g_array_index(kept, item, 0).key, ==, 9);
    g_assert_cmpuint(g_array_index(kept, item, 1).key, ==, 8);
    g_array_free(kept, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/first_n/against_a_stable_sort", test_against_a_stable_sort);
    g_test_add_func("/first_n/order_data", test_order_data);
    return g_test_run();
}
