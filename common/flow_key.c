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
