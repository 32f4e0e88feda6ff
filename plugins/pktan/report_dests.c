/* -z pktan,dests: listens on the ip and ipv6 taps, as Wireshark's own
 * Destinations and Ports does, and hands binary keys to the core. */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/dissectors/packet-ip.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/dissectors/packet-udp.h>

#include "dests.h"
#include "dests_report.h"
#include "epan_glue.h"
#include "reports.h"

typedef struct dests_report dests_report;

/* One per tap: register_tap_listener identifies listeners by tapdata. */
typedef struct {
    dests_report *report;
    gboolean ipv6;
} ip_listener;

/* servers view: TCP and UDP conversations come from their own taps, whose
 * records hold each header's own ports and stream (pinfo holds only the
 * innermost ones, wrong for the outer header of a tunnel). */
typedef struct {
    dests_report *report;
    gboolean udp;
} transport_listener;

struct dests_report {
    pktan_report_output output;
    pktan_dests *dests;
    int listeners;  /* registered listeners; the last one's finish frees */
    ip_listener v4;
    ip_listener v6;
    transport_listener tcp;
    transport_listener udp;
};

/* The protocol after this IP header, from the header's tap data. */
static guint8 header_protocol(const ip_listener *l, const void *data)
{
    return l->ipv6 ? ((const ws_ip6 *)data)->ip6_nxt : ((const ws_ip4 *)data)->ip_proto;
}

static const address *header_address(const ip_listener *l, const void *data, gboolean source)
{
    if (l->ipv6)
        return source ? &((const ws_ip6 *)data)->ip6_src : &((const ws_ip6 *)data)->ip6_dst;
    return source ? &((const ws_ip4 *)data)->ip_src : &((const ws_ip4 *)data)->ip_dst;
}

/* packets view: the destination, transport and port Wireshark's
 * Destinations and Ports reads from pinfo once the frame is dissected
 * (header_proto names transports without ports). FALSE when the packet does
 * not count: not IP, or not sent by args->host. */
static gboolean packet_key(packet_info *pinfo, guint8 header_proto,
                           const pktan_args *args, pktan_dest_key *key)
{
    pktan_addr dst, src;
    guint8 transport = pktan_ip_proto_of_port_type(pinfo->ptype);

    if (!pktan_addr_from_address(&pinfo->net_dst, &dst))
        return FALSE;
    if (args->has_host &&
        (!pktan_addr_from_address(&pinfo->net_src, &src) || !pktan_addr_equal(&src, &args->host)))
        return FALSE;
    if (transport)
        pktan_dest_key_make(key, &dst, transport, TRUE, (guint16)pinfo->destport);
    else
        pktan_dest_key_make(key, &dst, header_proto, FALSE, 0);
    return TRUE;
}

static void count_packet(dests_report *r, const ip_listener *l, packet_info *pinfo,
                         const void *data)
{
    pktan_dest_key key;

    if (packet_key(pinfo, header_protocol(l, data), r->output.args, &key))
        pktan_dests_add_packet(r->dests, &key, pinfo->fd->pkt_len,
                               pktan_ns_from_nstime(&pinfo->rel_ts));
}

/* servers view: one packet of a conversation, both directions counted at
 * its server; FALSE when it does not count (not IP, or args->host is
 * neither end). */
static gboolean count_conversation(dests_report *r, packet_info *pinfo, const address *src_address,
                                   const address *dst_address, guint8 proto, gboolean has_ports,
                                   guint16 src_port, guint16 dst_port, guint32 stream,
                                   pktan_server_hint hint)
{
    pktan_addr src, dst;
    pktan_dest_key from, to;
    const pktan_args *args = r->output.args;

    if (!pktan_addr_from_address(src_address, &src) || !pktan_addr_from_address(dst_address, &dst))
        return FALSE;
    if (args->has_host && !pktan_addr_equal(&src, &args->host) && !pktan_addr_equal(&dst, &args->host))
        return FALSE;
    pktan_dest_key_make(&from, &src, proto, has_ports, src_port);
    pktan_dest_key_make(&to, &dst, proto, has_ports, dst_port);
    pktan_dests_conversation_hint(
        pktan_dests_add_conversation_packet(r->dests, &from, &to, stream, pinfo->fd->pkt_len,
                                            pktan_ns_from_nstime(&pinfo->rel_ts)),
        hint);
    return TRUE;
}

/* servers view, IP header: conversations of transports other than TCP and
 * UDP (those come from their own listeners); SCTP and DCCP ports from
 * pinfo, as Wireshark's own Destinations and Ports reads them. */
static void count_ip_conversation(dests_report *r, const ip_listener *l, packet_info *pinfo,
                                  const void *data)
{
    guint8 proto = header_protocol(l, data);
    gboolean has_ports = proto != 0 && pktan_ip_proto_of_port_type(pinfo->ptype) == proto;

    if (proto == PKTAN_IPPROTO_TCP || proto == PKTAN_IPPROTO_UDP)
        return;
    count_conversation(r, pinfo, header_address(l, data, TRUE), header_address(l, data, FALSE),
                       proto, has_ports, (guint16)pinfo->srcport, (guint16)pinfo->destport, 0,
                       PKTAN_SERVER_HINT_NONE);
}

/* A SYN names its destination the server, a SYN/ACK its source. Headers
 * quoted in ICMP errors never reach these listeners. */
static tap_packet_status transport_packet(void *tapdata, packet_info *pinfo,
                                          epan_dissect_t *edt _U_, const void *data,
                                          tap_flags_t flags _U_)
{
    transport_listener *l = tapdata;
    const struct tcpheader *th = data;
    const e_udphdr *uh = data;
    pktan_server_hint hint = PKTAN_SERVER_HINT_NONE;

    if (l->udp) {
        count_conversation(l->report, pinfo, &uh->ip_src, &uh->ip_dst, PKTAN_IPPROTO_UDP, TRUE,
                           uh->uh_sport, uh->uh_dport, uh->uh_stream, hint);
        return TAP_PACKET_REDRAW;
    }
    if (th->th_flags & TH_SYN)
        hint = (th->th_flags & TH_ACK) ? PKTAN_SERVER_HINT_SRC : PKTAN_SERVER_HINT_DST;
    count_conversation(l->report, pinfo, &th->ip_src, &th->ip_dst, PKTAN_IPPROTO_TCP, TRUE,
                       th->th_sport, th->th_dport, th->th_stream, hint);
    return TAP_PACKET_REDRAW;
}

static tap_packet_status dests_packet(void *tapdata, packet_info *pinfo,
                                      epan_dissect_t *edt _U_, const void *data,
                                      tap_flags_t flags _U_)
{
    ip_listener *l = tapdata;

    if (l->report->output.args->view == PKTAN_VIEW_SERVERS)
        count_ip_conversation(l->report, l, pinfo, data);
    else
        count_packet(l->report, l, pinfo, data);
    return TAP_PACKET_REDRAW;
}

static void dests_reset(void *tapdata)
{
    dests_report *r = ((ip_listener *)tapdata)->report;

    pktan_dests_reset(r->dests);
}

static void dests_draw(void *tapdata)
{
    dests_report *r = ((ip_listener *)tapdata)->report;
    pktan_report_context ctx = pktan_report_output_context(&r->output);

    pktan_dests_report_write(r->dests, &ctx);
    fflush(ctx.out);
}

/* Each listener's finish runs when Wireshark removes it; the last frees. */
static void release(dests_report *r)
{
    if (--r->listeners > 0)
        return;
    pktan_report_output_close(&r->output);
    pktan_dests_free(r->dests);
    g_free(r);
}

static void ip_finish(void *tapdata)
{
    release(((ip_listener *)tapdata)->report);
}

static void transport_finish(void *tapdata)
{
    release(((transport_listener *)tapdata)->report);
}

void pktan_dests_start(pktan_args *args, FILE *out)
{
    dests_report *r = g_new0(dests_report, 1);

    r->output = (pktan_report_output){args, out};
    r->dests = pktan_dests_new(args->view);
    r->v4 = (ip_listener){r, FALSE};
    r->v6 = (ip_listener){r, TRUE};

    /* The ip listener resets and draws the report; both count packets. A
     * failed registration ends the run, so the count is only of live ones. */
    pktan_listen("ip", &r->v4, args, dests_reset, dests_packet, dests_draw, ip_finish);
    r->listeners++;
    pktan_listen("ipv6", &r->v6, args, NULL, dests_packet, NULL, ip_finish);
    r->listeners++;
    if (args->view == PKTAN_VIEW_SERVERS) {
        r->tcp = (transport_listener){r, FALSE};
        r->udp = (transport_listener){r, TRUE};
        pktan_listen("tcp", &r->tcp, args, NULL, transport_packet, NULL, transport_finish);
        r->listeners++;
        pktan_listen("udp", &r->udp, args, NULL, transport_packet, NULL, transport_finish);
        r->listeners++;
    }
}
