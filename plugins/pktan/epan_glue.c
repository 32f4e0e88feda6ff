#include "epan_glue.h"

#include <string.h>

#include <epan/addr_resolv.h>
#include <epan/ipproto.h>
#include <epan/proto.h>

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

gboolean pktan_tcp_segment_from_tap(const struct tcpheader *th, const packet_info *pinfo,
                                    pktan_tcp_segment *seg)
{
    if (!pktan_addr_from_address(&th->ip_src, &seg->src) ||
        !pktan_addr_from_address(&th->ip_dst, &seg->dst))
        return FALSE;
    seg->stream = th->th_stream;
    seg->frame = pinfo->num;
    seg->time = pktan_ns_from_nstime(&pinfo->abs_ts);
    seg->src_port = th->th_sport;
    seg->dst_port = th->th_dport;
    seg->flags = th->th_flags;
    return TRUE;
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
    return pt == PT_NONE ? NULL : try_serv_name_lookup(pt, port);
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
