#include "unexpected_feed.h"

#include <wireshark.h>
#include <epan/dissectors/packet-ip.h>

#include "epan_glue.h"
#include "flow_key.h"
#include "utp_heur.h"

void pktan_unexpected_feed_reset(pktan_unexpected_feed *feed)
{
    memset(feed, 0, sizeof *feed);
}

/* Headers of an earlier frame (one that never reached the frame tap) are
 * forgotten. */
static void note(pktan_unexpected_feed *feed, const packet_info *pinfo,
                 pktan_feed_header innermost)
{
    feed->frame = pinfo->num;
    feed->innermost = innermost;
}

void pktan_unexpected_feed_ip(pktan_unexpected_feed *feed, const packet_info *pinfo,
                              const address *src, const address *dst, guint8 upper_protocol)
{
    note(feed, pinfo, PKTAN_FEED_IP);
    feed->src = src;
    feed->dst = dst;
    feed->upper_protocol = upper_protocol;
}

void pktan_unexpected_feed_tcp(pktan_unexpected_feed *feed, const packet_info *pinfo,
                               const struct tcpheader *th)
{
    note(feed, pinfo, PKTAN_FEED_TCP);
    feed->header = th;
}

void pktan_unexpected_feed_udp(pktan_unexpected_feed *feed, const packet_info *pinfo,
                               const e_udphdr *uh)
{
    note(feed, pinfo, PKTAN_FEED_UDP);
    feed->header = uh;
}

void pktan_unexpected_feed_tap(pktan_unexpected_feed *feed, pktan_tap tap,
                               const packet_info *pinfo, const void *data)
{
    const ws_ip4 *ip = data;
    const ws_ip6 *ip6 = data;

    switch (tap) {
    case PKTAN_TAP_IP:
        pktan_unexpected_feed_ip(feed, pinfo, &ip->ip_src, &ip->ip_dst, ip->ip_proto);
        break;
    case PKTAN_TAP_IPV6:
        pktan_unexpected_feed_ip(feed, pinfo, &ip6->ip6_src, &ip6->ip6_dst, ip6->ip6_nxt);
        break;
    case PKTAN_TAP_TCP:
        pktan_unexpected_feed_tcp(feed, pinfo, data);
        break;
    default:
        pktan_unexpected_feed_udp(feed, pinfo, data);
        break;
    }
}

guint pktan_unexpected_feed_layers(packet_info *pinfo, int *layers)
{
    int replaced = pktan_utp_replaced_layer();
    guint n = 0;

    for (wmem_list_frame_t *l = wmem_list_head(pinfo->layers); l && n < PKTAN_FEED_MAX_LAYERS;
         l = wmem_list_frame_next(l)) {
        int layer = GPOINTER_TO_INT(wmem_list_frame_data(l));
        layers[n++] = layer == replaced ? pktan_utp_layer(pinfo, layer) : layer;
    }
    return n;
}

static gboolean set_addresses(pktan_unexpected_frame *f, const address *src, const address *dst)
{
    return pktan_addr_from_address(src, &f->src) && pktan_addr_from_address(dst, &f->dst);
}

/* Transports other than TCP and UDP: ports where Wireshark has them (SCTP,
 * DCCP). */
static void conversation_of_ip(pktan_unexpected_frame *f, const pktan_unexpected_feed *feed,
                               const packet_info *pinfo)
{
    if (!set_addresses(f, feed->src, feed->dst))
        return;
    f->transport = feed->upper_protocol;
    f->has_ports = pktan_ip_proto_of_port_type(pinfo->ptype) == feed->upper_protocol;
    f->src_port = f->has_ports ? (guint16)pinfo->srcport : 0;
    f->dst_port = f->has_ports ? (guint16)pinfo->destport : 0;
}

static void conversation_of_ports(pktan_unexpected_frame *f, guint8 transport, const address *src,
                                  guint16 src_port, const address *dst, guint16 dst_port,
                                  guint32 stream)
{
    if (!set_addresses(f, src, dst))
        return;
    f->transport = transport;
    f->has_ports = TRUE;
    f->src_port = src_port;
    f->dst_port = dst_port;
    f->stream = stream;
}

static void conversation_of_tcp(pktan_unexpected_frame *f, const struct tcpheader *th)
{
    conversation_of_ports(f, PKTAN_IPPROTO_TCP, &th->ip_src, th->th_sport, &th->ip_dst,
                          th->th_dport, th->th_stream);
    f->hint = pktan_server_hint_of_tcp(th->th_flags);
}

/* What every frame has, conversation or not. */
static void frame_fields(pktan_unexpected_frame *f, packet_info *pinfo, int *layers)
{
    f->frame = pinfo->num;
    f->bytes = pinfo->fd->pkt_len;
    f->time = pktan_ns_from_nstime(&pinfo->rel_ts);
    f->n_layers = pktan_unexpected_feed_layers(pinfo, layers);
    f->layers = layers;
}

void pktan_unexpected_feed_take(pktan_unexpected_feed *feed, packet_info *pinfo,
                                pktan_unexpected_frame *f, int *layers)
{
    memset(f, 0, sizeof *f);
    switch (feed->frame == pinfo->num ? feed->innermost : PKTAN_FEED_NONE) {
    case PKTAN_FEED_IP:
        conversation_of_ip(f, feed, pinfo);
        break;
    case PKTAN_FEED_TCP:
        conversation_of_tcp(f, feed->header);
        break;
    case PKTAN_FEED_UDP: {
        const e_udphdr *uh = feed->header;
        conversation_of_ports(f, PKTAN_IPPROTO_UDP, &uh->ip_src, uh->uh_sport, &uh->ip_dst,
                              uh->uh_dport, uh->uh_stream);
        break;
    }
    default:
        break;
    }
    if (f->transport == 0) /* no conversation, or addresses pktan cannot key */
        memset(f, 0, sizeof *f);
    frame_fields(f, pinfo, layers);
    feed->frame = 0;
}

void pktan_unexpected_frame_of_record(const pktan_frame_record *frame, pktan_unexpected_frame *f)
{
    f->transport = frame->transport;
    f->has_ports = TRUE;
    f->src = frame->src;
    f->dst = frame->dst;
    f->src_port = frame->src_port;
    f->dst_port = frame->dst_port;
    f->stream = frame->stream;
    f->hint = frame->hint;
    f->frame = frame->frame;
    f->bytes = frame->bytes;
    f->time = frame->rel_time;
    f->n_layers = frame->n_layers;
    f->layers = frame->layers;
}

const pktan_flagged_conversation *pktan_unexpected_feed_frame(pktan_unexpected_feed *feed,
                                                              pktan_unexpected *u,
                                                              packet_info *pinfo)
{
    pktan_unexpected_frame f;
    int layers[PKTAN_FEED_MAX_LAYERS];

    pktan_unexpected_feed_take(feed, pinfo, &f, layers);
    return pktan_unexpected_add(u, &f);
}
