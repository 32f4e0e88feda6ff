#include "unexpected.h"

#include <string.h>

#include "stream_map.h"
#include "record_map.h"

/* Frames with more layers than this are judged afresh every time. */
#define MEMO_LAYERS 16
#define MEMO_ENTRIES 32 /* a power of two */

/* Judgements that did not depend on a conversation's ends, by the layers
 * they were for: frames mostly repeat a few chains of layers
 * (eth:ethertype:ip:tcp, ...:tcp:tls), and the policy's answer for such a
 * chain is the same whatever the conversation, so its walk is skipped. */
typedef struct {
    guint n_layers; /* 0: empty */
    int layers[MEMO_LAYERS];
    pktan_judgement judgement;
} judgement_memo;

struct pktan_unexpected {
    pktan_policy *policy;
    judgement_memo memo[MEMO_ENTRIES];
    pktan_stream_map *conversations; /* of pktan_flagged_conversation */
    pktan_record_map *chains;        /* of chain_record; index 0 is the empty one */
};

typedef struct {
    pktan_chain chain; /* key */
    guint32 index;     /* in insertion order */
} chain_record;

pktan_unexpected *pktan_unexpected_new(pktan_policy *policy)
{
    pktan_unexpected *u = g_new0(pktan_unexpected, 1);

    u->policy = policy;
    u->conversations = pktan_stream_map_new(sizeof(pktan_conversation_key),
                                            sizeof(pktan_flagged_conversation));
    u->chains = pktan_record_map_new(sizeof(pktan_chain), sizeof(chain_record));
    pktan_unexpected_reset(u);
    return u;
}

void pktan_unexpected_free(pktan_unexpected *u)
{
    if (u == NULL)
        return;
    pktan_stream_map_free(u->conversations);
    pktan_record_map_free(u->chains);
    pktan_policy_free(u->policy);
    g_free(u);
}

void pktan_unexpected_reset(pktan_unexpected *u)
{
    static const pktan_chain empty;

    pktan_stream_map_clear(u->conversations);
    pktan_record_map_clear(u->chains);
    memset(u->memo, 0, sizeof u->memo);
    pktan_record_map_get(u->chains, &empty, NULL); /* index 0, zeroed */
}

const pktan_chain *pktan_unexpected_chain(const pktan_unexpected *u, guint16 chain)
{
    return &((const chain_record *)pktan_record_map_nth(u->chains, chain))->chain;
}

const pktan_policy *pktan_unexpected_policy(const pktan_unexpected *u)
{
    return u->policy;
}

void pktan_unexpected_prefetch(const pktan_unexpected *u, guint8 transport, guint32 stream,
                               pktan_prefetch_stage stage)
{
    pktan_stream_map_prefetch(u->conversations, pktan_streams_of_transport(transport), stream,
                              stage);
}

guint pktan_unexpected_conversations(const pktan_unexpected *u)
{
    return pktan_stream_map_size(u->conversations);
}

const pktan_flagged_conversation *pktan_unexpected_nth(const pktan_unexpected *u, guint i)
{
    return pktan_stream_map_nth(u->conversations, i);
}

void pktan_flagged_ends(const pktan_flagged_conversation *c, const pktan_addr **client,
                        guint16 *client_port, const pktan_addr **server, guint16 *server_port)
{
    pktan_conversation_ends_of(&c->key, pktan_server_side(&c->sides, &c->key), client,
                               client_port, server, server_port);
}

static pktan_flag flag_of(pktan_judgement_kind kind)
{
    switch (kind) {
    case PKTAN_JUDGED_NAMED:
        return PKTAN_FLAG_NAMED;
    case PKTAN_JUDGED_CARRIER:
        return PKTAN_FLAG_CARRIER;
    case PKTAN_JUDGED_UNIDENTIFIED:
        return PKTAN_FLAG_UNIDENTIFIED;
    default:
        return PKTAN_FLAG_NONE;
    }
}

gboolean pktan_flagged_counts(const pktan_flagged_conversation *c)
{
    return c->flag == PKTAN_FLAG_NAMED || (c->flag == PKTAN_FLAG_CARRIER && !c->saw_rule);
}

/* The judged chain, interned; past 65 535 distinct chains a conversation
 * keeps the one it has. */
static void keep_chain(pktan_unexpected *u, pktan_flagged_conversation *c,
                       const pktan_unexpected_frame *f, const pktan_judgement *j)
{
    pktan_chain chain;
    chain_record *r;
    gboolean created;

    memset(&chain, 0, sizeof chain);
    chain.len = MIN(j->chain_len, PKTAN_CHAIN_MAX);
    for (guint i = 0; i < chain.len; i++)
        chain.layers[i] = f->layers[j->chain_start + i];
    if (pktan_record_map_size(u->chains) > G_MAXUINT16 &&
        pktan_record_map_lookup(u->chains, &chain) == NULL)
        return;
    r = pktan_record_map_get(u->chains, &chain, &created);
    if (created)
        r->index = pktan_record_map_size(u->chains) - 1;
    c->chain = (guint16)r->index;
}

static judgement_memo *memo_of(pktan_unexpected *u, const int *layers, guint n_layers)
{
    guint32 h = n_layers;

    for (guint i = 0; i < n_layers; i++)
        h = h * 31u + (guint32)layers[i];
    return &u->memo[(h ^ (h >> 16)) & (MEMO_ENTRIES - 1)];
}

static void judge_layers(pktan_unexpected *u, const pktan_flagged_conversation *c,
                         const pktan_unexpected_frame *f, pktan_judgement *j)
{
    judgement_memo *memo = f->n_layers <= MEMO_LAYERS ? memo_of(u, f->layers, f->n_layers) : NULL;
    pktan_conversation_ends ends;
    guint16 client_port;

    if (memo != NULL && memo->n_layers == f->n_layers &&
        memcmp(memo->layers, f->layers, f->n_layers * sizeof(int)) == 0) {
        *j = memo->judgement;
        return;
    }
    pktan_flagged_ends(c, &ends.client, &client_port, &ends.server, &ends.server_port);
    pktan_policy_judge(u->policy, f->layers, f->n_layers, &ends, j);
    if (memo != NULL && !j->by_ends) {
        memo->n_layers = f->n_layers;
        memcpy(memo->layers, f->layers, f->n_layers * sizeof(int));
        memo->judgement = *j;
    }
}

/* Judges every frame: the first protocol that breaks the policy names the
 * conversation for good (RDP that switches to TLS is still RDP); frames
 * after it may show a longer chain under that protocol (http, then
 * http:data-text-lines), which the report shows. */
static void judge(pktan_unexpected *u, pktan_flagged_conversation *c,
                  const pktan_unexpected_frame *f)
{
    pktan_judgement j;
    pktan_flag flag;

    if (f->n_layers == 0)
        return;
    judge_layers(u, c, f, &j);
    if (j.kind == PKTAN_JUDGED_NAMED && c->saw_rule && pktan_policy_is_tls(u->policy, j.protocol))
        j.kind = PKTAN_JUDGED_RULE; /* the allowed protocol switched to TLS */
    if (j.kind == PKTAN_JUDGED_RULE)
        c->saw_rule = 1;
    flag = flag_of(j.kind);
    if (flag > c->flag && c->flag != PKTAN_FLAG_NAMED) {
        c->flag = (guint8)flag;
        c->protocol = j.protocol;
        c->flag_frame = f->frame;
        keep_chain(u, c, f, &j);
    } else if (flag == c->flag && j.protocol == c->protocol &&
               MIN(j.chain_len, PKTAN_CHAIN_MAX) > pktan_unexpected_chain(u, c->chain)->len) {
        keep_chain(u, c, f, &j);
    }
}

const pktan_flagged_conversation *pktan_unexpected_add(pktan_unexpected *u,
                                                       const pktan_unexpected_frame *f)
{
    pktan_conversation_key key;
    guint8 src_side = pktan_conversation_key_make(&key, f->transport, &f->src, f->src_port,
                                                  &f->dst, f->dst_port, f->stream);
    gboolean created;
    pktan_flagged_conversation *c = pktan_stream_map_get(
        u->conversations, &key, pktan_conversation_streams(&key), key.stream, &created);

    if (created) {
        pktan_server_sides_init(&c->sides, f->has_ports, src_side);
        c->protocol = -1;
        c->first_frame = f->frame;
        c->first_time = c->last_time = f->time;
    }
    pktan_server_sides_hint(&c->sides, src_side, f->hint);
    c->packets++;
    c->bytes += f->bytes;
    c->first_time = MIN(c->first_time, f->time);
    c->last_time = MAX(c->last_time, f->time);
    judge(u, c, f);
    return c;
}
