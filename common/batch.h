/* Records queued and processed in runs, in the order they came.
 *
 * Between two packets, Wireshark's dissection of the second evicts the
 * analysis code and its tables from the level-1 caches, so a tracker
 * called once per packet fetches them again every time: measured with
 * cachegrind, those misses, not the instructions, were most of what the
 * reports cost. A tap callback that only copies its packet's few fields
 * into a queue, and a tracker that runs over a full queue at once, pay
 * the fetches once per run instead of once per packet. */
#ifndef PKTAN_BATCH_H
#define PKTAN_BATCH_H

#include <glib.h>

#include "prefetch.h"

typedef struct pktan_batch pktan_batch;

/* Processes one queued record (ctx as given to pktan_batch_new). */
typedef void (*pktan_batch_fn)(void *ctx, void *record);

/* Prefetches for a record of the run, ahead of processing it (see
 * prefetch.h). Hints only: it changes nothing, and must not count on the
 * run's earlier records having been processed. */
typedef void (*pktan_batch_prefetch_fn)(void *ctx, const void *record, pktan_prefetch_stage stage);

pktan_batch *pktan_batch_new(gsize record_size, guint capacity, pktan_batch_fn process,
                             void *ctx);
void pktan_batch_free(pktan_batch *batch);

/* Prefetches for each record before it is processed (none by default). */
void pktan_batch_set_prefetch(pktan_batch *batch, pktan_batch_prefetch_fn prefetch);

/* The next record to fill; it is queued by pktan_batch_push(). */
void *pktan_batch_slot(pktan_batch *batch);

/* Queues the slot's record; a full queue is processed at once. */
void pktan_batch_push(pktan_batch *batch);

/* Processes every queued record: before anything reads the tracker. */
void pktan_batch_flush(pktan_batch *batch);

/* Processes record (not queued) after every queued one: for a record that
 * already reaches the tracker in a run of its own (a frame record). */
void pktan_batch_process_now(pktan_batch *batch, void *record);

/* Forgets the queued records unprocessed (the tracker was reset). */
void pktan_batch_discard(pktan_batch *batch);

#endif
