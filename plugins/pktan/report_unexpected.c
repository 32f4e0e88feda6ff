/* -z pktan,unexpected: each frame's innermost conversation (from the ip,
 * ipv6, tcp and udp taps) and its layers (at the frame tap, which fires
 * last) into the tracker; the report is drawn from it at the end. */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/tap.h>

#include "policy_prefs.h"
#include "reports.h"
#include "unexpected_feed.h"
#include "unexpected_report.h"

typedef struct unexpected_report unexpected_report;

/* One per tap: register_tap_listener identifies listeners by tapdata.
 * The frame listener comes after the four of pktan_tap. */
typedef struct {
    unexpected_report *report;
    int tap;
} unexpected_listener;

enum { TAP_FRAME = PKTAN_TAP_COUNT, TAP_COUNT };

struct unexpected_report {
    pktan_report_output output;
    pktan_unexpected *tracker;
    pktan_unexpected_feed feed;
    int listeners; /* registered listeners; the last one's finish frees */
    unexpected_listener by_tap[TAP_COUNT];
};

static tap_packet_status unexpected_packet(void *tapdata, packet_info *pinfo,
                                           epan_dissect_t *edt _U_, const void *data,
                                           tap_flags_t flags _U_)
{
    unexpected_listener *l = tapdata;

    if (l->tap != TAP_FRAME) {
        pktan_unexpected_feed_tap(&l->report->feed, (pktan_tap)l->tap, pinfo, data);
        return TAP_PACKET_DONT_REDRAW;
    }
    pktan_unexpected_feed_frame(&l->report->feed, l->report->tracker, pinfo);
    return TAP_PACKET_REDRAW;
}

static void unexpected_reset(void *tapdata)
{
    unexpected_report *r = ((unexpected_listener *)tapdata)->report;

    pktan_unexpected_feed_reset(&r->feed);
    pktan_unexpected_reset(r->tracker);
}

static void unexpected_draw(void *tapdata)
{
    unexpected_report *r = ((unexpected_listener *)tapdata)->report;
    pktan_report_context ctx = pktan_report_output_context(&r->output);

    pktan_unexpected_report_write(r->tracker, &ctx);
    fflush(ctx.out);
}

/* Each listener's finish runs when Wireshark removes it; the last frees. */
static void unexpected_finish(void *tapdata)
{
    unexpected_report *r = ((unexpected_listener *)tapdata)->report;

    if (--r->listeners > 0)
        return;
    pktan_report_output_close(&r->output);
    pktan_unexpected_free(r->tracker);
    g_free(r);
}

void pktan_unexpected_start(pktan_args *args, FILE *out)
{
    char *error = NULL;
    pktan_policy *policy = pktan_policy_from_prefs(args->allowlist_path, &error);
    unexpected_report *r;

    if (policy == NULL)
        pktan_fail("-z %s: %s", pktan_report_cli(args->report), error);
    r = g_new0(unexpected_report, 1);
    r->output = (pktan_report_output){args, out};
    r->tracker = pktan_unexpected_new(policy);
    /* The frame listener, which fires after the others for each frame,
     * resets and draws the report. */
    for (int t = 0; t < TAP_COUNT; t++) {
        gboolean frame = t == TAP_FRAME;
        r->by_tap[t] = (unexpected_listener){r, t};
        pktan_listen(frame ? "frame" : pktan_tap_names[t], &r->by_tap[t], args,
                     frame ? unexpected_reset : NULL,
                     unexpected_packet, frame ? unexpected_draw : NULL, unexpected_finish);
        r->listeners++;
    }
}
