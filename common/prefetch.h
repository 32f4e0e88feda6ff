/* State asked for ahead of a run of records (batch.h).
 *
 * A packet's state is found through an index (an array by stream number)
 * that leads to a record; both are cache lines tshark's dissection has
 * evicted since the last packet, and processing one record after the other
 * took their misses one at a time, each waiting for the one before. Asked
 * for further ahead, the index entries of a record, then nearer, the state
 * they name, a run finds them in cache when it gets there: their misses
 * overlap each other and the work. */
#ifndef PKTAN_PREFETCH_H
#define PKTAN_PREFETCH_H

#include <glib.h>

typedef enum {
    PKTAN_PREFETCH_INDEX, /* the index entries that lead to a record's state */
    PKTAN_PREFETCH_STATE, /* the state they name (reads the entries) */
} pktan_prefetch_stage;

/* The cache lines of [record, record + size) for writing, size at most two
 * lines (pktan's per-stream records are one or two). */
static inline void pktan_prefetch_record(const void *record, gsize size)
{
    __builtin_prefetch(record, 1);
    __builtin_prefetch((const guint8 *)record + size - 1, 1);
}

#endif
