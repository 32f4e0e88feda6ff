/* Conversation keys shared by every report: two endpoints and a transport,
 * stored so that both directions of a conversation give the same key. */
#ifndef PKTAN_FLOW_KEY_H
#define PKTAN_FLOW_KEY_H

#include <glib.h>
#include "addr.h"

/* IP protocol numbers of the transports the reports name. */
enum {
    PKTAN_IPPROTO_ICMP = 1,
    PKTAN_IPPROTO_TCP = 6,
    PKTAN_IPPROTO_UDP = 17,
    PKTAN_IPPROTO_ICMPV6 = 58,
    PKTAN_IPPROTO_SCTP = 132,
};

typedef struct {
    pktan_addr addr;
    guint16 port;
} pktan_endpoint;

/* Field order leaves no padding holes (2 x 17 + 2 + 2 + 1 + 1 bytes), and
 * every constructor zeroes the whole key, so memcmp and byte hashing are
 * exact. */
typedef struct {
    pktan_addr lo_addr;
    pktan_addr hi_addr;
    guint16 lo_port;
    guint16 hi_port;
    guint8 transport;
    guint8 reserved;
} pktan_flow_key;

/* Builds the direction-free key of a packet from src to dst. Returns TRUE
 * when src is the key's "hi" side, so a caller can tell the direction. */
gboolean pktan_flow_key_make(pktan_flow_key *key, guint8 transport,
                             const pktan_addr *src, guint16 src_port,
                             const pktan_addr *dst, guint16 dst_port);

/* GHashTable callbacks for pktan_addr (as pointers). */
guint pktan_addr_hash(gconstpointer key);
gboolean pktan_addr_key_equal(gconstpointer a, gconstpointer b);

/* The byte hash under all of the above and record_map: fixed-size keys of
 * a few dozen bytes, hashed once per packet, a word at a time. */
guint32 pktan_hash_bytes(const void *data, gsize len);

#endif
