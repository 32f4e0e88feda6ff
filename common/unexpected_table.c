#include "unexpected_table.h"

#include <stddef.h>
#include <string.h>

#include "record_map.h"

_Static_assert(sizeof(pktan_endpoint_key) == 17 + 17 + 2 + 1 + 1,
               "pktan_endpoint_key must have no padding");

/* Per-protocol endpoint rows live in one map, keyed by protocol and
 * endpoint. */
#define ENDPOINT_KEY_SIZE (offsetof(pktan_endpoint_row, reserved) + sizeof(guint16))
_Static_assert(ENDPOINT_KEY_SIZE == 4 + 38 + 2, "pktan_endpoint_row's key must have no padding");

typedef struct {
    gint32 protocol;
    pktan_protocol_row row;
} protocol_record;

typedef struct {
    guint8 transport;
    guint8 reserved;
    guint16 server_port;
    pktan_unidentified_row row;
} unidentified_record;

typedef struct {
    pktan_record_map *protocols;
    pktan_record_map *endpoints;
    pktan_record_map *unidentified;
} storage;

static void add_chain(pktan_protocol_row *p, guint16 chain)
{
    for (guint i = 0; i < p->chains->len; i++)
        if (g_array_index(p->chains, guint16, i) == chain)
            return;
    g_array_append_val(p->chains, chain);
}

static void add_flagged(storage *s, const pktan_flagged_conversation *c)
{
    gint32 protocol = c->protocol;
    gboolean created;
    protocol_record *pr = pktan_record_map_get(s->protocols, &protocol, &created);
    pktan_protocol_row *p = &pr->row;
    pktan_endpoint_row ekey, *er;
    const pktan_addr *client, *server;
    guint16 client_port;

    if (created) {
        p->protocol = protocol;
        p->first_frame = c->flag_frame;
        p->first_time = c->first_time;
        p->last_time = c->last_time;
        p->endpoints = g_ptr_array_new();
        p->chains = g_array_new(FALSE, FALSE, sizeof(guint16));
    }
    p->conversations++;
    p->packets += c->packets;
    p->bytes += c->bytes;
    p->first_frame = MIN(p->first_frame, c->flag_frame);
    p->first_time = MIN(p->first_time, c->first_time);
    p->last_time = MAX(p->last_time, c->last_time);
    add_chain(p, c->chain);

    memset(&ekey, 0, sizeof ekey);
    ekey.protocol = protocol;
    pktan_flagged_ends(c, &client, &client_port, &server, &ekey.key.server_port);
    ekey.key.client = *client;
    ekey.key.server = *server;
    ekey.key.transport = c->key.flow.transport;
    er = pktan_record_map_get(s->endpoints, &ekey, &created);
    if (created)
        g_ptr_array_add(p->endpoints, er);
    er->conversations++;
    er->packets += c->packets;
    er->bytes += c->bytes;
}

static void add_unidentified(storage *s, pktan_unexpected_table *t,
                             const pktan_flagged_conversation *c)
{
    unidentified_record key, *ur;
    const pktan_addr *client, *server;
    guint16 client_port;
    gboolean created;

    memset(&key, 0, sizeof key);
    key.transport = c->key.flow.transport;
    pktan_flagged_ends(c, &client, &client_port, &server, &key.server_port);
    ur = pktan_record_map_get(s->unidentified, &key, &created);
    if (created) {
        ur->row.transport = key.transport;
        ur->row.server_port = key.server_port;
        g_ptr_array_add(t->unidentified, &ur->row);
    }
    ur->row.conversations++;
    ur->row.packets += c->packets;
    ur->row.bytes += c->bytes;
}

static int cmp_desc(guint64 a, guint64 b)
{
    return (a < b) - (a > b);
}

static gint by_conversations(gconstpointer pa, gconstpointer pb)
{
    const pktan_protocol_row *a = *(const pktan_protocol_row *const *)pa;
    const pktan_protocol_row *b = *(const pktan_protocol_row *const *)pb;
    int c;

    if ((c = cmp_desc(a->conversations, b->conversations)) != 0 ||
        (c = cmp_desc(a->packets, b->packets)) != 0)
        return c;
    return (a->first_frame > b->first_frame) - (a->first_frame < b->first_frame);
}

static gint endpoint_by_packets(gconstpointer pa, gconstpointer pb)
{
    const pktan_endpoint_row *a = *(const pktan_endpoint_row *const *)pa;
    const pktan_endpoint_row *b = *(const pktan_endpoint_row *const *)pb;
    int c = cmp_desc(a->packets, b->packets);

    return c ? c : memcmp(&a->key, &b->key, sizeof a->key);
}

static gint unidentified_by_packets(gconstpointer pa, gconstpointer pb)
{
    const pktan_unidentified_row *a = *(const pktan_unidentified_row *const *)pa;
    const pktan_unidentified_row *b = *(const pktan_unidentified_row *const *)pb;
    int c = cmp_desc(a->packets, b->packets);

    if (c)
        return c;
    if (a->transport != b->transport)
        return a->transport - b->transport;
    return a->server_port - b->server_port;
}

pktan_unexpected_table *pktan_unexpected_table_build(const pktan_unexpected *u)
{
    pktan_unexpected_table *t = g_new0(pktan_unexpected_table, 1);
    storage *s = g_new0(storage, 1);

    s->protocols = pktan_record_map_new(sizeof(gint32), sizeof(protocol_record));
    s->endpoints = pktan_record_map_new(ENDPOINT_KEY_SIZE, sizeof(pktan_endpoint_row));
    s->unidentified = pktan_record_map_new(4, sizeof(unidentified_record));
    t->storage = s;
    t->protocols = g_ptr_array_new();
    t->unidentified = g_ptr_array_new();
    for (guint i = 0; i < pktan_unexpected_conversations(u); i++) {
        const pktan_flagged_conversation *c = pktan_unexpected_nth(u, i);

        t->conversations++;
        t->packets += c->packets;
        if (pktan_flagged_counts(c)) {
            t->flagged++;
            add_flagged(s, c);
        } else if (c->flag == PKTAN_FLAG_UNIDENTIFIED) {
            t->unidentified_conversations++;
            add_unidentified(s, t, c);
        }
    }
    for (guint i = 0; i < pktan_record_map_size(s->protocols); i++) {
        protocol_record *pr = pktan_record_map_nth(s->protocols, i);

        g_ptr_array_sort(pr->row.endpoints, endpoint_by_packets);
        g_ptr_array_add(t->protocols, &pr->row);
    }
    g_ptr_array_sort(t->protocols, by_conversations);
    g_ptr_array_sort(t->unidentified, unidentified_by_packets);
    return t;
}

void pktan_unexpected_table_free(pktan_unexpected_table *t)
{
    storage *s;

    if (t == NULL)
        return;
    s = t->storage;
    for (guint i = 0; i < t->protocols->len; i++) {
        pktan_protocol_row *p = g_ptr_array_index(t->protocols, i);

        g_ptr_array_free(p->endpoints, TRUE);
        g_array_free(p->chains, TRUE);
    }
    g_ptr_array_free(t->protocols, TRUE);
    g_ptr_array_free(t->unidentified, TRUE);
    pktan_record_map_free(s->protocols);
    pktan_record_map_free(s->endpoints);
    pktan_record_map_free(s->unidentified);
    g_free(s);
    g_free(t);
}
