/* -z pktan,unexpected: each frame's innermost conversation (from the ip,
 * ipv6, tcp and udp taps) and its layers (at the frame tap, which fires
 * last) into the tracker; the report is drawn from it at the end. */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/tap.h>

#include "batch.h"
#include "policy_prefs.h"
#include "report_taps.h"
#include "reports.h"
#include "unexpected_feed.h"
#include "unexpected_report.h"

/* Frames wait in a queue (see batch.h) and are counted in runs: nothing
 * in a -z report needs a frame's verdict before the report is drawn. */
#define QUEUED_FRAMES 128

typedef struct {
    pktan_unexpected_frame frame;
    int layers[PKTAN_FEED_MAX_LAYERS];
} queued_frame;

typedef struct {
    pktan_report_output output;
    pktan_unexpected *tracker;
    pktan_unexpected_feed feed;
    pktan_batch *queue; /* of queued_frame */
} unexpected_report;

static void count_frame(void *tracker, void *record)
{
    queued_frame *q = record;

    q->frame.layers = q->layers;
    pktan_unexpected_add(tracker, &q->frame);
}

static void prefetch_queued(void *tracker, const void *record, pktan_prefetch_stage stage)
{
    const queued_frame *q = record;

    pktan_unexpected_prefetch(tracker, q->frame.transport, q->frame.stream, stage);
}

static void unexpected_packet(void *report, int tap, packet_info *pinfo, const void *data)
{
    unexpected_report *r = report;
    queued_frame *q;

    if (tap != PKTAN_TAP_FRAME) {
        pktan_unexpected_feed_tap(&r->feed, (pktan_tap)tap, pinfo, data);
        return;
    }
    q = pktan_batch_slot(r->queue);
    pktan_unexpected_feed_take(&r->feed, pinfo, &q->frame, q->layers);
    pktan_batch_push(r->queue);
}

static void unexpected_prefetch(void *report, const pktan_frame_record *frame,
                                pktan_prefetch_stage stage)
{
    const unexpected_report *r = report;

    pktan_unexpected_prefetch(r->tracker, frame->transport, frame->stream, stage);
}

/* A frame record (frame_record.h): the set's queue already runs it with
 * other frames', so it is counted at once, after what the report's own
 * queue holds from earlier frames (pktan_batch_process_now would first
 * copy its layers into a queued_frame). */
static void unexpected_frame(void *report, const pktan_frame_record *frame)
{
    unexpected_report *r = report;
    pktan_unexpected_frame f;

    pktan_batch_flush(r->queue);
    pktan_unexpected_frame_of_record(frame, &f);
    pktan_unexpected_add(r->tracker, &f);
}

static void unexpected_reset(void *report)
{
    unexpected_report *r = report;

    pktan_unexpected_feed_reset(&r->feed);
    pktan_batch_discard(r->queue);
    pktan_unexpected_reset(r->tracker);
}

static void unexpected_draw(void *report)
{
    unexpected_report *r = report;
    pktan_report_context ctx = pktan_report_output_context(&r->output);

    pktan_batch_flush(r->queue);
    pktan_unexpected_report_write(r->tracker, &ctx);
    pktan_report_output_drawn(&r->output);
}

static void unexpected_finish(void *report)
{
    unexpected_report *r = report;

    pktan_report_output_close(&r->output);
    pktan_batch_free(r->queue);
    pktan_unexpected_free(r->tracker);
    g_free(r);
}

char *pktan_unexpected_start(const pktan_report_output *output)
{
    static const pktan_report_reader reader = {
        PKTAN_TAP_BIT(PKTAN_TAP_IP) | PKTAN_TAP_BIT(PKTAN_TAP_IPV6) |
            PKTAN_TAP_BIT(PKTAN_TAP_TCP) | PKTAN_TAP_BIT(PKTAN_TAP_UDP) |
            PKTAN_TAP_BIT(PKTAN_TAP_FRAME),
        FALSE, unexpected_packet, unexpected_frame, unexpected_reset, unexpected_draw, unexpected_finish,
        unexpected_prefetch};
    char *error = NULL;
    pktan_policy *policy = pktan_policy_from_prefs(output->args->allowlist_path, &error);
    unexpected_report *r;

    if (policy == NULL)
        return error;
    r = g_new0(unexpected_report, 1);
    r->output = *output;
    r->tracker = pktan_unexpected_new(policy);
    r->queue = pktan_batch_new(sizeof(queued_frame), QUEUED_FRAMES, count_frame, r->tracker);
    pktan_batch_set_prefetch(r->queue, prefetch_queued);
    pktan_report_listen(output, r, &reader);
    return NULL;
}
