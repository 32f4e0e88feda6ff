/* batch: the queue between the tap callbacks and the trackers. Whatever
 * the batch size, the trackers must see every record once, in order. */
#include <glib.h>

#include "batch.h"

typedef struct {
    guint32 value;
    guint8 pad[13]; /* 20 bytes in all, not a power of two: slots are record_size apart */
} record;

static void append(void *seen, void *r)
{
    g_array_append_val((GArray *)seen, ((const record *)r)->value);
}

static void push(pktan_batch *b, guint32 value)
{
    record *r = pktan_batch_slot(b);

    r->value = value;
    pktan_batch_push(b);
}

/* A full queue is processed at once, in order; the rest waits for flush. */
static void test_order_and_capacity(void)
{
    GArray *seen = g_array_new(FALSE, FALSE, sizeof(guint32));
    pktan_batch *b = pktan_batch_new(sizeof(record), 4, append, seen);

    for (guint32 i = 0; i < 3; i++)
        push(b, i);
    g_assert_cmpuint(seen->len, ==, 0);
    push(b, 3);
    g_assert_cmpuint(seen->len, ==, 4);
    for (guint32 i = 4; i < 10; i++)
        push(b, i);
    g_assert_cmpuint(seen->len, ==, 8);
    pktan_batch_flush(b);
    g_assert_cmpuint(seen->len, ==, 10);
    for (guint32 i = 0; i < 10; i++)
        g_assert_cmpuint(g_array_index(seen, guint32, i), ==, i);
    pktan_batch_flush(b); /* nothing queued: nothing processed twice */
    g_assert_cmpuint(seen->len, ==, 10);
    pktan_batch_free(b);
    g_array_free(seen, TRUE);
}

/* A slot filled but not pushed is not queued (a tap record the tracker
 * need not see), and discarded records never reach the tracker. */
static void test_unpushed_and_discard(void)
{
    GArray *seen = g_array_new(FALSE, FALSE, sizeof(guint32));
    pktan_batch *b = pktan_batch_new(sizeof(record), 8, append, seen);
    record *r;

    push(b, 1);
    r = pktan_batch_slot(b);
    r->value = 99;
    push(b, 2); /* overwrites the unpushed slot */
    pktan_batch_discard(b);
    push(b, 3);
    pktan_batch_flush(b);
    g_assert_cmpuint(seen->len, ==, 1);
    g_assert_cmpuint(g_array_index(seen, guint32, 0), ==, 3);
    pktan_batch_free(b);
    g_array_free(seen, TRUE);
}

/* A record processed now comes after every queued one, and is not queued. */
static void test_process_now(void)
{
    GArray *seen = g_array_new(FALSE, FALSE, sizeof(guint32));
    pktan_batch *b = pktan_batch_new(sizeof(record), 8, append, seen);
    record now = {.value = 7};

    push(b, 1);
    push(b, 2);
    pktan_batch_process_now(b, &now);
    g_assert_cmpuint(seen->len, ==, 3);
    g_assert_cmpuint(g_array_index(seen, guint32, 0), ==, 1);
    g_assert_cmpuint(g_array_index(seen, guint32, 1), ==, 2);
    g_assert_cmpuint(g_array_index(seen, guint32, 2), ==, 7);
    push(b, 3);
    pktan_batch_flush(b);
    g_assert_cmpuint(seen->len, ==, 4);
    g_assert_cmpuint(g_array_index(seen, guint32, 3), ==, 3);
    pktan_batch_free(b);
    g_array_free(seen, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/batch/order_and_capacity", test_order_and_capacity);
    g_test_add_func("/batch/unpushed_and_discard", test_unpushed_and_discard);
    g_test_add_func("/batch/process_now", test_process_now);
    return g_test_run();
}
