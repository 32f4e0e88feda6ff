#include "epan_glue.h"

#include <string.h>

#include <epan/addr_resolv.h>
#include <epan/proto.h>
#include <epan/proto_data.h>
#include <epan/ipproto.h>
#include <epan/proto.h>

#include "compat.h"
#include "flow_key.h"

gboolean pktan_addr_from_address(const address *in, pktan_addr *out)
{
    if (in->type == AT_IPv4 && in->len == 4) {
        pktan_addr_set_ipv4(out, in->data);
        return TRUE;
    }
    if (in->type == AT_IPv6 && in->len == 16) {
        pktan_addr_set_ipv6(out, in->data);
        return TRUE;
    }
    return FALSE;
}

pktan_ns pktan_ns_from_nstime(const nstime_t *t)
{
    return (pktan_ns)t->secs * PKTAN_NS_PER_SEC + t->nsecs;
}

gboolean pktan_to_lower_end(const address *src, const address *dst, guint16 src_port,
                            guint16 dst_port)
{
    return dst_port != src_port ? dst_port < src_port : cmp_address(dst, src) < 0;
}

pktan_server_hint pktan_server_hint_of_tcp(guint16 th_flags)
{
    if (!(th_flags & TH_SYN))
        return PKTAN_SERVER_HINT_NONE;
    return (th_flags & TH_ACK) ? PKTAN_SERVER_HINT_SRC : PKTAN_SERVER_HINT_DST;
}

/* The segment's fields but its addresses. */
static void segment_fill(pktan_tcp_segment *seg, guint32 stream, guint32 frame, pktan_ns time,
                         guint16 src_port, guint16 dst_port, guint16 flags)
{
    seg->stream = stream;
    seg->frame = frame;
    seg->time = time;
    seg->src_port = src_port;
    seg->dst_port = dst_port;
    seg->flags = flags;
}

gboolean pktan_handshakes_segment_of_tap(const pktan_handshakes *hs, const struct tcpheader *th,
                                         const packet_info *pinfo, pktan_tcp_segment *seg)
{
    if (pktan_handshakes_settled(hs, th->th_stream) ||
        !pktan_addr_from_address(&th->ip_src, &seg->src) ||
        !pktan_addr_from_address(&th->ip_dst, &seg->dst))
        return FALSE;
    segment_fill(seg, th->th_stream, pinfo->num, pktan_ns_from_nstime(&pinfo->abs_ts),
                 th->th_sport, th->th_dport, th->th_flags);
    return TRUE;
}

gboolean pktan_handshakes_segment_of_frame(const pktan_handshakes *hs,
                                           const pktan_frame_record *frame,
                                           pktan_tcp_segment *seg)
{
    if (pktan_handshakes_settled(hs, frame->stream))
        return FALSE;
    seg->src = frame->src;
    seg->dst = frame->dst;
    segment_fill(seg, frame->stream, frame->frame, frame->abs_time, frame->src_port,
                 frame->dst_port, frame->tcp_flags);
    return TRUE;
}

const pktan_handshake *pktan_handshakes_add_tap(pktan_handshakes *hs, const struct tcpheader *th,
                                                const packet_info *pinfo, gboolean *completed)
{
    pktan_tcp_segment seg;

    *completed = FALSE;
    if (!pktan_handshakes_segment_of_tap(hs, th, pinfo, &seg))
        return NULL;
    return pktan_handshakes_add(hs, &seg, completed);
}

guint8 pktan_ip_proto_of_port_type(port_type ptype)
{
    switch (ptype) {
    case PT_TCP:
        return PKTAN_IPPROTO_TCP;
    case PT_UDP:
        return PKTAN_IPPROTO_UDP;
    case PT_SCTP:
        return PKTAN_IPPROTO_SCTP;
    case PT_DCCP:
        return IP_PROTO_DCCP;
    default:
        return 0;
    }
}

static port_type port_type_of_ip_proto(guint8 ip_proto)
{
    switch (ip_proto) {
    case PKTAN_IPPROTO_TCP:
        return PT_TCP;
    case PKTAN_IPPROTO_UDP:
        return PT_UDP;
    case PKTAN_IPPROTO_SCTP:
        return PT_SCTP;
    case IP_PROTO_DCCP:
        return PT_DCCP;
    default:
        return PT_NONE;
    }
}

static const char *transport_name(guint8 ip_proto, void *ctx _U_)
{
    return ipprotostr(ip_proto);
}

static const char *service_name(guint8 ip_proto, guint16 port, void *ctx _U_)
{
    port_type pt = port_type_of_ip_proto(ip_proto);
    return pt == PT_NONE ? NULL : pktan_try_serv_name_lookup(pt, port);
}

static const char *protocol_name(int id, gboolean long_name, void *ctx _U_)
{
    return long_name ? proto_get_protocol_name(id) : proto_get_protocol_filter_name(id);
}

int pktan_protocol_id(const char *name, void *ctx _U_)
{
    return proto_get_id_by_filter_name(name);
}

const pktan_namer pktan_epan_namer = {transport_name, service_name, protocol_name, NULL};

/* Protocol and field ids looked up by name once (after registration). */
static struct {
    gboolean ready;
    int ip, ipv6, icmp, icmpv6, tcp, udp;
    int tcp_srcport, tcp_dstport, udp_srcport, udp_dstport;
} ids;

static void lookup_ids(void)
{
    if (ids.ready)
        return;
    ids.ip = proto_get_id_by_filter_name("ip");
    ids.ipv6 = proto_get_id_by_filter_name("ipv6");
    ids.icmp = proto_get_id_by_filter_name("icmp");
    ids.icmpv6 = proto_get_id_by_filter_name("icmpv6");
    ids.tcp = proto_get_id_by_filter_name("tcp");
    ids.udp = proto_get_id_by_filter_name("udp");
    ids.tcp_srcport = proto_registrar_get_id_byname("tcp.srcport");
    ids.tcp_dstport = proto_registrar_get_id_byname("tcp.dstport");
    ids.udp_srcport = proto_registrar_get_id_byname("udp.srcport");
    ids.udp_dstport = proto_registrar_get_id_byname("udp.dstport");
    ids.ready = TRUE;
}

void pktan_quoted_ports(packet_info *pinfo, guint8 transport, guint16 *src_port, guint16 *dst_port)
{
    gboolean in_quote = FALSE;
    guint32 layer = 0;
    int want, hf_src, hf_dst;

    lookup_ids();
    want = transport == PKTAN_IPPROTO_TCP ? ids.tcp : ids.udp;
    hf_src = transport == PKTAN_IPPROTO_TCP ? ids.tcp_srcport : ids.udp_srcport;
    hf_dst = transport == PKTAN_IPPROTO_TCP ? ids.tcp_dstport : ids.udp_dstport;
    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f != NULL; f = wmem_list_frame_next(f)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(f));

        layer++;
        if (id == ids.icmp || id == ids.icmpv6) {
            in_quote = TRUE;
        } else if (in_quote && id == want) {
            gpointer s = p_get_proto_data(pinfo->pool, pinfo, hf_src, layer);
            gpointer d = p_get_proto_data(pinfo->pool, pinfo, hf_dst, layer);

            if (s != NULL || d != NULL) {
                *src_port = (guint16)GPOINTER_TO_UINT(s);
                *dst_port = (guint16)GPOINTER_TO_UINT(d);
                return;
            }
            break;
        }
    }
    *src_port = (guint16)pinfo->srcport;
    *dst_port = (guint16)pinfo->destport;
}

int pktan_portless_transport(packet_info *pinfo)
{
    int after_ip = -1, previous = -1, last = -1;

    lookup_ids();
    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f != NULL; f = wmem_list_frame_next(f)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(f));

        if (previous == ids.ip || previous == ids.ipv6)
            after_ip = id;
        if (id == ids.icmp || id == ids.icmpv6)
            return id;
        previous = last = id;
    }
    return after_ip != -1 ? after_ip : last;
}
