#include "handshake.h"

#include "stream_map.h"

/* The settled bits may cover this many streams per connection held (plus a
 * start), as stream_map's array: Wireshark numbers streams densely. */
#define SETTLED_STREAMS_PER_CONNECTION 4u
#define SETTLED_STREAMS_START 8192u

struct pktan_handshakes {
    pktan_stream_map *connections; /* of pktan_handshake, keyed by tcp.stream */
    guint8 *settled;               /* a bit per tcp.stream */
    guint32 settled_bytes;
};

pktan_handshakes *pktan_handshakes_new(void)
{
    pktan_handshakes *hs = g_new0(pktan_handshakes, 1);
    hs->connections = pktan_stream_map_new(sizeof(guint32), sizeof(pktan_handshake));
    return hs;
}

void pktan_handshakes_free(pktan_handshakes *hs)
{
    if (hs == NULL)
        return;
    pktan_stream_map_free(hs->connections);
    g_free(hs->settled);
    g_free(hs);
}

void pktan_handshakes_reset(pktan_handshakes *hs)
{
    pktan_stream_map_clear(hs->connections);
    g_free(hs->settled);
    hs->settled = NULL;
    hs->settled_bytes = 0;
}

gboolean pktan_handshakes_settled(const pktan_handshakes *hs, guint32 stream)
{
    return stream / 8 < hs->settled_bytes && (hs->settled[stream / 8] >> (stream % 8)) & 1;
}

void pktan_handshakes_prefetch(const pktan_handshakes *hs, guint32 stream,
                               pktan_prefetch_stage stage)
{
    if (!pktan_handshakes_settled(hs, stream))
        pktan_stream_map_prefetch(hs->connections, PKTAN_STREAMS_TCP, stream, stage);
}

/* Room for stream's bit, made with its record (so that later segments
 * allocate nothing); past the bound there is none, and its segments are
 * fed, to no effect. */
static void cover(pktan_handshakes *hs, guint32 stream)
{
    guint64 limit = (guint64)pktan_stream_map_size(hs->connections) * SETTLED_STREAMS_PER_CONNECTION +
                    SETTLED_STREAMS_START;

    hs->settled = pktan_stream_array_reach(hs->settled, &hs->settled_bytes, 1, stream / 8,
                                           (limit + 7) / 8, SETTLED_STREAMS_START / 8);
}

static void settle(pktan_handshakes *hs, guint32 stream)
{
    if (stream / 8 < hs->settled_bytes)
        hs->settled[stream / 8] |= (guint8)(1u << (stream % 8));
}

guint pktan_handshakes_count(const pktan_handshakes *hs)
{
    return pktan_stream_map_size(hs->connections);
}

const pktan_handshake *pktan_handshakes_lookup(const pktan_handshakes *hs, guint32 stream)
{
    return pktan_stream_map_lookup(hs->connections, &stream, PKTAN_STREAMS_TCP, stream);
}

const pktan_handshake *pktan_handshakes_nth(const pktan_handshakes *hs, guint i)
{
    return pktan_stream_map_nth(hs->connections, i);
}

static gboolean from_client(const pktan_handshake *h, const pktan_tcp_segment *seg)
{
    return seg->src_port == h->client_port && pktan_addr_equal(&seg->src, &h->client);
}

/* The first segment of a connection decides who the client is: the sender
 * of a SYN, the receiver of a SYN/ACK (captured before its SYN), or, for
 * anything else, nobody: the handshake is not in the capture. */
static void start(pktan_handshake *h, const pktan_tcp_segment *seg)
{
    gboolean synack = (seg->flags & (PKTAN_TCP_SYN | PKTAN_TCP_ACK)) ==
                      (PKTAN_TCP_SYN | PKTAN_TCP_ACK);

    h->client = synack ? seg->dst : seg->src;
    h->client_port = synack ? seg->dst_port : seg->src_port;
    h->server = synack ? seg->src : seg->dst;
    h->server_port = synack ? seg->src_port : seg->dst_port;
    h->state = (seg->flags & PKTAN_TCP_SYN) ? PKTAN_HS_SYN_SENT : PKTAN_HS_MIDSTREAM;
    h->first_frame = seg->frame;
}

static void on_rst(pktan_handshake *h, const pktan_tcp_segment *seg)
{
    if (h->rst != PKTAN_HS_NO_RST)
        return;
    h->rst = from_client(h, seg) ? PKTAN_HS_RST_BY_CLIENT : PKTAN_HS_RST_BY_SERVER;
    h->rst_frame = seg->frame;
    h->rst_time = seg->time;
}

static void on_syn(pktan_handshake *h, const pktan_tcp_segment *seg)
{
    if (!from_client(h, seg)) {
        h->simultaneous_open = 1;
        return;
    }
    h->syn_count++;
    if (h->first_syn_frame == 0) {
        h->first_syn_frame = seg->frame;
        h->first_syn_time = seg->time;
    }
    h->syn_frame = seg->frame;
    h->syn_time = seg->time;
    if (h->synack_frame)
        h->state = PKTAN_HS_SYNACK_SEEN;
}

static void on_synack(pktan_handshake *h, const pktan_tcp_segment *seg)
{
    if (from_client(h, seg))
        return; /* the client's half of a simultaneous open */
    h->synack_count++;
    h->synack_frame = seg->frame;
    h->synack_time = seg->time;
    if (h->syn_frame)
        h->state = PKTAN_HS_SYNACK_SEEN;
}

const pktan_handshake *pktan_handshakes_add(pktan_handshakes *hs, const pktan_tcp_segment *seg,
                                            gboolean *completed)
{
    gboolean created;
    pktan_handshake *h = pktan_stream_map_get(hs->connections, &seg->stream, PKTAN_STREAMS_TCP,
                                            seg->stream, &created);
    guint16 f = seg->flags;

    *completed = FALSE;
    if (created) {
        start(h, seg);
        cover(hs, seg->stream);
    }
    if (h->state == PKTAN_HS_MIDSTREAM || h->state == PKTAN_HS_COMPLETE) {
        settle(hs, seg->stream);
        return h;
    }

    if ((f & PKTAN_TCP_SYN) && !(f & PKTAN_TCP_ACK)) {
        on_syn(h, seg);
    } else if (f & PKTAN_TCP_SYN) {
        on_synack(h, seg);
    } else if (f & PKTAN_TCP_RST) {
        on_rst(h, seg);
    } else if ((f & PKTAN_TCP_ACK) && h->state == PKTAN_HS_SYNACK_SEEN && from_client(h, seg)) {
        h->ack_frame = seg->frame;
        h->ack_time = seg->time;
        h->state = PKTAN_HS_COMPLETE;
        *completed = TRUE;
        settle(hs, seg->stream);
    }
    return h;
}

pktan_ns pktan_handshake_irtt(const pktan_handshake *h)
{
    return h->ack_time - h->syn_time;
}

pktan_ns pktan_handshake_syn_synack(const pktan_handshake *h)
{
    return h->synack_time - h->syn_time;
}

pktan_ns pktan_handshake_synack_ack(const pktan_handshake *h)
{
    return h->ack_time - h->synack_time;
}

pktan_ns pktan_handshake_connect_time(const pktan_handshake *h)
{
    return h->ack_time - h->first_syn_time;
}
