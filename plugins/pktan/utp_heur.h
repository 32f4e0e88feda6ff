/* A UDP heuristic that only watches: it never claims a packet (Wireshark
 * still shows what it showed), but it follows each UDP conversation's uTP
 * evidence (common/utp.h) and marks the frames of confirmed uTP flows, so
 * that Unexpected Protocols reports BitTorrent over uTP although Wireshark's
 * own bt-utp heuristic is off by default. */
#ifndef PKTAN_UTP_HEUR_H
#define PKTAN_UTP_HEUR_H

#include <epan/packet_info.h>

void pktan_utp_register(int proto_pktan);
void pktan_utp_handoff(void);

/* The protocol id to judge for one of the frame's layers: bt-utp in place
 * of "data" in a confirmed uTP flow, else layer itself. */
int pktan_utp_layer(packet_info *pinfo, int layer);

/* The only layer pktan_utp_layer may replace ("data"), so that a caller
 * walking every layer asks only for that one; -1 when there is none. */
int pktan_utp_replaced_layer(void);

#endif
