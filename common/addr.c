#include "addr.h"

#include <string.h>
#include <wsutil/inet_addr.h>

void pktan_addr_set_ipv4(pktan_addr *addr, const void *four_bytes)
{
    memset(addr, 0, sizeof *addr);
    addr->family = PKTAN_AF_IPV4;
    memcpy(addr->bytes, four_bytes, 4);
}

void pktan_addr_set_ipv6(pktan_addr *addr, const void *sixteen_bytes)
{
    memset(addr, 0, sizeof *addr);
    addr->family = PKTAN_AF_IPV6;
    memcpy(addr->bytes, sixteen_bytes, 16);
}

gboolean pktan_addr_parse(const char *text, pktan_addr *addr)
{
    ws_in4_addr v4;
    ws_in6_addr v6;

    memset(addr, 0, sizeof *addr);
    if (text == NULL)
        return FALSE;
    if (ws_inet_pton4(text, &v4)) {
        pktan_addr_set_ipv4(addr, &v4);
        return TRUE;
    }
    if (ws_inet_pton6(text, &v6)) {
        pktan_addr_set_ipv6(addr, &v6);
        return TRUE;
    }
    return FALSE;
}

const char *pktan_addr_to_str(const pktan_addr *addr, char *buf)
{
    switch (addr->family) {
    case PKTAN_AF_IPV4:
        return ws_inet_ntop4(addr->bytes, buf, PKTAN_ADDR_STRLEN);
    case PKTAN_AF_IPV6:
        return ws_inet_ntop6(addr->bytes, buf, PKTAN_ADDR_STRLEN);
    default:
        g_strlcpy(buf, "-", PKTAN_ADDR_STRLEN);
        return buf;
    }
}

gboolean pktan_addr_is_group(const pktan_addr *addr)
{
    if (addr->family == PKTAN_AF_IPV4)
        return addr->bytes[0] >= 224;
    return addr->family == PKTAN_AF_IPV6 && addr->bytes[0] == 0xff;
}

const char *pktan_endpoint_to_str(const pktan_addr *addr, guint16 port, char *buf)
{
    char text[PKTAN_ADDR_STRLEN];

    pktan_addr_to_str(addr, text);
    g_snprintf(buf, PKTAN_ENDPOINT_STRLEN, addr->family == PKTAN_AF_IPV6 ? "[%s]:%u" : "%s:%u",
               text, port);
    return buf;
}
