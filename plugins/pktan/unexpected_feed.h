/* Tap records into the Unexpected Protocols tracker, for the -z report,
 * the dialog and the packet marks alike. A frame's IP, TCP and UDP
 * headers arrive first (the last one of each is the innermost: a tunnel's
 * inner conversation counts, its outer UDP flow does not); the frame's end
 * then hands the tracker that conversation and the frame's layers
 * (pinfo->layers). Headers quoted in ICMP errors are not fed: the listeners
 * do not ask for error packets. */
#ifndef PKTAN_UNEXPECTED_FEED_H
#define PKTAN_UNEXPECTED_FEED_H

#include <epan/packet_info.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/dissectors/packet-udp.h>

#include "dialog_taps.h"
#include "frame_record.h"
#include "unexpected.h"

/* The frame's innermost header so far, kept as the tap record itself: tap
 * records live until the frame's last listener has run, and converting
 * addresses once per frame, not once per header, is what this saves. */
typedef enum {
    PKTAN_FEED_NONE,
    PKTAN_FEED_IP,  /* an IP or IPv6 header: src, dst, upper_protocol */
    PKTAN_FEED_TCP, /* header: a struct tcpheader */
    PKTAN_FEED_UDP, /* header: an e_udphdr */
} pktan_feed_header;

typedef struct {
    guint32 frame; /* the frame the header below belongs to */
    pktan_feed_header innermost;
    const address *src, *dst;
    guint8 upper_protocol;
    const void *header;
} pktan_unexpected_feed;

void pktan_unexpected_feed_reset(pktan_unexpected_feed *feed);

void pktan_unexpected_feed_ip(pktan_unexpected_feed *feed, const packet_info *pinfo,
                              const address *src, const address *dst, guint8 upper_protocol);
void pktan_unexpected_feed_tcp(pktan_unexpected_feed *feed, const packet_info *pinfo,
                               const struct tcpheader *th);
void pktan_unexpected_feed_udp(pktan_unexpected_feed *feed, const packet_info *pinfo,
                               const e_udphdr *uh);

/* One tap record (ip, ipv6, tcp or udp) into the functions above. */
void pktan_unexpected_feed_tap(pktan_unexpected_feed *feed, pktan_tap tap,
                               const packet_info *pinfo, const void *data);

/* Deeper chains exist only in malformed or hostile frames; the judgement
 * needs the first layers anyway. */
#define PKTAN_FEED_MAX_LAYERS 64

/* The frame is complete: its record for pktan_unexpected_add(), whose
 * layers are written to layers (PKTAN_FEED_MAX_LAYERS of them at most). */
void pktan_unexpected_feed_take(pktan_unexpected_feed *feed, packet_info *pinfo,
                                pktan_unexpected_frame *f, int *layers);

/* The frame's layers, the tracker's pktan_unexpected_frame.layers:
 * pinfo->layers as protocol ids, a uTP layer for the UDP one it replaced;
 * PKTAN_FEED_MAX_LAYERS at most. Returns how many. */
guint pktan_unexpected_feed_layers(packet_info *pinfo, int *layers);

/* The same record for a frame of the common shape (frame_record.h), whose
 * tap records the feed never saw; its layers are the frame record's. */
void pktan_unexpected_frame_of_record(const pktan_frame_record *frame, pktan_unexpected_frame *f);

/* The frame is complete: counts it in u and returns its conversation. */
const pktan_flagged_conversation *pktan_unexpected_feed_frame(pktan_unexpected_feed *feed,
                                                              pktan_unexpected *u,
                                                              packet_info *pinfo);

#endif
