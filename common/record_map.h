/* A hash map from fixed-size binary keys to fixed-size records, for the
 * per-packet aggregation of every report: one probe of a compact slot
 * array (hash and record index, 8 bytes) and one touch of the record,
 * which starts with its key. Records live in chunks and never move, so a
 * record pointer stays valid until the map is cleared.
 *
 * GHashTable would cost a pointer chase per key and an allocation per
 * record; on a 2-million-packet capture that was the difference between
 * +10% and a few percent of tshark's own dissection time. */
#ifndef PKTAN_RECORD_MAP_H
#define PKTAN_RECORD_MAP_H

#include <glib.h>

#include "prefetch.h"

typedef struct pktan_record_map pktan_record_map;

/* Records are record_size bytes, the first key_size of which are the key
 * (compared and hashed as bytes: keys must have no padding holes). */
pktan_record_map *pktan_record_map_new(gsize key_size, gsize record_size);
void pktan_record_map_free(pktan_record_map *map);
void pktan_record_map_clear(pktan_record_map *map);

/* The record for key, or NULL. */
void *pktan_record_map_lookup(const pktan_record_map *map, const void *key);

/* The record for key; a new one (zeroed, key copied) if there was none,
 * in which case *created is set to TRUE (created may be NULL). */
void *pktan_record_map_get(pktan_record_map *map, const void *key, gboolean *created);
/* The same, as the record's index (for pktan_record_map_nth). */
guint pktan_record_map_get_index(pktan_record_map *map, const void *key, gboolean *created);

/* A new record for key (zeroed, key copied) that lookup and get do not
 * find: for a caller that indexes its records itself (stream_map)
 * and must not pay for a slot it never probes. */
void *pktan_record_map_append(pktan_record_map *map, const void *key);

/* The slot a get or lookup of key will probe first, asked for ahead
 * (prefetch.h): a hint, at the price of hashing key twice. */
void pktan_record_map_prefetch(const pktan_record_map *map, const void *key);

/* For a caller that asks for a key's slot and record ahead of adding it
 * (prefetch.h) and hashes the key once for both: get with the key's hash,
 * pktan_hash_bytes(key, key_size) (flow_key.h), and what it will touch
 * (the slot at the INDEX stage, the record the slot names, if any, at
 * STATE). */
void *pktan_record_map_get_hashed(pktan_record_map *map, const void *key, guint32 hash,
                                  gboolean *created);
void pktan_record_map_prefetch_hashed(const pktan_record_map *map, guint32 hash,
                                      pktan_prefetch_stage stage);

guint pktan_record_map_size(const pktan_record_map *map);

/* Record i, 0 <= i < size, in insertion order. */
void *pktan_record_map_nth(const pktan_record_map *map, guint i);

#endif
