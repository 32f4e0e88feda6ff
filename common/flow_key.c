#include "flow_key.h"

#include <string.h>

static int endpoint_cmp(const pktan_addr *a, guint16 a_port,
                        const pktan_addr *b, guint16 b_port)
{
    int c = pktan_addr_cmp(a, b);
    if (c != 0)
        return c;
    return (a_port > b_port) - (a_port < b_port);
}

gboolean pktan_flow_key_make(pktan_flow_key *key, guint8 transport,
                             const pktan_addr *src, guint16 src_port,
                             const pktan_addr *dst, guint16 dst_port)
{
    gboolean src_is_hi = endpoint_cmp(src, src_port, dst, dst_port) > 0;

    memset(key, 0, sizeof *key);
    key->transport = transport;
    if (src_is_hi) {
        key->lo_addr = *dst;
        key->lo_port = dst_port;
        key->hi_addr = *src;
        key->hi_port = src_port;
    } else {
        key->lo_addr = *src;
        key->lo_port = src_port;
        key->hi_addr = *dst;
        key->hi_port = dst_port;
    }
    return src_is_hi;
}

/* 64-bit multiply-xorshift mixing (the SplitMix64 finaliser) over 8-byte
 * words: a handful of instructions per word, every input bit reaching every
 * output bit. */
static guint64 mix64(guint64 x)
{
    x ^= x >> 30;
    x *= G_GUINT64_CONSTANT(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= G_GUINT64_CONSTANT(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

static guint64 load64(const guint8 *p)
{
    guint64 word;

    memcpy(&word, p, 8);
    return word;
}

static guint64 load32(const guint8 *p)
{
    guint32 word;

    memcpy(&word, p, 4);
    return word;
}

/* The key's last bytes are read as one word that ends where the key ends,
 * overlapping the word before it: a copy of a variable length (len % 8
 * bytes) would be a call to memcpy, for keys whose size is a field of
 * their map. */
guint32 pktan_hash_bytes(const void *data, gsize len)
{
    const guint8 *p = data;
    guint64 h = G_GUINT64_CONSTANT(0x9e3779b97f4a7c15) ^ len;

    if (len >= 8) {
        for (; len > 8; p += 8, len -= 8)
            h = mix64(h ^ load64(p));
        h = mix64(h ^ load64(p + len - 8));
    } else if (len >= 4) {
        h = mix64(h ^ load32(p) ^ load32(p + len - 4) << 32);
    } else {
        guint64 word = 0;
        for (gsize i = 0; i < len; i++)
            word = word << 8 | p[i];
        h = mix64(h ^ word);
    }
    return (guint32)(h ^ (h >> 32));
}

guint pktan_addr_hash(gconstpointer key)
{
    return pktan_hash_bytes(key, sizeof(pktan_addr));
}

gboolean pktan_addr_key_equal(gconstpointer a, gconstpointer b)
{
    return pktan_addr_equal(a, b);
}

/* memcmp equality and byte hashing are exact only without padding holes. */
_Static_assert(sizeof(pktan_addr) == 17, "pktan_addr must have no padding");
_Static_assert(sizeof(pktan_flow_key) == 2 * 17 + 2 + 2 + 1 + 1,
               "pktan_flow_key must have no padding");
