/* Tap records into the connection-attempt tracker, for the -z report and
 * the packet marks alike. TCP segments and UDP datagrams come from the
 * tcp and udp taps. What an ICMP error quotes comes from the ip and ipv6
 * taps: in a frame, the IP header after one that carries ICMP is the
 * quoted one, its ports are those the tcp or udp dissector recorded for
 * the quoted header (pktan_quoted_ports), and the error's type and code
 * are in the frame's proto data. (A quoted TCP
 * header is often only 8 bytes, too short for the tcp tap to fire.) */
#ifndef PKTAN_CONN_FEED_H
#define PKTAN_CONN_FEED_H

#include <epan/packet_info.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/dissectors/packet-udp.h>

#include "conn.h"
#include "frame_record.h"

typedef struct {
    pktan_conn *conn;
    guint32 frame;             /* the frame the fields below describe */
    gboolean after_icmp;       /* the next IP header is quoted by an error */
    pktan_addr icmp_sender;
    guint8 quoted_transport;   /* the attempt the frame's ICMP error quotes, */
    guint32 quoted_stream;     /* when frame has one (quoted_transport != 0) */
    guint32 udp_frame;         /* the frame of the last UDP datagram, */
    guint32 udp_stream;        /* whose flow carries a tunnel if an IP header follows */
    guint32 tunnel_frame;      /* the frame that showed udp_stream is a tunnel */
} pktan_conn_feed;

void pktan_conn_feed_init(pktan_conn_feed *feed, pktan_conn *conn);
void pktan_conn_feed_reset(pktan_conn_feed *feed);

/* Every IP or IPv6 header of a frame in order, quoted ones included
 * (listeners with TL_REQUIRES_ERROR_PACKETS); one after a UDP header of the
 * same frame makes that UDP flow a tunnel. */
void pktan_conn_feed_ip(pktan_conn_feed *feed, packet_info *pinfo, const address *src,
                        const address *dst, guint8 upper_protocol);

/* TCP and UDP headers outside ICMP errors. A segment of a connection whose
 * handshake is settled changes nothing: NULL, without a lookup. */
const pktan_handshake *pktan_conn_feed_tcp(pktan_conn_feed *feed, const packet_info *pinfo,
                                           const struct tcpheader *th, gboolean *completed);
void pktan_conn_feed_udp(pktan_conn_feed *feed, const packet_info *pinfo, const e_udphdr *uh);

/* A frame of the common shape (frame_record.h) in place of its IP and its
 * TCP or UDP header: a TCP segment reaches the handshake tracker apart. */
void pktan_conn_feed_frame(pktan_conn_feed *feed, const pktan_frame_record *frame);

#endif
