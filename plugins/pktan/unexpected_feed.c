#include "unexpected_feed.h"

#include <wireshark.h>
#include <epan/dissectors/packet-ip.h>

#include "epan_glue.h"
#include "flow_key.h"
#include "utp_heur.h"

/* Deeper chains exist only in malformed or hostile frames; the judgement
 * needs the first layers anyway. */
#define MAX_LAYERS 64

void pktan_unexpected_feed_reset(pktan_unexpected_feed *feed)
{
    memset(feed, 0, sizeof *feed);
}

/* The frame's headers so far, or a fresh start for a new frame. */
static pktan_unexpected_frame *current(pktan_unexpected_feed *feed, const packet_info *pinfo)
{
    if (feed->frame != pinfo->num) {
        memset(&feed->last, 0, sizeof feed->last);
        feed->frame = pinfo->num;
    }
    return &feed->last;
}

static gboolean set_addresses(pktan_unexpected_frame *f, const address *src, const address *dst)
{
    return pktan_addr_from_address(src, &f->src) && pktan_addr_from_address(dst, &f->dst);
}

void pktan_unexpected_feed_ip(pktan_unexpected_feed *feed, const packet_info *pinfo,
                              const address *src, const address *dst, guint8 upper_protocol)
{
    pktan_unexpected_frame *f = current(feed, pinfo);

    if (!set_addresses(f, src, dst))
        return;
    /* Transports other than TCP and UDP: ports where Wireshark has them
     * (SCTP, DCCP); TCP and UDP headers overwrite this with their own. */
    f->transport = upper_protocol;
    f->has_ports = pktan_ip_proto_of_port_type(pinfo->ptype) == upper_protocol;
    f->src_port = f->has_ports ? (guint16)pinfo->srcport : 0;
    f->dst_port = f->has_ports ? (guint16)pinfo->destport : 0;
    f->stream = 0;
    f->hint = PKTAN_SERVER_HINT_NONE;
}

void pktan_unexpected_feed_tcp(pktan_unexpected_feed *feed, const packet_info *pinfo,
                               const struct tcpheader *th)
{
    pktan_unexpected_frame *f = current(feed, pinfo);

    if (!set_addresses(f, &th->ip_src, &th->ip_dst))
        return;
    f->transport = PKTAN_IPPROTO_TCP;
    f->has_ports = TRUE;
    f->src_port = th->th_sport;
    f->dst_port = th->th_dport;
    f->stream = th->th_stream;
    f->hint = !(th->th_flags & TH_SYN) ? PKTAN_SERVER_HINT_NONE
              : (th->th_flags & TH_ACK) ? PKTAN_SERVER_HINT_SRC
                                        : PKTAN_SERVER_HINT_DST;
}

void pktan_unexpected_feed_udp(pktan_unexpected_feed *feed, const packet_info *pinfo,
                               const e_udphdr *uh)
{
    pktan_unexpected_frame *f = current(feed, pinfo);

    if (!set_addresses(f, &uh->ip_src, &uh->ip_dst))
        return;
    f->transport = PKTAN_IPPROTO_UDP;
    f->has_ports = TRUE;
    f->src_port = uh->uh_sport;
    f->dst_port = uh->uh_dport;
    f->stream = uh->uh_stream;
    f->hint = PKTAN_SERVER_HINT_NONE;
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

static guint copy_layers(packet_info *pinfo, int *layers)
{
    guint n = 0;

    for (wmem_list_frame_t *l = wmem_list_head(pinfo->layers); l && n < MAX_LAYERS;
         l = wmem_list_frame_next(l)) {
        layers[n++] = pktan_utp_layer(pinfo, GPOINTER_TO_INT(wmem_list_frame_data(l)));
    }
    return n;
}

const pktan_flagged_conversation *pktan_unexpected_feed_frame(pktan_unexpected_feed *feed,
                                                              pktan_unexpected *u,
                                                              packet_info *pinfo)
{
    pktan_unexpected_frame *f = current(feed, pinfo);
    int layers[MAX_LAYERS];
    const pktan_flagged_conversation *c;

    f->frame = pinfo->num;
    f->bytes = pinfo->fd->pkt_len;
    f->time = pktan_ns_from_nstime(&pinfo->rel_ts);
    f->n_layers = copy_layers(pinfo, layers);
    f->layers = layers;
    c = pktan_unexpected_add(u, f);
    f->layers = NULL;
    feed->frame = 0;
    return c;
}
