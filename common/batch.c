#include "batch.h"

/* Records between a record's state prefetch and its processing (and again
 * between its index prefetch and its state prefetch): a record's work
 * takes a few hundred nanoseconds, a miss to memory about one hundred. */
#define PREFETCH_DISTANCE 4u

struct pktan_batch {
    gsize record_size;
    guint capacity;
    guint queued;
    pktan_batch_fn process;
    pktan_batch_prefetch_fn prefetch;
    void *ctx;
    guint8 *records;
};

pktan_batch *pktan_batch_new(gsize record_size, guint capacity, pktan_batch_fn process,
                             void *ctx)
{
    pktan_batch *batch = g_new0(pktan_batch, 1);

    g_assert(capacity > 0 && record_size > 0);
    batch->record_size = record_size;
    batch->capacity = capacity;
    batch->process = process;
    batch->ctx = ctx;
    batch->records = g_malloc(record_size * capacity);
    return batch;
}

void pktan_batch_free(pktan_batch *batch)
{
    if (batch == NULL)
        return;
    g_free(batch->records);
    g_free(batch);
}

void pktan_batch_set_prefetch(pktan_batch *batch, pktan_batch_prefetch_fn prefetch)
{
    batch->prefetch = prefetch;
}

static void *record_at(const pktan_batch *batch, guint i)
{
    return batch->records + i * batch->record_size;
}

void *pktan_batch_slot(pktan_batch *batch)
{
    return batch->records + batch->queued * batch->record_size;
}

void pktan_batch_push(pktan_batch *batch)
{
    if (++batch->queued == batch->capacity)
        pktan_batch_flush(batch);
}

static void flush_prefetching(pktan_batch *batch)
{
    const guint n = batch->queued, d = PREFETCH_DISTANCE;

    for (guint i = 0; i < MIN(n, 2 * d); i++)
        batch->prefetch(batch->ctx, record_at(batch, i), PKTAN_PREFETCH_INDEX);
    for (guint i = 0; i < MIN(n, d); i++)
        batch->prefetch(batch->ctx, record_at(batch, i), PKTAN_PREFETCH_STATE);
    for (guint i = 0; i < n; i++) {
        if (i + 2 * d < n)
            batch->prefetch(batch->ctx, record_at(batch, i + 2 * d), PKTAN_PREFETCH_INDEX);
        if (i + d < n)
            batch->prefetch(batch->ctx, record_at(batch, i + d), PKTAN_PREFETCH_STATE);
        batch->process(batch->ctx, record_at(batch, i));
    }
}

void pktan_batch_flush(pktan_batch *batch)
{
    if (batch->prefetch != NULL) {
        flush_prefetching(batch);
    } else {
        for (guint i = 0; i < batch->queued; i++)
            batch->process(batch->ctx, record_at(batch, i));
    }
    batch->queued = 0;
}

void pktan_batch_process_now(pktan_batch *batch, void *record)
{
    pktan_batch_flush(batch);
    batch->process(batch->ctx, record);
}

void pktan_batch_discard(pktan_batch *batch)
{
    batch->queued = 0;
}
