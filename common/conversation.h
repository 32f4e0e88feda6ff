/* A conversation as the servers view of dests and the unexpected report
 * see it: both directions of a transport flow under one key, told apart
 * from a reused 4-tuple by Wireshark's stream number, and which end is the
 * server. */
#ifndef PKTAN_CONVERSATION_H
#define PKTAN_CONVERSATION_H

#include <glib.h>
#include "flow_key.h"
#include "stream_map.h"

typedef struct {
    pktan_flow_key flow;
    guint32 stream; /* tcp.stream, udp.stream; 0 for transports without one */
} pktan_conversation_key;

_Static_assert(sizeof(pktan_conversation_key) == sizeof(pktan_flow_key) + 4,
               "pktan_conversation_key must have no padding");

/* The numbering key->stream is from. */
pktan_streams pktan_conversation_streams(const pktan_conversation_key *key);
/* The numbering of a transport's streams (PKTAN_IPPROTO_*). */
pktan_streams pktan_streams_of_transport(guint8 transport);

/* What a packet says about its conversation's server. */
typedef enum {
    PKTAN_SERVER_HINT_NONE,
    PKTAN_SERVER_HINT_DST,  /* a TCP SYN: the destination is the server */
    PKTAN_SERVER_HINT_SRC,  /* a TCP SYN/ACK: the source is the server */
} pktan_server_hint;

enum { PKTAN_SIDE_UNKNOWN, PKTAN_SIDE_LO, PKTAN_SIDE_HI };

/* Which end serves, as far as the packets so far tell. */
typedef struct {
    guint8 has_port;
    guint8 server_side;    /* PKTAN_SIDE_*: from a SYN or SYN/ACK */
    guint8 first_dst_side; /* PKTAN_SIDE_*: where the first packet went */
} pktan_server_sides;

/* The key of a packet from src to dst; returns the side src is on. */
guint8 pktan_conversation_key_make(pktan_conversation_key *key, guint8 transport,
                                   const pktan_addr *src, guint16 src_port,
                                   const pktan_addr *dst, guint16 dst_port, guint32 stream);

static inline guint8 pktan_other_side(guint8 side)
{
    return side == PKTAN_SIDE_HI ? PKTAN_SIDE_LO : PKTAN_SIDE_HI;
}

/* For a conversation's first packet, sent from src_side. */
void pktan_server_sides_init(pktan_server_sides *s, gboolean has_port, guint8 src_side);
void pktan_server_sides_hint(pktan_server_sides *s, guint8 src_side, pktan_server_hint hint);

/* The server: the side a SYN went to (or a SYN/ACK came from); else the
 * lower port, as well-known ports are the low ones; else, for equal ports
 * and portless transports, where the first packet went. */
guint8 pktan_server_side(const pktan_server_sides *s, const pktan_conversation_key *key);

/* The server's and the client's address and port under that answer. */
void pktan_conversation_ends_of(const pktan_conversation_key *key, guint8 server_side,
                                const pktan_addr **client, guint16 *client_port,
                                const pktan_addr **server, guint16 *server_port);

#endif
