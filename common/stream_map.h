/* Records found by Wireshark's stream number. Wireshark numbers TCP and
 * UDP conversations densely from 0 (tcp.stream, udp.stream), so a
 * packet's record is one load from a stream-indexed array away, where a
 * hash map costs a hash, a probe of a slot array as large as the capture's
 * connections and a key compare: on a capture of 250 000 connections the
 * probe's cache miss alone was over 1% of tshark's own dissection time.
 * The array costs 8 bytes per stream (the record's address) where slots
 * cost 16 to 32.
 *
 * The record's key is still compared, and whatever the array cannot answer
 * (keys without a stream, a stream number far past the records seen, a
 * stream already holding another key) goes through a record_map, so the
 * answer never depends on Wireshark's numbering being dense. */
#ifndef PKTAN_STREAM_MAP_H
#define PKTAN_STREAM_MAP_H

#include <glib.h>

#include "prefetch.h"

/* Which of Wireshark's numberings a key's stream number is from. */
typedef enum {
    PKTAN_STREAMS_TCP,
    PKTAN_STREAMS_UDP,
    PKTAN_STREAMS_NONE, /* no stream: the record_map alone */
} pktan_streams;

typedef struct pktan_stream_map pktan_stream_map;

/* As pktan_record_map_new: records of record_size bytes, the first
 * key_size of which are the key. */
pktan_stream_map *pktan_stream_map_new(gsize key_size, gsize record_size);
void pktan_stream_map_free(pktan_stream_map *map);
void pktan_stream_map_clear(pktan_stream_map *map);

/* The record for key, whose stream number in numbering streams is stream;
 * a new one (zeroed, key copied) if there was none, in which case
 * *created is set to TRUE. Records never move until cleared. */
void *pktan_stream_map_get(pktan_stream_map *map, const void *key, pktan_streams streams,
                           guint32 stream, gboolean *created);

/* The record for key, or NULL. */
void *pktan_stream_map_lookup(const pktan_stream_map *map, const void *key,
                              pktan_streams streams, guint32 stream);

/* For a run of lookups (prefetch.h): stream's array entry, then the
 * record it names. Hints only. */
void pktan_stream_map_prefetch(const pktan_stream_map *map, pktan_streams streams, guint32 stream,
                               pktan_prefetch_stage stage);

guint pktan_stream_map_size(const pktan_stream_map *map);

/* Record i, 0 <= i < size, in insertion order. */
void *pktan_stream_map_nth(const pktan_stream_map *map, guint i);

/* A zero-filled array indexed by stream number (or by one derived from it,
 * a byte of a bit set), grown so that index fits: doubling, at least start
 * elements, never past limit elements. Returns the array, which may have
 * moved; *len is its length. index < *len afterwards, unless index was at
 * or past limit. */
void *pktan_stream_array_reach(void *array, guint32 *len, gsize element_size, guint32 index,
                               guint64 limit, guint32 start);

#endif
