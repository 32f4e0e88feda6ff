/* Binary IPv4/IPv6 addresses: what taps hand us, hashed and compared as bytes.
 * Text exists only at draw time (pktan_addr_to_str). */
#ifndef PKTAN_ADDR_H
#define PKTAN_ADDR_H

#include <string.h>

#include <glib.h>

enum { PKTAN_AF_NONE = 0, PKTAN_AF_IPV4 = 4, PKTAN_AF_IPV6 = 6 };

/* Longest text form: an IPv6 address with an embedded IPv4 tail, plus NUL. */
#define PKTAN_ADDR_STRLEN 46

/* Plain bytes with no padding holes, so a key of it can be hashed and
 * compared with memcmp. IPv4 uses the first 4 bytes; the rest stay zero. */
typedef struct {
    guint8 family;
    guint8 bytes[16];
} pktan_addr;

void pktan_addr_set_ipv4(pktan_addr *addr, const void *four_bytes);
void pktan_addr_set_ipv6(pktan_addr *addr, const void *sixteen_bytes);

/* Accepts dotted IPv4 or IPv6 text; FALSE (addr cleared) on anything else. */
gboolean pktan_addr_parse(const char *text, pktan_addr *addr);

/* Writes the text form into buf (PKTAN_ADDR_STRLEN bytes) and returns buf. */
const char *pktan_addr_to_str(const pktan_addr *addr, char *buf);

/* Multicast, broadcast and the reserved IPv4 class E: destinations of
 * datagrams nobody is expected to answer one to one. */
gboolean pktan_addr_is_group(const pktan_addr *addr);

/* "10.0.0.1:443" or "[fd00::1]:443" into buf (PKTAN_ENDPOINT_STRLEN). */
#define PKTAN_ENDPOINT_STRLEN (PKTAN_ADDR_STRLEN + 8)
const char *pktan_endpoint_to_str(const pktan_addr *addr, guint16 port, char *buf);

/* memcmp's order and equality over the whole struct (the order the
 * reports' keys and ties have always had), inline on two 64-bit words:
 * every packet's keys are made and compared with these. Against calls to
 * libc's memcmp this measured neutral (docs/performance-notes.md,
 * 2026-12-07 evening): fewer memcmp samples, no fewer in all. */
static inline guint64 pktan_addr_word(const pktan_addr *addr, gsize at)
{
    guint64 word;

    memcpy(&word, addr->bytes + at, sizeof word);
    return GUINT64_FROM_BE(word);
}

static inline int pktan_addr_cmp(const pktan_addr *a, const pktan_addr *b)
{
    guint64 x, y;

    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    x = pktan_addr_word(a, 0);
    y = pktan_addr_word(b, 0);
    if (x == y) {
        x = pktan_addr_word(a, 8);
        y = pktan_addr_word(b, 8);
    }
    return (x > y) - (x < y);
}

static inline gboolean pktan_addr_equal(const pktan_addr *a, const pktan_addr *b)
{
    return a->family == b->family && pktan_addr_word(a, 0) == pktan_addr_word(b, 0) &&
           pktan_addr_word(a, 8) == pktan_addr_word(b, 8);
}

#endif
