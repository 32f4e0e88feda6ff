#include "utp.h"

enum { ST_DATA, ST_FIN, ST_STATE, ST_RESET, ST_SYN, ST_COUNT };
enum { MAX_EXTENSION = 4 }; /* BEP 29 defines 1 and 2; libutp uses a few more */

gboolean pktan_utp_header(const guint8 *p, gsize len, guint16 *connection_id)
{
    guint type, next;
    gsize at = PKTAN_UTP_HEADER_LEN;

    if (len < PKTAN_UTP_HEADER_LEN || (p[0] & 0x0f) != 1)
        return FALSE;
    type = p[0] >> 4;
    if (type >= ST_COUNT)
        return FALSE;
    for (next = p[1]; next != 0; next = p[at], at += 2u + p[at + 1]) {
        if (next > MAX_EXTENSION || at + 2 > len || at + 2u + p[at + 1] > len)
            return FALSE;
    }
    if ((type == ST_SYN || type == ST_STATE) && at != len)
        return FALSE;
    *connection_id = (guint16)(p[2] << 8 | p[3]);
    return TRUE;
}

gboolean pktan_utp_flow_add(pktan_utp_flow *f, int dir, guint16 connection_id)
{
    guint16 diff;

    dir = dir ? 1 : 0;
    f->id[dir] = connection_id;
    f->seen[dir] = 1;
    if (!f->confirmed && f->seen[0] && f->seen[1]) {
        diff = (guint16)(f->id[0] - f->id[1]);
        f->confirmed = diff == 0 || diff == 1 || diff == 0xffff;
    }
    return f->confirmed;
}
