/* Connection attempts and their outcomes: TCP from the shared handshake
 * tracker, UDP flows, and the ICMP destination-unreachable errors that
 * quote either. O(1) per packet; attempts are classified only when asked
 * (at draw time, or for one stream when a packet is marked).
 *
 * Outcomes (spec.md, conn):
 *   established              handshake completed with one SYN (UDP: a reply)
 *   established_after_retry  completed after retransmitted SYNs
 *   refused                  the server side answered the SYN with RST
 *   icmp_rejected            an ICMP/ICMPv6 destination unreachable quotes it
 *   unanswered               only SYNs (UDP: only the client's datagrams)
 *   half_open                SYN/ACK seen, final ACK never
 *   midstream                no handshake in the capture */
#ifndef PKTAN_CONN_H
#define PKTAN_CONN_H

#include <glib.h>

#include "addr.h"
#include "handshake.h"
#include "time_format.h"

typedef enum {
    PKTAN_OUTCOME_ESTABLISHED,
    PKTAN_OUTCOME_ESTABLISHED_AFTER_RETRY,
    PKTAN_OUTCOME_REFUSED,
    PKTAN_OUTCOME_ICMP_REJECTED,
    PKTAN_OUTCOME_UNANSWERED,
    PKTAN_OUTCOME_HALF_OPEN,
    PKTAN_OUTCOME_MIDSTREAM,
    PKTAN_OUTCOME_COUNT
} pktan_outcome;

/* The spec's name: "established_after_retry". */
const char *pktan_outcome_name(pktan_outcome outcome);
/* refused, icmp_rejected, unanswered and half_open. */
gboolean pktan_outcome_failed(pktan_outcome outcome);

/* One UDP datagram as the udp tap reports it (never one quoted in ICMP). */
typedef struct {
    guint32 stream;
    guint32 frame;
    pktan_ns time;
    pktan_addr src;
    pktan_addr dst;
    guint16 src_port;
    guint16 dst_port;
} pktan_udp_datagram;

/* An ICMP or ICMPv6 error and the IP and TCP/UDP header it quotes. */
#define PKTAN_STREAM_UNKNOWN G_MAXUINT32
typedef struct {
    guint8 transport;          /* PKTAN_IPPROTO_TCP or _UDP: the quoted header */
    guint8 type;
    guint8 code;
    guint32 stream;            /* tcp.stream/udp.stream of the quoted header, or
                                * PKTAN_STREAM_UNKNOWN */
    guint32 frame;
    pktan_ns time;
    pktan_addr from;           /* who sent the ICMP error */
    pktan_addr quoted_src;     /* the attempt's client */
    pktan_addr quoted_dst;
    guint16 quoted_src_port;
    guint16 quoted_dst_port;
} pktan_icmp_error;

/* ICMP type 3 (except code 4, "fragmentation needed": path MTU, not a
 * rejection) and ICMPv6 type 1. */
gboolean pktan_icmp_rejects(guint8 family, guint8 type, guint8 code);

/* One attempt, classified. Times are absolute. */
typedef struct {
    guint8 transport;          /* PKTAN_IPPROTO_TCP or _UDP */
    guint8 outcome;            /* pktan_outcome */
    guint8 client_reset;       /* half_open: the client answered the SYN/ACK with RST */
    guint8 retried_after_icmp; /* SYNs or datagrams kept coming after the ICMP error */
    guint32 stream;
    pktan_addr client;
    pktan_addr server;
    guint16 client_port;
    guint16 server_port;
    guint16 syn_count;         /* client SYNs (UDP: client datagrams, capped) */
    guint16 synack_count;
    guint32 first_frame;
    guint32 decisive_frame;    /* final ACK, RST, first ICMP, last SYN, last SYN/ACK */
    pktan_ns first_time;       /* the first SYN or datagram */
    pktan_ns decisive_time;
    pktan_ns answer_delay;     /* the most recent SYN/datagram to the answer that decided */
    gboolean has_icmp;
    guint8 icmp_type;
    guint8 icmp_code;
    guint16 icmp_count;
    pktan_addr icmp_from;
} pktan_attempt;

/* Whether frame carries the attempt's mark (pktan.conn.outcome): a failed
 * attempt is marked on its decisive packet. Outcomes that later packets
 * could still change (unanswered, half_open) are marked only once settled:
 * when the tracker has read past the frame (in Wireshark, after the first
 * pass), never while the frame itself is being read. */
gboolean pktan_attempt_marks_frame(const pktan_attempt *a, guint32 frame, gboolean settled);

typedef struct pktan_conn pktan_conn;

pktan_conn *pktan_conn_new(void);
/* TCP attempts from tcp, a tracker someone else feeds and frees (the RTT
 * report's, when both run): not tracked twice. */
pktan_conn *pktan_conn_new_sharing(pktan_handshakes *tcp);
void pktan_conn_free(pktan_conn *conn);
/* Forgets everything, the TCP tracker too unless it is shared. */
void pktan_conn_reset(pktan_conn *conn);

/* The TCP tracker: TCP segments are added to it (pktan_handshakes_add). */
pktan_handshakes *pktan_conn_handshakes(pktan_conn *conn);
void pktan_conn_add_udp(pktan_conn *conn, const pktan_udp_datagram *dgram);
/* The UDP flow carries another IP layer (VXLAN, GENEVE...): a tunnel, whose
 * two directions are separate flows to the same port, not an attempt. */
void pktan_conn_mark_tunnel(pktan_conn *conn, guint32 udp_stream);
/* Errors that reject nothing (pktan_icmp_rejects) are ignored. */
void pktan_conn_add_icmp(pktan_conn *conn, const pktan_icmp_error *icmp);

/* Every attempt: TCP in the order connections appeared, then UDP flows,
 * then rejections whose attempt itself is not in the capture. */
typedef void (*pktan_attempt_fn)(const pktan_attempt *attempt, void *user);
void pktan_conn_foreach_attempt(const pktan_conn *conn, pktan_attempt_fn fn, void *user);

/* The attempt of one tcp.stream or udp.stream; FALSE when it is unknown. */
gboolean pktan_conn_tcp_attempt(const pktan_conn *conn, guint32 stream, pktan_attempt *out);
gboolean pktan_conn_udp_attempt(const pktan_conn *conn, guint32 stream, pktan_attempt *out);

#endif
