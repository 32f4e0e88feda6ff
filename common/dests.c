#include "dests.h"

#include <string.h>

#include "conversation.h"
#include "stream_map.h"
#include "record_map.h"

/* memcmp equality and byte hashing need a key without padding holes. */
_Static_assert(sizeof(pktan_dest_key) == 17 + 1 + 2 + 1 + 1,
               "pktan_dest_key must have no padding");

/* A conversation of the servers view. */
typedef struct {
    pktan_conversation_key key;
    pktan_server_sides sides;
    guint64 packets;
    guint64 bytes;
    pktan_ns first;
    pktan_ns last;
} conversation;

/* packets view: the row each end of a TCP or UDP stream receives into,
 * by 2 x stream + end; NULL: none yet. The row's address rather than its
 * index, as stream_map holds records: one load fewer per packet. */
typedef struct {
    pktan_dest_row **row;
    guint32 len;
} stream_rows;

/* Entries a stream_rows may hold per row (plus a start): Wireshark numbers
 * streams densely, so only streams this report mostly does not see (a
 * display filter) could reach it, and those rows are then hashed. */
#define STREAM_ENDS_PER_ROW 8u
#define STREAM_ENDS_START 4096u

struct pktan_dests {
    pktan_dests_view view;
    pktan_record_map *rows;          /* of pktan_dest_row */
    pktan_stream_map *conversations; /* of conversation (servers view) */
    stream_rows by_stream[PKTAN_STREAMS_NONE];
};

void pktan_dest_key_make(pktan_dest_key *key, const pktan_addr *addr,
                         guint8 ip_proto, gboolean has_port, guint16 port)
{
    memset(key, 0, sizeof *key);
    key->addr = *addr;
    key->ip_proto = ip_proto;
    key->has_port = has_port ? 1 : 0;
    key->port = has_port ? port : 0;
}

pktan_dests *pktan_dests_new(pktan_dests_view view)
{
    pktan_dests *d = g_new0(pktan_dests, 1);
    d->view = view;
    d->rows = pktan_record_map_new(sizeof(pktan_dest_key), sizeof(pktan_dest_row));
    d->conversations = pktan_stream_map_new(sizeof(pktan_conversation_key), sizeof(conversation));
    return d;
}

static void forget_stream_rows(pktan_dests *d)
{
    for (int i = 0; i < PKTAN_STREAMS_NONE; i++) {
        g_free(d->by_stream[i].row);
        d->by_stream[i] = (stream_rows){NULL, 0};
    }
}

void pktan_dests_free(pktan_dests *d)
{
    if (d == NULL)
        return;
    pktan_record_map_free(d->rows);
    pktan_stream_map_free(d->conversations);
    forget_stream_rows(d);
    g_free(d);
}

void pktan_dests_reset(pktan_dests *d)
{
    pktan_record_map_clear(d->rows);
    pktan_stream_map_clear(d->conversations);
    forget_stream_rows(d);
}

static pktan_dest_row *row_for(pktan_record_map *rows, const pktan_dest_key *key, pktan_ns when)
{
    gboolean created;
    pktan_dest_row *row = pktan_record_map_get(rows, key, &created);

    if (created)
        row->first = row->last = when;
    return row;
}

static void stretch(pktan_ns *first, pktan_ns *last, pktan_ns when)
{
    if (when < *first)
        *first = when;
    if (when > *last)
        *last = when;
}

static void count(pktan_dest_row *row, guint32 bytes, pktan_ns when)
{
    row->packets++;
    row->bytes += bytes;
    stretch(&row->first, &row->last, when);
}

void pktan_dests_add_packet(pktan_dests *d, const pktan_dest_key *key,
                            guint32 bytes, pktan_ns when)
{
    pktan_dests_add_hashed_packet(d, key, pktan_dests_key_hash(key), bytes, when);
}

/* The rows' map hashes its keys so (record_map.h), and the key's size is
 * known here: the hash is a few straight-line words. */
guint32 pktan_dests_key_hash(const pktan_dest_key *key)
{
    return pktan_hash_bytes(key, sizeof *key);
}

void pktan_dests_add_hashed_packet(pktan_dests *d, const pktan_dest_key *key, guint32 hash,
                                   guint32 bytes, pktan_ns when)
{
    gboolean created;
    pktan_dest_row *row = pktan_record_map_get_hashed(d->rows, key, hash, &created);

    if (created)
        row->first = row->last = when;
    count(row, bytes, when);
}

/* The row stream_end names, if it is key's: a display filter or a capture
 * Wireshark numbered oddly must not count a packet at another row. */
static pktan_dest_row *stream_row(const stream_rows *s, guint32 end, const pktan_dest_key *key)
{
    pktan_dest_row *row;

    if (end >= s->len || s->row[end] == NULL)
        return NULL;
    row = s->row[end];
    return memcmp(&row->key, key, sizeof *key) == 0 ? row : NULL;
}

void pktan_dests_add_stream_packet(pktan_dests *d, const pktan_dest_key *key,
                                   pktan_streams streams, guint32 stream, gboolean to_lower_end,
                                   guint32 bytes, pktan_ns when)
{
    stream_rows *s = &d->by_stream[streams];
    guint64 end = (guint64)stream * 2 + (to_lower_end ? 1 : 0);
    pktan_dest_row *row = end <= G_MAXUINT32 ? stream_row(s, (guint32)end, key) : NULL;
    gboolean created;

    if (row == NULL) {
        row = pktan_record_map_get(d->rows, key, &created);
        if (created)
            row->first = row->last = when;
        s->row = pktan_stream_array_reach(
            s->row, &s->len, sizeof(pktan_dest_row *), (guint32)MIN(end, G_MAXUINT32),
            (guint64)pktan_record_map_size(d->rows) * STREAM_ENDS_PER_ROW + STREAM_ENDS_START,
            STREAM_ENDS_START);
        if (end < s->len)
            s->row[end] = row;
    }
    count(row, bytes, when);
}

gboolean pktan_dests_prefetch_stream_end(const pktan_dests *d, pktan_streams streams,
                                         guint32 stream, gboolean to_lower_end,
                                         pktan_prefetch_stage stage)
{
    const stream_rows *s;

    if (streams >= PKTAN_STREAMS_NONE)
        return FALSE;
    s = &d->by_stream[streams];
    return pktan_prefetch_indexed((const void *const *)s->row, s->len,
                                  (guint64)stream * 2 + (to_lower_end ? 1 : 0),
                                  sizeof(pktan_dest_row), stage);
}

void pktan_dests_prefetch_new_row(const pktan_dests *d, const pktan_dest_key *key)
{
    pktan_record_map_prefetch(d->rows, key);
}

void pktan_dests_prefetch_row(const pktan_dests *d, guint32 hash, pktan_prefetch_stage stage)
{
    pktan_record_map_prefetch_hashed(d->rows, hash, stage);
}

void pktan_dests_prefetch_conversation(const pktan_dests *d, guint8 transport, guint32 stream,
                                       pktan_prefetch_stage stage)
{
    pktan_stream_map_prefetch(d->conversations, pktan_streams_of_transport(transport), stream,
                              stage);
}

pktan_conversation_ref pktan_dests_add_conversation_packet(pktan_dests *d,
                                                           const pktan_dest_key *src,
                                                           const pktan_dest_key *dst,
                                                           guint32 stream, guint32 bytes,
                                                           pktan_ns when)
{
    pktan_conversation_key key;
    guint8 src_side = pktan_conversation_key_make(&key, src->ip_proto, &src->addr, src->port,
                                                  &dst->addr, dst->port, stream);
    gboolean created;
    conversation *c = pktan_stream_map_get(d->conversations, &key,
                                           pktan_conversation_streams(&key), key.stream, &created);

    if (created) {
        pktan_server_sides_init(&c->sides, src->has_port, src_side);
        c->first = c->last = when;
    }
    c->packets++;
    c->bytes += bytes;
    stretch(&c->first, &c->last, when);
    return (pktan_conversation_ref){c, src_side};
}

void pktan_dests_conversation_hint(pktan_conversation_ref ref, pktan_server_hint hint)
{
    conversation *c = ref.conversation;

    if (c != NULL)
        pktan_server_sides_hint(&c->sides, ref.src_side, hint);
}

/* Folds the conversations into per-server rows (d->rows). */
static void build_server_rows(pktan_dests *d)
{
    pktan_record_map_clear(d->rows);
    for (guint i = 0; i < pktan_stream_map_size(d->conversations); i++) {
        const conversation *c = pktan_stream_map_nth(d->conversations, i);
        const pktan_addr *client, *server;
        guint16 client_port, server_port;
        pktan_dest_key key;
        pktan_dest_row *row;

        pktan_conversation_ends_of(&c->key, pktan_server_side(&c->sides, &c->key), &client,
                                   &client_port, &server, &server_port);
        pktan_dest_key_make(&key, server, c->key.flow.transport, c->sides.has_port, server_port);
        row = row_for(d->rows, &key, c->first);
        row->packets += c->packets;
        row->bytes += c->bytes;
        row->conversations++;
        stretch(&row->first, &row->last, c->first);
        stretch(&row->first, &row->last, c->last);
    }
}

/* ---- sorting -------------------------------------------------------------- */

static int cmp_u64_desc(guint64 a, guint64 b)
{
    return (a < b) - (a > b);
}

static int cmp_rows(const pktan_dest_row *a, const pktan_dest_row *b, pktan_sort sort)
{
    int c;
    if (sort == PKTAN_SORT_BYTES) {
        if ((c = cmp_u64_desc(a->bytes, b->bytes)) != 0)
            return c;
    }
    if ((c = cmp_u64_desc(a->packets, b->packets)) != 0)
        return c;
    if ((c = cmp_u64_desc(a->bytes, b->bytes)) != 0)
        return c;
    return memcmp(&a->key, &b->key, sizeof a->key);
}

static gint cmp_port_rows(gconstpointer pa, gconstpointer pb, gpointer sort)
{
    return cmp_rows(*(const pktan_dest_row *const *)pa, *(const pktan_dest_row *const *)pb,
                    (pktan_sort)GPOINTER_TO_INT(sort));
}

static void swap_rows(gpointer *rows, guint a, guint b)
{
    gpointer row = rows[a];

    rows[a] = rows[b];
    rows[b] = row;
}

/* A max-heap of n rows by cmp_rows: the root is the row that sorts last. */
static void sift_down(gpointer *rows, guint n, guint i, pktan_sort sort)
{
    for (;;) {
        guint last = i, child = 2 * i + 1;

        if (child < n && cmp_rows(rows[child], rows[last], sort) > 0)
            last = child;
        if (child + 1 < n && cmp_rows(rows[child + 1], rows[last], sort) > 0)
            last = child + 1;
        if (last == i)
            return;
        swap_rows(rows, i, last);
        i = last;
    }
}

/* Puts the first n of the rows in order, the others after them in no
 * order: a text report shows top= ports of a destination that may have
 * tens of thousands (a client's ephemeral ports), and sorting them all was
 * most of its draw. The n first stay in a heap while the others pass, then
 * are heap-sorted. Asked for all of them (n >= len), it merge-sorts them. */
static void sort_first(GPtrArray *rows, guint n, pktan_sort sort)
{
    gpointer *r = rows->pdata;

    if (n >= rows->len) {
        g_ptr_array_sort_with_data(rows, cmp_port_rows, GINT_TO_POINTER(sort));
        return;
    }
    for (guint i = n / 2; i-- > 0;)
        sift_down(r, n, i, sort);
    for (guint i = n; i < rows->len; i++) {
        if (cmp_rows(r[i], r[0], sort) < 0) {
            swap_rows(r, 0, i);
            sift_down(r, n, 0, sort);
        }
    }
    for (guint last = n; last-- > 1;) {
        swap_rows(r, 0, last);
        sift_down(r, last, 0, sort);
    }
}

static gint cmp_groups(gconstpointer pa, gconstpointer pb, gpointer sort)
{
    const pktan_dest_group *a = *(const pktan_dest_group *const *)pa;
    const pktan_dest_group *b = *(const pktan_dest_group *const *)pb;
    return cmp_rows(&a->total, &b->total, (pktan_sort)GPOINTER_TO_INT(sort));
}

static void free_group(gpointer p)
{
    pktan_dest_group *g = p;
    g_ptr_array_free(g->ports, TRUE);
    g_free(g);
}

pktan_dests_table *pktan_dests_table_build(pktan_dests *d, pktan_sort sort, guint top)
{
    pktan_dests_table *t = g_new0(pktan_dests_table, 1);
    GHashTable *by_addr = g_hash_table_new(pktan_addr_hash, pktan_addr_key_equal);

    if (d->view == PKTAN_VIEW_SERVERS)
        build_server_rows(d);

    t->groups = g_ptr_array_new_with_free_func(free_group);
    for (guint i = 0; i < pktan_record_map_size(d->rows); i++) {
        const pktan_dest_row *row = pktan_record_map_nth(d->rows, i);
        pktan_dest_group *g = g_hash_table_lookup(by_addr, &row->key.addr);

        if (g == NULL) {
            g = g_new0(pktan_dest_group, 1);
            g->ports = g_ptr_array_new();
            pktan_dest_key_make(&g->total.key, &row->key.addr, 0, FALSE, 0);
            g->total.first = row->first;
            g->total.last = row->last;
            g_hash_table_insert(by_addr, &g->total.key.addr, g);
            g_ptr_array_add(t->groups, g);
        }
        g_ptr_array_add(g->ports, (gpointer)row);
        g->total.packets += row->packets;
        g->total.bytes += row->bytes;
        g->total.conversations += row->conversations;
        stretch(&g->total.first, &g->total.last, row->first);
        stretch(&g->total.first, &g->total.last, row->last);
        t->packets += row->packets;
        t->bytes += row->bytes;
    }
    g_hash_table_destroy(by_addr);

    g_ptr_array_sort_with_data(t->groups, cmp_groups, GINT_TO_POINTER(sort));
    if (top == 0)
        top = G_MAXUINT;
    for (guint i = 0; i < MIN(top, t->groups->len); i++)
        sort_first(((pktan_dest_group *)g_ptr_array_index(t->groups, i))->ports, top, sort);
    return t;
}

void pktan_dests_table_free(pktan_dests_table *t)
{
    if (t == NULL)
        return;
    g_ptr_array_free(t->groups, TRUE);
    g_free(t);
}
