/* Translations between Wireshark's types and the core's binary ones, and
 * the names only Wireshark knows (transports, services). */
#ifndef PKTAN_EPAN_GLUE_H
#define PKTAN_EPAN_GLUE_H

#include <epan/address.h>
#include <epan/packet_info.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/nstime.h>

#include "addr.h"
#include "conversation.h"
#include "frame_record.h"
#include "handshake.h"
#include "report_context.h"
#include "time_format.h"

/* FALSE for addresses that are not IPv4 or IPv6. */
gboolean pktan_addr_from_address(const address *in, pktan_addr *out);

pktan_ns pktan_ns_from_nstime(const nstime_t *t);

/* Whether a and b are the same address. The tcp and udp taps' addresses
 * are shallow copies of pinfo's, so the pointers are compared first, which
 * spares two memcmp calls a packet. */
static inline gboolean pktan_same_address(const address *a, const address *b)
{
    return (a->data == b->data && a->type == b->type && a->len == b->len) || addresses_equal(a, b);
}

/* Whether a TCP or UDP header (ptype PT_TCP or PT_UDP) has pinfo's
 * addresses and ports: the ones Wireshark's Destinations and Ports reads. */
static inline gboolean pktan_is_pinfo_transport(const packet_info *pinfo, port_type ptype,
                                                const address *src, const address *dst,
                                                guint16 src_port, guint16 dst_port)
{
    return pinfo->ptype == ptype && pinfo->srcport == src_port && pinfo->destport == dst_port &&
           pktan_same_address(&pinfo->net_src, src) && pktan_same_address(&pinfo->net_dst, dst);
}

/* Whether a stream's packets from src to dst go to its lower end: the
 * lower port, or for equal ports the lower address. */
gboolean pktan_to_lower_end(const address *src, const address *dst, guint16 src_port,
                            guint16 dst_port);

/* A SYN names its destination the server, a SYN/ACK its source. */
pktan_server_hint pktan_server_hint_of_tcp(guint16 th_flags);

/* A tcp tap record as the handshake tracker's segment; FALSE when the
 * tracker need not see it: a connection already settled, whose segments
 * change nothing, or addresses that are not IPv4/IPv6. */
gboolean pktan_handshakes_segment_of_tap(const pktan_handshakes *hs, const struct tcpheader *th,
                                         const packet_info *pinfo, pktan_tcp_segment *seg);

/* The same for a frame record's TCP header (frame->transport TCP). */
gboolean pktan_handshakes_segment_of_frame(const pktan_handshakes *hs,
                                           const pktan_frame_record *frame,
                                           pktan_tcp_segment *seg);

/* A tcp tap record into the handshake tracker, as pktan_handshakes_add()
 * (NULL, *completed FALSE: a connection already settled, whose segments
 * change nothing, or addresses that are not IPv4/IPv6). */
const pktan_handshake *pktan_handshakes_add_tap(pktan_handshakes *hs, const struct tcpheader *th,
                                                const packet_info *pinfo, gboolean *completed);

/* The IP protocol number of a port type (PT_TCP -> 6), or 0. */
guint8 pktan_ip_proto_of_port_type(port_type ptype);

/* A protocol filter name's id, or -1: the allowlist's resolver. */
int pktan_protocol_id(const char *name, void *ctx);

/* The ports of the TCP or UDP header an ICMP error in this frame quotes,
 * from the per-layer port records the tcp and udp dissectors keep (4.4 and
 * later restore pinfo's ports after an error's quote; see compat.h); the
 * frame's last ports when there are no such records. */
void pktan_quoted_ports(packet_info *pinfo, guint8 transport, guint16 *src_port, guint16 *dst_port);

/* The protocol id that names a frame's transport when it has no ports: the
 * protocol after the last IP header outside an ICMP error's quote (the
 * ICMP itself for an error), else the frame's last layer. */
int pktan_portless_transport(packet_info *pinfo);

/* Transport, service and protocol names from Wireshark's tables. */
extern const pktan_namer pktan_epan_namer;

#endif
