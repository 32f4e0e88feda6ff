#include "record_map.h"

#include <stdlib.h>
#include <string.h>

#include "flow_key.h"
#include "prefault.h"
#include "slabs.h"

#define CHUNK_BITS 12
#define CHUNK_RECORDS (1u << CHUNK_BITS)
#define INITIAL_SLOTS 1024u
/* Chunks start on a cache line, so that a 64-byte record (a dests row)
 * is one line to fetch, not two: glibc aligns a block to 16 bytes only. */
#define CHUNK_ALIGN 64u
/* A map's first chunks are allocated one by one, so that a small map
 * costs no more than its records; past these the chunks are cut from
 * slabs on huge pages (slabs.h). */
#define OWN_CHUNKS 4u

typedef struct {
    guint32 hash;
    guint32 index_plus_one; /* 0: empty */
} slot;

struct pktan_record_map {
    gsize key_size;
    gsize record_size;
    slot *slots;
    guint32 slot_mask;
    guint count;
    guint indexed; /* records with a slot: not those of append */
    guint8 **chunks; /* of CHUNK_RECORDS records each; a plain array, not a
                      * GPtrArray: record i is one load fewer away */
    guint n_chunks;
    pktan_slabs slabs; /* of the chunks past OWN_CHUNKS */
};

pktan_record_map *pktan_record_map_new(gsize key_size, gsize record_size)
{
    pktan_record_map *m = g_new0(pktan_record_map, 1);

    g_return_val_if_fail(key_size > 0 && key_size <= record_size, NULL);
    m->key_size = key_size;
    m->record_size = record_size;
    m->slots = g_new0(slot, INITIAL_SLOTS);
    m->slot_mask = INITIAL_SLOTS - 1;
    return m;
}

static void free_chunks(pktan_record_map *m)
{
    for (guint i = 0; i < MIN(m->n_chunks, OWN_CHUNKS); i++)
        free(m->chunks[i]);
    pktan_slabs_free(&m->slabs);
    m->n_chunks = 0;
}

static guint8 *own_chunk(gsize size)
{
    guint8 *chunk = aligned_alloc(CHUNK_ALIGN, size);

    if (chunk == NULL)
        g_error("pktan: out of memory (%" G_GSIZE_FORMAT " bytes of records)", size);
    pktan_prefault(chunk, size);
    return chunk;
}

void pktan_record_map_free(pktan_record_map *m)
{
    if (m == NULL)
        return;
    free_chunks(m);
    g_free(m->slots);
    g_free(m->chunks);
    g_free(m);
}

void pktan_record_map_clear(pktan_record_map *m)
{
    memset(m->slots, 0, (m->slot_mask + 1) * sizeof(slot));
    free_chunks(m);
    m->count = 0;
    m->indexed = 0;
}

guint pktan_record_map_size(const pktan_record_map *m)
{
    return m->count;
}

void *pktan_record_map_nth(const pktan_record_map *m, guint i)
{
    return m->chunks[i >> CHUNK_BITS] + (gsize)(i & (CHUNK_RECORDS - 1)) * m->record_size;
}

/* Index of key's slot: its own, or the empty one where it belongs. */
static guint32 find_slot(const pktan_record_map *m, const void *key, guint32 hash)
{
    guint32 i = hash & m->slot_mask;

    for (;;) {
        const slot *s = &m->slots[i];
        if (s->index_plus_one == 0)
            return i;
        if (s->hash == hash &&
            memcmp(pktan_record_map_nth(m, s->index_plus_one - 1), key, m->key_size) == 0)
            return i;
        i = (i + 1) & m->slot_mask;
    }
}

/* Its first probe only: a key further on is rare at a load of one half. */
void pktan_record_map_prefetch_hashed(const pktan_record_map *m, guint32 hash,
                                      pktan_prefetch_stage stage)
{
    const slot *s = &m->slots[hash & m->slot_mask];

    if (stage == PKTAN_PREFETCH_INDEX)
        __builtin_prefetch(s, 1);
    else if (s->index_plus_one != 0 && s->hash == hash)
        pktan_prefetch_record(pktan_record_map_nth(m, s->index_plus_one - 1), m->record_size);
}

void pktan_record_map_prefetch(const pktan_record_map *m, const void *key)
{
    pktan_record_map_prefetch_hashed(m, pktan_hash_bytes(key, m->key_size), PKTAN_PREFETCH_INDEX);
}

/* Doubles the slot array; records stay where they are. */
static void grow(pktan_record_map *m)
{
    guint32 old_size = m->slot_mask + 1;
    slot *old = m->slots;

    m->slots = g_new0(slot, (gsize)old_size * 2);
    m->slot_mask = old_size * 2 - 1;
    for (guint32 i = 0; i < old_size; i++) {
        guint32 j;
        if (old[i].index_plus_one == 0)
            continue;
        j = old[i].hash & m->slot_mask;
        while (m->slots[j].index_plus_one != 0)
            j = (j + 1) & m->slot_mask;
        m->slots[j] = old[i];
    }
    g_free(old);
}

void *pktan_record_map_lookup(const pktan_record_map *m, const void *key)
{
    guint32 hash;
    const slot *s;

    if (m->indexed == 0) /* only appended records, or none: nothing to hash for */
        return NULL;
    hash = pktan_hash_bytes(key, m->key_size);
    s = &m->slots[find_slot(m, key, hash)];

    return s->index_plus_one ? pktan_record_map_nth(m, s->index_plus_one - 1) : NULL;
}

static guint8 *new_record(pktan_record_map *m, const void *key)
{
    guint8 *record;

    if ((m->count & (CHUNK_RECORDS - 1)) == 0) {
        gsize size = CHUNK_RECORDS * m->record_size; /* a multiple of CHUNK_ALIGN */

        m->chunks = g_renew(guint8 *, m->chunks, m->n_chunks + 1);
        m->chunks[m->n_chunks] =
            m->n_chunks < OWN_CHUNKS ? own_chunk(size) : pktan_slabs_alloc(&m->slabs, size);
        m->n_chunks++;
    }
    record = pktan_record_map_nth(m, m->count);
    memset(record, 0, m->record_size);
    memcpy(record, key, m->key_size);
    return record;
}

void *pktan_record_map_append(pktan_record_map *m, const void *key)
{
    guint8 *record = new_record(m, key);

    m->count++;
    return record;
}

static guint get_index(pktan_record_map *m, const void *key, guint32 hash, gboolean *created)
{
    guint32 i = find_slot(m, key, hash);

    if (created)
        *created = FALSE;
    if (m->slots[i].index_plus_one)
        return m->slots[i].index_plus_one - 1;

    /* Keep the load at or below one half, so probes stay short. */
    if ((m->indexed + 1) * 2 > m->slot_mask + 1) {
        grow(m);
        i = find_slot(m, key, hash);
    }
    new_record(m, key);
    m->slots[i].hash = hash;
    m->slots[i].index_plus_one = ++m->count;
    m->indexed++;
    if (created)
        *created = TRUE;
    return m->count - 1;
}

guint pktan_record_map_get_index(pktan_record_map *m, const void *key, gboolean *created)
{
    return get_index(m, key, pktan_hash_bytes(key, m->key_size), created);
}

void *pktan_record_map_get(pktan_record_map *m, const void *key, gboolean *created)
{
    return pktan_record_map_nth(m, pktan_record_map_get_index(m, key, created));
}

void *pktan_record_map_get_hashed(pktan_record_map *m, const void *key, guint32 hash,
                                  gboolean *created)
{
    return pktan_record_map_nth(m, get_index(m, key, hash, created));
}
