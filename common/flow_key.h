/* Conversation keys shared by every report: two endpoints and a transport,
 * stored so that both directions of a conversation give the same key. */
#ifndef PKTAN_FLOW_KEY_H
#define PKTAN_FLOW_KEY_H

#include <glib.h>
#include <string.h>
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

/* 64-bit multiply-xorshift mixing (the SplitMix64 finaliser) over 8-byte
 * words: a handful of instructions per word, every input bit reaching every
 * output bit. */
static inline guint64 pktan_mix64(guint64 x)
{
    x ^= x >> 30;
    x *= G_GUINT64_CONSTANT(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= G_GUINT64_CONSTANT(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

static inline guint64 pktan_load64(const guint8 *p)
{
    guint64 word;

    memcpy(&word, p, 8);
    return word;
}

static inline guint64 pktan_load32(const guint8 *p)
{
    guint32 word;

    memcpy(&word, p, 4);
    return word;
}

/* The byte hash under all of the above and record_map: fixed-size keys of
 * a few dozen bytes, hashed once per packet, a word at a time. Inline: a
 * caller whose key size is a constant gets a few straight-line words.
 *
 * The key's last bytes are read as one word that ends where the key ends,
 * overlapping the word before it: a copy of a variable length (len % 8
 * bytes) would be a call to memcpy, for keys whose size is a field of
 * their map. */
static inline guint32 pktan_hash_bytes(const void *data, gsize len)
{
    const guint8 *p = data;
    guint64 h = G_GUINT64_CONSTANT(0x9e3779b97f4a7c15) ^ len;

    if (len >= 8) {
        for (; len > 8; p += 8, len -= 8)
            h = pktan_mix64(h ^ pktan_load64(p));
        h = pktan_mix64(h ^ pktan_load64(p + len - 8));
    } else if (len >= 4) {
        h = pktan_mix64(h ^ pktan_load32(p) ^ pktan_load32(p + len - 4) << 32);
    } else {
        guint64 word = 0;
        for (gsize i = 0; i < len; i++)
            word = word << 8 | p[i];
        h = pktan_mix64(h ^ word);
    }
    return (guint32)(h ^ (h >> 32));
}

#endif
