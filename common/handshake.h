/* The TCP handshake tracker, shared by the RTT and connection-outcome
 * reports: per connection (Wireshark's tcp.stream, which already tells a
 * reused 4-tuple apart), the SYNs, SYN/ACKs and the final ACK as seen at
 * the capture point. O(1) per segment; nothing is named or sorted here.
 *
 * Times (spec.md):
 *   irtt          most recent SYN to the final ACK; Wireshark's
 *                 tcp.analysis.initial_rtt on completed handshakes
 *   syn_synack    that SYN to the most recent SYN/ACK before the ACK
 *   synack_ack    that SYN/ACK to the final ACK (syn_synack + synack_ack
 *                 = irtt)
 *   connect_time  first SYN to the final ACK */
#ifndef PKTAN_HANDSHAKE_H
#define PKTAN_HANDSHAKE_H

#include <glib.h>

#include "addr.h"
#include "prefetch.h"
#include "time_format.h"

enum {
    PKTAN_TCP_FIN = 0x01,
    PKTAN_TCP_SYN = 0x02,
    PKTAN_TCP_RST = 0x04,
    PKTAN_TCP_ACK = 0x10,
};

/* One TCP segment as the tcp tap reports it (never a header quoted inside
 * an ICMP error: those are evidence of a rejected attempt, not a segment). */
typedef struct {
    guint32 stream;
    guint32 frame;
    pktan_ns time;
    pktan_addr src;
    pktan_addr dst;
    guint16 src_port;
    guint16 dst_port;
    guint16 flags;
} pktan_tcp_segment;

typedef enum {
    PKTAN_HS_MIDSTREAM,    /* first segment seen was no SYN: no handshake */
    PKTAN_HS_SYN_SENT,     /* SYN(s), no SYN/ACK yet */
    PKTAN_HS_SYNACK_SEEN,  /* SYN/ACK seen, final ACK not yet */
    PKTAN_HS_COMPLETE,     /* final ACK seen */
} pktan_handshake_state;

/* Who sent the first RST before the handshake completed. */
typedef enum {
    PKTAN_HS_NO_RST,
    PKTAN_HS_RST_BY_CLIENT,
    PKTAN_HS_RST_BY_SERVER,
} pktan_handshake_rst;

typedef struct {
    guint32 stream;            /* the key */
    guint8 state;              /* pktan_handshake_state */
    guint8 rst;                /* pktan_handshake_rst */
    guint8 simultaneous_open;  /* the server side sent a SYN too */
    guint8 reserved;
    guint16 syn_count;         /* SYNs from the client */
    guint16 synack_count;
    pktan_addr client;         /* the side that sent the SYN */
    pktan_addr server;
    guint16 client_port;
    guint16 server_port;
    guint32 first_frame;       /* the connection's first segment */
    guint32 first_syn_frame;   /* 0: not seen */
    guint32 syn_frame;         /* most recent SYN */
    guint32 synack_frame;      /* most recent SYN/ACK */
    guint32 ack_frame;
    guint32 rst_frame;         /* the first RST before completion */
    pktan_ns first_syn_time;
    pktan_ns syn_time;
    pktan_ns synack_time;
    pktan_ns ack_time;
    pktan_ns rst_time;
} pktan_handshake;

typedef struct pktan_handshakes pktan_handshakes;

pktan_handshakes *pktan_handshakes_new(void);
void pktan_handshakes_free(pktan_handshakes *hs);
void pktan_handshakes_reset(pktan_handshakes *hs);

/* Feeds one segment; returns its connection's record (valid until reset).
 * *completed is set when this segment completed the handshake. */
const pktan_handshake *pktan_handshakes_add(pktan_handshakes *hs, const pktan_tcp_segment *seg,
                                            gboolean *completed);

/* Whether the connection's record can no longer change (its handshake
 * completed, or it began mid-stream): feeding it more segments would do
 * nothing, so a caller may skip them, and the record lookup, the address
 * conversion and the cache miss they cost. One bit per stream, kept hot:
 * most of a connection's segments come after its handshake. */
gboolean pktan_handshakes_settled(const pktan_handshakes *hs, guint32 stream);

/* For a run of segments (prefetch.h): what adding one of stream will
 * touch, unless the stream is settled. */
void pktan_handshakes_prefetch(const pktan_handshakes *hs, guint32 stream,
                               pktan_prefetch_stage stage);

guint pktan_handshakes_count(const pktan_handshakes *hs);
/* NULL when the stream has not been seen. */
const pktan_handshake *pktan_handshakes_lookup(const pktan_handshakes *hs, guint32 stream);
const pktan_handshake *pktan_handshakes_nth(const pktan_handshakes *hs, guint i);

pktan_ns pktan_handshake_irtt(const pktan_handshake *h);
pktan_ns pktan_handshake_syn_synack(const pktan_handshake *h);
pktan_ns pktan_handshake_synack_ack(const pktan_handshake *h);
pktan_ns pktan_handshake_connect_time(const pktan_handshake *h);

#endif
