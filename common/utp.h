/* BitTorrent's uTP (BEP 29) recognised on its own: Wireshark's bt-utp
 * heuristic is off by default because one packet's header is too weak a
 * sign. Here a UDP flow counts as uTP only when both directions carry
 * well-formed uTP headers whose connection ids pair up as BEP 29 has them
 * (the initiator sends id and id+1, the responder id), which random
 * payload, QUIC or DNS do not. */
#ifndef PKTAN_UTP_H
#define PKTAN_UTP_H

#include <glib.h>

enum { PKTAN_UTP_HEADER_LEN = 20 };

/* A uTP version 1 header at the start of payload: version 1, a known type,
 * a well-formed extension chain inside the payload, no data on SYN and
 * STATE packets. Sets *connection_id. */
gboolean pktan_utp_header(const guint8 *payload, gsize len, guint16 *connection_id);

/* What a flow has shown so far; zero-initialised. */
typedef struct {
    guint16 id[2];
    guint8 seen[2];
    guint8 confirmed;
} pktan_utp_flow;

/* One header of the flow from direction dir (0: the flow's first sender,
 * 1: the other); returns whether the flow is uTP. */
gboolean pktan_utp_flow_add(pktan_utp_flow *flow, int dir, guint16 connection_id);

#endif
