/* batch: the queue between the tap callbacks and the trackers. Whatever
 * the batch size, the trackers must see every record once, in order. */
#include <glib.h>

#include "batch.h"
#include "prefetch.h"

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

/* What a run did, in order: PROCESSED, or the stage of a prefetch, for
 * which record. */
enum { PROCESSED = 100 };
typedef struct {
    guint what;
    guint32 value;
} event;

static void log_processed(void *events, void *r)
{
    event e = {PROCESSED, ((const record *)r)->value};
    g_array_append_val((GArray *)events, e);
}

static void log_prefetch(void *events, const void *r, pktan_prefetch_stage stage)
{
    event e = {stage, ((const record *)r)->value};
    g_array_append_val((GArray *)events, e);
}

/* Position of the first event what of value, or -1. */
static gint position(const GArray *events, guint what, guint32 value)
{
    for (guint i = 0; i < events->len; i++) {
        const event *e = &g_array_index(events, event, i);
        if (e->what == what && e->value == value)
            return (gint)i;
    }
    return -1;
}

static guint count(const GArray *events, guint what)
{
    guint n = 0;

    for (guint i = 0; i < events->len; i++)
        n += g_array_index(events, event, i).what == what;
    return n;
}

/* With prefetching, runs of every length are still processed once each,
 * in order; each record is asked for once at each stage, index entries
 * first, both before it is processed, and the whole way through a long run
 * ahead of it rather than all at its start. */
static void test_prefetch(void)
{
    static const guint runs[] = {1, 2, 3, 7, 8, 9, 16, 40};

    for (guint r = 0; r < G_N_ELEMENTS(runs); r++) {
        GArray *events = g_array_new(FALSE, FALSE, sizeof(event));
        pktan_batch *b = pktan_batch_new(sizeof(record), 64, log_processed, events);
        guint32 n = runs[r];
        gint last_processed = -1;

        pktan_batch_set_prefetch(b, log_prefetch);
        for (guint32 i = 0; i < n; i++)
            push(b, i);
        g_assert_cmpuint(events->len, ==, 0);
        pktan_batch_flush(b);
        g_assert_cmpuint(count(events, PROCESSED), ==, n);
        g_assert_cmpuint(count(events, PKTAN_PREFETCH_INDEX), ==, n);
        g_assert_cmpuint(count(events, PKTAN_PREFETCH_STATE), ==, n);
        for (guint32 i = 0; i < n; i++) {
            gint index = position(events, PKTAN_PREFETCH_INDEX, i);
            gint state = position(events, PKTAN_PREFETCH_STATE, i);
            gint processed = position(events, PROCESSED, i);

            g_assert_cmpint(index, >=, 0);
            g_assert_cmpint(index, <, state);
            g_assert_cmpint(state, <, processed);
            g_assert_cmpint(processed, >, last_processed);
            last_processed = processed;
            /* Past the start, asked for while earlier records are processed. */
            if (i >= 8) {
                g_assert_cmpint(state, >, position(events, PROCESSED, 0));
                g_assert_cmpint(position(events, PROCESSED, i - 1), >, index);
            }
        }
        pktan_batch_free(b);
        g_array_free(events, TRUE);
    }
}

/* pktan_prefetch_indexed tells a caller at the STATE stage whether the
 * entry names no record (so it may prefetch the slot its key hashes to
 * instead), and never reads past the array. */
static void test_prefetch_indexed(void)
{
    guint64 record[4] = {0};
    const void *entries[3] = {NULL, record, NULL};

    for (guint64 i = 0; i < 3; i++)
        g_assert_false(pktan_prefetch_indexed(entries, 3, i, sizeof record, PKTAN_PREFETCH_INDEX));
    g_assert_true(pktan_prefetch_indexed(entries, 3, 0, sizeof record, PKTAN_PREFETCH_STATE));
    g_assert_false(pktan_prefetch_indexed(entries, 3, 1, sizeof record, PKTAN_PREFETCH_STATE));
    g_assert_true(pktan_prefetch_indexed(entries, 3, 2, sizeof record, PKTAN_PREFETCH_STATE));
    /* Past the array (a stream not seen yet): nothing named, nothing read. */
    g_assert_false(pktan_prefetch_indexed(entries, 3, 3, sizeof record, PKTAN_PREFETCH_INDEX));
    g_assert_true(pktan_prefetch_indexed(entries, 3, 3, sizeof record, PKTAN_PREFETCH_STATE));
    g_assert_true(pktan_prefetch_indexed(NULL, 0, 0, sizeof record, PKTAN_PREFETCH_STATE));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/batch/order_and_capacity", test_order_and_capacity);
    g_test_add_func("/batch/unpushed_and_discard", test_unpushed_and_discard);
    g_test_add_func("/batch/process_now", test_process_now);
    g_test_add_func("/batch/prefetch", test_prefetch);
    g_test_add_func("/prefetch/indexed", test_prefetch_indexed);
    return g_test_run();
}
