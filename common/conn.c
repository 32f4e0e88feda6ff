#include "conn.h"

#include <string.h>

#include "flow_key.h"
#include "record_map.h"
#include "stream_map.h"

/* A UDP flow: the first datagram's sender is the client. */
typedef struct {
    guint32 stream; /* the key */
    guint32 tunnel;  /* carries another IP layer: not an attempt */
    guint32 client_datagrams;
    guint32 server_datagrams;
    guint32 first_frame;
    guint32 last_client_frame;
    guint32 first_reply_frame;
    pktan_addr client;
    pktan_addr server;
    guint16 client_port;
    guint16 server_port;
    pktan_ns first_time;
    pktan_ns last_client_time;
    pktan_ns first_reply_time;
} udp_flow;

/* The attempt an error quotes: its stream, and its client and server
 * endpoints as sent (an error about the server's packets has them the
 * other way round). */
typedef struct {
    pktan_addr client;
    pktan_addr server;
    guint8 transport;
    guint8 reserved; /* zeroed: the key is hashed as bytes */
    guint16 client_port;
    guint16 server_port;
    guint32 stream;
} icmp_key;

_Static_assert(sizeof(icmp_key) == 17 + 17 + 1 + 1 + 2 + 2 + 4, "icmp_key must have no padding");

/* The first rejecting ICMP error quoting an attempt, and how many came. */
typedef struct {
    icmp_key key;
    guint8 type;
    guint8 code;
    guint16 count;
    guint32 frame;
    guint32 index;  /* insertion order, to find the errors no attempt claimed */
    pktan_ns time;
    pktan_addr from;
} icmp_evidence;

/* A bit per (transport, stream) hash, set for each error's key: a draw
 * asks about every attempt, twice, and most have no error, so the bit
 * answers where the map would hash a key and miss. */
#define QUOTED_STREAM_BITS 65536u

struct pktan_conn {
    pktan_handshakes *tcp;
    gboolean owns_tcp;      /* not when it shares another report's */
    pktan_stream_map *udp;  /* of udp_flow, by udp.stream */
    pktan_record_map *icmp; /* of icmp_evidence, by icmp_key */
    guint64 quoted_streams[QUOTED_STREAM_BITS / 64];
};

static const char *const outcome_names[PKTAN_OUTCOME_COUNT] = {
    [PKTAN_OUTCOME_ESTABLISHED] = "established",
    [PKTAN_OUTCOME_ESTABLISHED_AFTER_RETRY] = "established_after_retry",
    [PKTAN_OUTCOME_REFUSED] = "refused",
    [PKTAN_OUTCOME_ICMP_REJECTED] = "icmp_rejected",
    [PKTAN_OUTCOME_UNANSWERED] = "unanswered",
    [PKTAN_OUTCOME_HALF_OPEN] = "half_open",
    [PKTAN_OUTCOME_MIDSTREAM] = "midstream",
};

const char *pktan_outcome_name(pktan_outcome outcome)
{
    return outcome < PKTAN_OUTCOME_COUNT ? outcome_names[outcome] : "unknown";
}

gboolean pktan_outcome_failed(pktan_outcome outcome)
{
    return outcome == PKTAN_OUTCOME_REFUSED || outcome == PKTAN_OUTCOME_ICMP_REJECTED ||
           outcome == PKTAN_OUTCOME_UNANSWERED || outcome == PKTAN_OUTCOME_HALF_OPEN;
}

gboolean pktan_attempt_marks_frame(const pktan_attempt *a, guint32 frame, gboolean settled)
{
    if (!pktan_outcome_failed(a->outcome) || a->decisive_frame != frame)
        return FALSE;
    return settled || a->outcome == PKTAN_OUTCOME_REFUSED || a->outcome == PKTAN_OUTCOME_ICMP_REJECTED;
}

gboolean pktan_icmp_rejects(guint8 family, guint8 type, guint8 code)
{
    if (family == PKTAN_AF_IPV4)
        return type == 3 && code != 4;
    return family == PKTAN_AF_IPV6 && type == 1;
}

static pktan_conn *conn_new(pktan_handshakes *tcp, gboolean owns_tcp)
{
    pktan_conn *conn = g_new0(pktan_conn, 1);

    conn->tcp = tcp;
    conn->owns_tcp = owns_tcp;
    conn->udp = pktan_stream_map_new(sizeof(guint32), sizeof(udp_flow));
    conn->icmp = pktan_record_map_new(sizeof(icmp_key), sizeof(icmp_evidence));
    return conn;
}

pktan_conn *pktan_conn_new(void)
{
    return conn_new(pktan_handshakes_new(), TRUE);
}

pktan_conn *pktan_conn_new_sharing(pktan_handshakes *tcp)
{
    return conn_new(tcp, FALSE);
}

pktan_handshakes *pktan_conn_handshakes(pktan_conn *conn)
{
    return conn->tcp;
}

void pktan_conn_free(pktan_conn *conn)
{
    if (conn == NULL)
        return;
    if (conn->owns_tcp)
        pktan_handshakes_free(conn->tcp);
    pktan_stream_map_free(conn->udp);
    pktan_record_map_free(conn->icmp);
    g_free(conn);
}

void pktan_conn_reset(pktan_conn *conn)
{
    if (conn->owns_tcp)
        pktan_handshakes_reset(conn->tcp);
    pktan_stream_map_clear(conn->udp);
    pktan_record_map_clear(conn->icmp);
    memset(conn->quoted_streams, 0, sizeof conn->quoted_streams);
}

void pktan_conn_add_udp(pktan_conn *conn, const pktan_udp_datagram *d)
{
    gboolean created;
    udp_flow *f;

    /* Nobody answers a multicast or broadcast datagram one to one. */
    if (pktan_addr_is_group(&d->dst))
        return;
    f = pktan_stream_map_get(conn->udp, &d->stream, PKTAN_STREAMS_UDP, d->stream, &created);
    if (created) {
        f->client = d->src;
        f->client_port = d->src_port;
        f->server = d->dst;
        f->server_port = d->dst_port;
        f->first_frame = d->frame;
        f->first_time = d->time;
    }
    if (d->src_port == f->client_port && pktan_addr_equal(&d->src, &f->client)) {
        f->client_datagrams++;
        f->last_client_frame = d->frame;
        f->last_client_time = d->time;
    } else if (f->server_datagrams++ == 0) {
        f->first_reply_frame = d->frame;
        f->first_reply_time = d->time;
    }
}

void pktan_conn_mark_tunnel(pktan_conn *conn, guint32 udp_stream)
{
    udp_flow *f = pktan_stream_map_lookup(conn->udp, &udp_stream, PKTAN_STREAMS_UDP, udp_stream);

    if (f != NULL)
        f->tunnel = 1;
}

static guint32 quoted_stream_bit(guint8 transport, guint32 stream)
{
    return (stream * 2u + (transport == PKTAN_IPPROTO_UDP)) % QUOTED_STREAM_BITS;
}

static gboolean maybe_quoted(const pktan_conn *conn, guint8 transport, guint32 stream)
{
    guint32 bit = quoted_stream_bit(transport, stream);

    return (conn->quoted_streams[bit / 64] >> (bit % 64)) & 1;
}

static icmp_key key_of(guint8 transport, guint32 stream, const pktan_addr *client,
                       guint16 client_port, const pktan_addr *server, guint16 server_port)
{
    icmp_key key;

    memset(&key, 0, sizeof key);
    key.client = *client;
    key.server = *server;
    key.transport = transport;
    key.client_port = client_port;
    key.server_port = server_port;
    key.stream = stream;
    return key;
}

void pktan_conn_add_icmp(pktan_conn *conn, const pktan_icmp_error *icmp)
{
    icmp_key key = key_of(icmp->transport, icmp->stream, &icmp->quoted_src, icmp->quoted_src_port,
                          &icmp->quoted_dst, icmp->quoted_dst_port);
    gboolean created;
    icmp_evidence *e;

    if (!pktan_icmp_rejects(icmp->from.family, icmp->type, icmp->code))
        return;
    e = pktan_record_map_get(conn->icmp, &key, &created);
    if (created) {
        guint32 bit = quoted_stream_bit(key.transport, key.stream);

        conn->quoted_streams[bit / 64] |= G_GUINT64_CONSTANT(1) << (bit % 64);
        e->type = icmp->type;
        e->code = icmp->code;
        e->frame = icmp->frame;
        e->time = icmp->time;
        e->from = icmp->from;
        e->index = pktan_record_map_size(conn->icmp) - 1;
    }
    if (e->count < G_MAXUINT16)
        e->count++;
}

/* ---- classification ---------------------------------------------------- */

static void decide(pktan_attempt *a, pktan_outcome outcome, guint32 frame, pktan_ns time)
{
    a->outcome = outcome;
    a->decisive_frame = frame;
    a->decisive_time = time;
}

static void take_icmp(pktan_attempt *a, const icmp_evidence *e)
{
    if (e == NULL)
        return;
    a->has_icmp = TRUE;
    a->icmp_type = e->type;
    a->icmp_code = e->code;
    a->icmp_count = e->count;
    a->icmp_from = e->from;
}

/* The client's most recent packet at or before `answer`, when known. */
static pktan_ns delay_to(pktan_ns answer, pktan_ns latest, pktan_ns first)
{
    return answer - (latest <= answer ? latest : first);
}

static void classify_syn_sent(const pktan_handshake *h, const icmp_evidence *e, pktan_attempt *a)
{
    gboolean refused = h->rst == PKTAN_HS_RST_BY_SERVER;

    if (refused && (e == NULL || h->rst_frame < e->frame)) {
        decide(a, PKTAN_OUTCOME_REFUSED, h->rst_frame, h->rst_time);
        a->answer_delay = delay_to(h->rst_time, h->syn_time, h->first_syn_time);
    } else if (e != NULL) {
        decide(a, PKTAN_OUTCOME_ICMP_REJECTED, e->frame, e->time);
        a->answer_delay = delay_to(e->time, h->syn_time, h->first_syn_time);
        a->retried_after_icmp = h->syn_time > e->time;
    } else {
        decide(a, PKTAN_OUTCOME_UNANSWERED, h->syn_frame, h->syn_time);
    }
}

/* Who tried what and since when, and the rejecting error if there is one:
 * how every attempt starts, whatever its transport. */
static void begin(pktan_attempt *a, guint8 transport, guint32 stream, const pktan_addr *client,
                  guint16 client_port, const pktan_addr *server, guint16 server_port,
                  guint32 first_frame, pktan_ns first_time, const icmp_evidence *e)
{
    memset(a, 0, sizeof *a);
    a->transport = transport;
    a->stream = stream;
    a->client = *client;
    a->server = *server;
    a->client_port = client_port;
    a->server_port = server_port;
    a->first_frame = first_frame;
    a->first_time = first_time;
    take_icmp(a, e);
}

static void classify_tcp(const pktan_handshake *h, const icmp_evidence *e, pktan_attempt *a)
{
    begin(a, PKTAN_IPPROTO_TCP, h->stream, &h->client, h->client_port, &h->server, h->server_port,
          h->first_frame, h->first_syn_time, e);
    a->syn_count = h->syn_count;
    a->synack_count = h->synack_count;

    switch (h->state) {
    case PKTAN_HS_COMPLETE:
        decide(a, h->syn_count > 1 ? PKTAN_OUTCOME_ESTABLISHED_AFTER_RETRY : PKTAN_OUTCOME_ESTABLISHED,
               h->ack_frame, h->ack_time);
        a->answer_delay = pktan_handshake_irtt(h);
        break;
    case PKTAN_HS_SYNACK_SEEN:
        a->client_reset = h->rst == PKTAN_HS_RST_BY_CLIENT;
        if (a->client_reset)
            decide(a, PKTAN_OUTCOME_HALF_OPEN, h->rst_frame, h->rst_time);
        else
            decide(a, PKTAN_OUTCOME_HALF_OPEN, h->synack_frame, h->synack_time);
        a->answer_delay = pktan_handshake_syn_synack(h);
        break;
    case PKTAN_HS_SYN_SENT:
        classify_syn_sent(h, e, a);
        break;
    default:
        decide(a, PKTAN_OUTCOME_MIDSTREAM, h->first_frame, 0);
        break;
    }
}

static void classify_udp(const udp_flow *f, const icmp_evidence *e, pktan_attempt *a)
{
    begin(a, PKTAN_IPPROTO_UDP, f->stream, &f->client, f->client_port, &f->server, f->server_port,
          f->first_frame, f->first_time, e);

    if (f->server_datagrams > 0) {
        decide(a, PKTAN_OUTCOME_ESTABLISHED, f->first_reply_frame, f->first_reply_time);
        a->answer_delay = f->first_reply_time - f->first_time;
    } else if (e != NULL) {
        decide(a, PKTAN_OUTCOME_ICMP_REJECTED, e->frame, e->time);
        a->answer_delay = delay_to(e->time, f->last_client_time, f->first_time);
        a->retried_after_icmp = f->last_client_time > e->time;
    } else {
        decide(a, PKTAN_OUTCOME_UNANSWERED, f->last_client_frame, f->last_client_time);
    }
}

/* A rejection whose attempt never showed up itself (the SYN or datagram
 * was not captured): the quoted header says who tried. */
static void classify_orphan(const icmp_evidence *e, pktan_attempt *a)
{
    begin(a, e->key.transport, e->key.stream, &e->key.client, e->key.client_port, &e->key.server,
          e->key.server_port, e->frame, e->time, e);
    decide(a, PKTAN_OUTCOME_ICMP_REJECTED, e->frame, e->time);
}

static const icmp_evidence *evidence_of(const pktan_conn *conn, guint8 transport, guint32 stream,
                                        const pktan_addr *client, guint16 client_port,
                                        const pktan_addr *server, guint16 server_port)
{
    icmp_key key;

    if (!maybe_quoted(conn, transport, stream))
        return NULL;
    key = key_of(transport, stream, client, client_port, server, server_port);
    return pktan_record_map_lookup(conn->icmp, &key);
}

static const icmp_evidence *tcp_evidence(const pktan_conn *conn, const pktan_handshake *h)
{
    return evidence_of(conn, PKTAN_IPPROTO_TCP, h->stream, &h->client, h->client_port, &h->server,
                       h->server_port);
}

static const icmp_evidence *udp_evidence(const pktan_conn *conn, const udp_flow *f)
{
    return evidence_of(conn, PKTAN_IPPROTO_UDP, f->stream, &f->client, f->client_port, &f->server,
                       f->server_port);
}

/* Marks the errors that belong to a known attempt: the one that rejected
 * it, and any about a packet its server side sent (a late reply to a
 * client that had gone away), which rejects nothing anybody tried. */
static void claim(const pktan_conn *conn, guint8 *claimed, const pktan_attempt *a,
                  const icmp_evidence *e)
{
    const icmp_evidence *reply;

    if (e != NULL)
        claimed[e->index] = 1;
    reply = evidence_of(conn, a->transport, a->stream, &a->server, a->server_port, &a->client,
                        a->client_port);
    if (reply != NULL)
        claimed[reply->index] = 1;
}

void pktan_conn_foreach_attempt(const pktan_conn *conn, pktan_attempt_fn fn, void *user)
{
    guint8 *claimed = g_malloc0(pktan_record_map_size(conn->icmp) + 1);
    pktan_attempt a;

    for (guint i = 0; i < pktan_handshakes_count(conn->tcp); i++) {
        const pktan_handshake *h = pktan_handshakes_nth(conn->tcp, i);
        const icmp_evidence *e = tcp_evidence(conn, h);
        classify_tcp(h, e, &a);
        claim(conn, claimed, &a, e);
        fn(&a, user);
    }
    for (guint i = 0; i < pktan_stream_map_size(conn->udp); i++) {
        const udp_flow *f = pktan_stream_map_nth(conn->udp, i);
        const icmp_evidence *e;

        if (f->tunnel)
            continue;
        e = udp_evidence(conn, f);
        classify_udp(f, e, &a);
        claim(conn, claimed, &a, e);
        fn(&a, user);
    }
    for (guint i = 0; i < pktan_record_map_size(conn->icmp); i++) {
        if (claimed[i])
            continue;
        classify_orphan(pktan_record_map_nth(conn->icmp, i), &a);
        fn(&a, user);
    }
    g_free(claimed);
}

gboolean pktan_conn_tcp_attempt(const pktan_conn *conn, guint32 stream, pktan_attempt *out)
{
    const pktan_handshake *h = pktan_handshakes_lookup(conn->tcp, stream);

    if (h == NULL)
        return FALSE;
    classify_tcp(h, tcp_evidence(conn, h), out);
    return TRUE;
}

gboolean pktan_conn_udp_attempt(const pktan_conn *conn, guint32 stream, pktan_attempt *out)
{
    const udp_flow *f = pktan_stream_map_lookup(conn->udp, &stream, PKTAN_STREAMS_UDP, stream);

    if (f == NULL || f->tunnel)
        return FALSE;
    classify_udp(f, udp_evidence(conn, f), out);
    return TRUE;
}
