#include "batch.h"

struct pktan_batch {
    gsize record_size;
    guint capacity;
    guint queued;
    pktan_batch_fn process;
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

void *pktan_batch_slot(pktan_batch *batch)
{
    return batch->records + batch->queued * batch->record_size;
}

void pktan_batch_push(pktan_batch *batch)
{
    if (++batch->queued == batch->capacity)
        pktan_batch_flush(batch);
}

void pktan_batch_flush(pktan_batch *batch)
{
    for (guint i = 0; i < batch->queued; i++)
        batch->process(batch->ctx, batch->records + i * batch->record_size);
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
