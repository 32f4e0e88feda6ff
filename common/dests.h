/* Destinations and Ports: packets and bytes per destination address,
 * transport and port, aggregated on binary keys (O(1) per packet); rows,
 * order and names are made only when a report is drawn.
 *
 * Two views (spec.md):
 *   packets  each packet counted at its destination, as Wireshark's
 *            Statistics > IPv4/IPv6 > Destinations and Ports does;
 *   servers  one row per server endpoint, each conversation's packets in
 *            both directions counted there. */
#ifndef PKTAN_DESTS_H
#define PKTAN_DESTS_H

#include <glib.h>
#include "addr.h"
#include "conversation.h"
#include "stream_map.h"
#include "flow_key.h"
#include "report_args.h"
#include "time_format.h"

/* A transport endpoint as the report groups it. ip_proto is the IP
 * protocol number (6 TCP, 17 UDP, 132 SCTP, 1 ICMP...); has_port is 0 for
 * transports without ports, whose port is then 0. No padding holes. */
typedef struct {
    pktan_addr addr;
    guint8 ip_proto;
    guint16 port;
    guint8 has_port;
    guint8 reserved;
} pktan_dest_key;

void pktan_dest_key_make(pktan_dest_key *key, const pktan_addr *addr,
                         guint8 ip_proto, gboolean has_port, guint16 port);

typedef struct {
    pktan_dest_key key;
    guint64 packets;
    guint64 bytes;
    guint64 conversations; /* servers view only */
    pktan_ns first;        /* relative to the capture's first packet */
    pktan_ns last;
} pktan_dest_row;

typedef struct pktan_dests pktan_dests;

pktan_dests *pktan_dests_new(pktan_dests_view view);
void pktan_dests_free(pktan_dests *dests);
/* Forgets every packet (Wireshark retaps from the start). */
void pktan_dests_reset(pktan_dests *dests);

/* packets view: one packet to key. */
void pktan_dests_add_packet(pktan_dests *dests, const pktan_dest_key *key,
                            guint32 bytes, pktan_ns when);
/* The same with the key's hash, made once for this and the prefetches
 * that come before it. */
guint32 pktan_dests_key_hash(const pktan_dest_key *key);
void pktan_dests_add_hashed_packet(pktan_dests *dests, const pktan_dest_key *key, guint32 hash,
                                   guint32 bytes, pktan_ns when);
/* The same for a packet of a TCP or UDP stream whose key is that stream's
 * end it goes to (to_lower_end tells the two ends apart the same way for
 * every packet of the stream): found by the stream after the first time,
 * not hashed. */
void pktan_dests_add_stream_packet(pktan_dests *dests, const pktan_dest_key *key,
                                   pktan_streams streams, guint32 stream, gboolean to_lower_end,
                                   guint32 bytes, pktan_ns when);

/* For a run of packets (prefetch.h), what adding one will touch: in the
 * packets view the row of its stream end, or, for the end's first packet
 * (TRUE at the STATE stage), the slot its key hashes to, through
 * pktan_dests_prefetch_new_row (the key is made only then); in the servers
 * view its conversation (transport: PKTAN_IPPROTO_*). Hints only. */
gboolean pktan_dests_prefetch_stream_end(const pktan_dests *dests, pktan_streams streams,
                                         guint32 stream, gboolean to_lower_end,
                                         pktan_prefetch_stage stage);
void pktan_dests_prefetch_new_row(const pktan_dests *dests, const pktan_dest_key *key);
/* packets view, a packet counted by its key (pktan_dests_add_hashed_packet):
 * the key's row, asked for by the key's hash (pktan_dests_key_hash). */
void pktan_dests_prefetch_row(const pktan_dests *dests, guint32 hash, pktan_prefetch_stage stage);
void pktan_dests_prefetch_conversation(const pktan_dests *dests, guint8 transport, guint32 stream,
                                       pktan_prefetch_stage stage);

/* servers view: the conversation packet last added, so that what a later
 * tap of the same frame learns (a TCP SYN) can be attached to it. */
typedef struct {
    void *conversation;
    guint8 src_side;
} pktan_conversation_ref;

/* servers view: one packet from src to dst (ports in the keys' port fields,
 * ip_proto and has_port equal in both). stream tells conversations on the
 * same addresses and ports apart (tcp.stream, udp.stream: a reused 4-tuple
 * is a new conversation); 0 for transports without one. */
pktan_conversation_ref pktan_dests_add_conversation_packet(pktan_dests *dests,
                                                           const pktan_dest_key *src,
                                                           const pktan_dest_key *dst,
                                                           guint32 stream, guint32 bytes,
                                                           pktan_ns when);

/* What the packet behind ref says about its conversation's server. */
void pktan_dests_conversation_hint(pktan_conversation_ref ref, pktan_server_hint hint);

/* ---- draw time ---------------------------------------------------------- */

/* One destination address with its transport/port rows. */
typedef struct {
    pktan_dest_row total;  /* key.addr set; ip_proto/port zero */
    GPtrArray *ports;      /* of const pktan_dest_row *, sorted (see below) */
} pktan_dest_group;

typedef struct {
    GPtrArray *groups;     /* of pktan_dest_group *, sorted */
    guint64 packets;       /* totals over every row */
    guint64 bytes;
} pktan_dests_table;

/* Builds the sorted table (sort: PKTAN_SORT_BYTES or packets otherwise;
 * ties by address, transport, port). With top > 0 only what a text report
 * prints is in order: the first top ports of the first top groups (the
 * other ports of those groups follow them in no order, the other groups'
 * are unsorted); 0 sorts every port. Rows point into dests: free the table
 * before dests changes. */
pktan_dests_table *pktan_dests_table_build(pktan_dests *dests, pktan_sort sort, guint top);
void pktan_dests_table_free(pktan_dests_table *table);

#endif
