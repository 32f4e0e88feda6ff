#include "conn_feed.h"

#include <wireshark.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/dissectors/packet-icmp.h>

#include "epan_glue.h"
#include "flow_key.h"

void pktan_conn_feed_init(pktan_conn_feed *feed, pktan_conn *conn)
{
    memset(feed, 0, sizeof *feed);
    feed->conn = conn;
}

void pktan_conn_feed_reset(pktan_conn_feed *feed)
{
    pktan_conn_reset(feed->conn);
    pktan_conn_feed_init(feed, feed->conn);
}

/* The type and code the ICMP or ICMPv6 dissector stored for this frame
 * (icmp_info_t, "stored in pinfo with p_add_proto_data"). */
static const icmp_info_t *icmp_info(packet_info *pinfo, guint8 family)
{
    static int proto_icmp = -1, proto_icmpv6 = -1;
    int *proto = family == PKTAN_AF_IPV6 ? &proto_icmpv6 : &proto_icmp;

    if (*proto == -1)
        *proto = proto_get_id_by_filter_name(family == PKTAN_AF_IPV6 ? "icmpv6" : "icmp");
    return p_get_proto_data(wmem_file_scope(), pinfo, *proto, 0);
}

/* The tcp.stream or udp.stream of the quoted header, from Wireshark's
 * own conversation table (the one in use at this frame, so a reused
 * 4-tuple resolves to its latest connection). */
static guint32 quoted_stream(const packet_info *pinfo, guint8 transport, const address *src,
                             const address *dst, guint16 src_port, guint16 dst_port)
{
    static int proto_tcp = -1, proto_udp = -1;
    gboolean tcp = transport == PKTAN_IPPROTO_TCP;
    conversation_t *conv = find_conversation(pinfo->num, src, dst,
                                             tcp ? CONVERSATION_TCP : CONVERSATION_UDP,
                                             src_port, dst_port, 0);

    if (proto_tcp == -1) {
        proto_tcp = proto_get_id_by_filter_name("tcp");
        proto_udp = proto_get_id_by_filter_name("udp");
    }
    if (conv == NULL)
        return PKTAN_STREAM_UNKNOWN;
    if (tcp) {
        const struct tcp_analysis *t = conversation_get_proto_data(conv, proto_tcp);
        return t ? t->stream : PKTAN_STREAM_UNKNOWN;
    } else {
        const struct udp_analysis *u = conversation_get_proto_data(conv, proto_udp);
        return u ? u->stream : PKTAN_STREAM_UNKNOWN;
    }
}

static void feed_quoted(pktan_conn_feed *feed, packet_info *pinfo, const address *src,
                        const address *dst, guint8 transport)
{
    const icmp_info_t *info = icmp_info(pinfo, feed->icmp_sender.family);
    pktan_icmp_error e;

    if (info == NULL || (transport != PKTAN_IPPROTO_TCP && transport != PKTAN_IPPROTO_UDP) ||
        !pktan_addr_from_address(src, &e.quoted_src) || !pktan_addr_from_address(dst, &e.quoted_dst))
        return;
    e.transport = transport;
    pktan_quoted_ports(pinfo, transport, &e.quoted_src_port, &e.quoted_dst_port);
    e.stream = quoted_stream(pinfo, transport, src, dst, e.quoted_src_port, e.quoted_dst_port);
    e.type = info->type;
    e.code = info->code;
    e.frame = pinfo->num;
    e.time = pktan_ns_from_nstime(&pinfo->abs_ts);
    e.from = feed->icmp_sender;
    pktan_conn_add_icmp(feed->conn, &e);
    feed->quoted_transport = transport;
    feed->quoted_stream = e.stream;
}

static void start_frame(pktan_conn_feed *feed, guint32 frame)
{
    if (feed->frame != frame) {
        feed->frame = frame;
        feed->after_icmp = FALSE;
        feed->quoted_transport = 0;
    }
}

void pktan_conn_feed_ip(pktan_conn_feed *feed, packet_info *pinfo, const address *src,
                        const address *dst, guint8 upper_protocol)
{
    start_frame(feed, pinfo->num);
    if (feed->after_icmp) {
        feed->after_icmp = FALSE;
        feed_quoted(feed, pinfo, src, dst, upper_protocol);
        return;
    }
    if (feed->udp_frame == pinfo->num && feed->tunnel_frame != pinfo->num) {
        pktan_conn_mark_tunnel(feed->conn, feed->udp_stream);
        feed->tunnel_frame = pinfo->num;
    }
    if ((upper_protocol == PKTAN_IPPROTO_ICMP || upper_protocol == PKTAN_IPPROTO_ICMPV6) &&
        pktan_addr_from_address(src, &feed->icmp_sender))
        feed->after_icmp = TRUE;
}

const pktan_handshake *pktan_conn_feed_tcp(pktan_conn_feed *feed, const packet_info *pinfo,
                                           const struct tcpheader *th, gboolean *completed)
{
    return pktan_handshakes_add_tap(pktan_conn_handshakes(feed->conn), th, pinfo, completed);
}

static void add_udp(pktan_conn_feed *feed, guint32 frame, pktan_ns time, pktan_udp_datagram *d,
                    guint32 stream, guint16 src_port, guint16 dst_port)
{
    d->stream = stream;
    d->frame = frame;
    feed->udp_frame = frame;
    feed->udp_stream = stream;
    d->time = time;
    d->src_port = src_port;
    d->dst_port = dst_port;
    pktan_conn_add_udp(feed->conn, d);
}

void pktan_conn_feed_udp(pktan_conn_feed *feed, const packet_info *pinfo, const e_udphdr *uh)
{
    pktan_udp_datagram d;

    if (pktan_addr_from_address(&uh->ip_src, &d.src) && pktan_addr_from_address(&uh->ip_dst, &d.dst))
        add_udp(feed, pinfo->num, pktan_ns_from_nstime(&pinfo->abs_ts), &d, uh->uh_stream,
                uh->uh_sport, uh->uh_dport);
}

void pktan_conn_feed_frame(pktan_conn_feed *feed, const pktan_frame_record *frame)
{
    pktan_udp_datagram d;

    start_frame(feed, frame->frame);
    if (frame->transport != PKTAN_IPPROTO_UDP)
        return;
    d.src = frame->src;
    d.dst = frame->dst;
    add_udp(feed, frame->frame, frame->abs_time, &d, frame->stream, frame->src_port,
            frame->dst_port);
}
