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

#define PKTAN_CACHE_LINE 64u

/* Every cache line of [record, record + size), for writing: a record of
 * 96 or 120 bytes (an unexpected conversation, a handshake) lies across two
 * or three lines, as its offset in its chunk falls. */
static inline void pktan_prefetch_record(const void *record, gsize size)
{
    guintptr line = (guintptr)record & ~(guintptr)(PKTAN_CACHE_LINE - 1);
    guintptr end = (guintptr)record + size;

    for (; line < end; line += PKTAN_CACHE_LINE)
        __builtin_prefetch((const void *)line, 1);
}

/* One stage of a lookup through a stream-indexed array of record
 * addresses (entries[i], i < len): the entry at INDEX, the record of
 * record_size bytes it names at STATE. Returns TRUE at STATE when the
 * entry names no record (nothing asked for), which a caller whose first
 * packet of a stream hashes its key may then prefetch instead. */
static inline gboolean pktan_prefetch_indexed(const void *const *entries, guint64 len, guint64 i,
                                              gsize record_size, pktan_prefetch_stage stage)
{
    if (i >= len)
        return stage == PKTAN_PREFETCH_STATE;
    if (stage == PKTAN_PREFETCH_INDEX) {
        __builtin_prefetch(&entries[i]);
        return FALSE;
    }
    if (entries[i] == NULL)
        return TRUE;
    pktan_prefetch_record(entries[i], record_size);
    return FALSE;
}

#endif
