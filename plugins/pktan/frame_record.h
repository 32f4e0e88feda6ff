/* A frame of the common shape, read once for every report of a tap set.
 *
 * Most frames carry one IP or IPv6 header and the TCP or UDP header it
 * holds, and pinfo's addresses and ports are that header's own. For such a
 * frame report_taps.c queues this one record, built at the frame tap, in
 * place of the frame's ip, tcp or udp and frame tap records, and hands it
 * to each report when the queue is full (see batch.h): the addresses are
 * converted once instead of once per report and header, and the reports'
 * code runs over a queue of frames at once instead of once per record,
 * between two frames' dissection that evicts it. Every other frame
 * (tunnels, ICMP errors, fragments, other transports, frames without IP)
 * still reaches the reports record by record, after the queued ones. */
#ifndef PKTAN_FRAME_RECORD_H
#define PKTAN_FRAME_RECORD_H

#include <glib.h>

#include "addr.h"
#include "conversation.h"
#include "prefetch.h"
#include "time_format.h"

typedef struct {
    guint8 transport; /* PKTAN_IPPROTO_TCP or PKTAN_IPPROTO_UDP */
    gboolean to_lower_end; /* the destination is the stream's lower end (pktan_to_lower_end) */
    guint16 tcp_flags; /* TCP only */
    pktan_server_hint hint;
    pktan_addr src, dst; /* the transport header's, which are pinfo's net_src and net_dst */
    guint16 src_port, dst_port;
    guint32 stream; /* tcp.stream or udp.stream */
    guint32 frame;  /* pinfo->num */
    guint32 bytes;  /* the frame's length */
    pktan_ns rel_time, abs_time;
    guint n_layers; /* pinfo->layers, as pktan_unexpected_feed_layers() gives them */
    const int *layers;
} pktan_frame_record;

/* A report's reading of such a frame. */
typedef void (*pktan_report_frame_fn)(void *report, const pktan_frame_record *frame);

/* What the report's reading of a queued frame will touch, asked for ahead
 * of it (prefetch.h). */
typedef void (*pktan_report_prefetch_fn)(void *report, const pktan_frame_record *frame,
                                         pktan_prefetch_stage stage);

#endif
