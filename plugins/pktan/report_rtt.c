/* -z pktan,rtt: every TCP segment from the tcp tap into the handshake
 * tracker; the report is drawn from it at the end. */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/dissectors/packet-tcp.h>

#include "epan_glue.h"
#include "handshake.h"
#include "reports.h"
#include "rtt_report.h"

typedef struct {
    pktan_report_output output;
    pktan_handshakes *handshakes;
} rtt_report;

static tap_packet_status rtt_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                    const void *data, tap_flags_t flags _U_)
{
    rtt_report *r = tapdata;
    const struct tcpheader *th = data;
    pktan_tcp_segment seg;
    gboolean completed;

    if (pktan_handshakes_settled(r->handshakes, th->th_stream) ||
        !pktan_tcp_segment_from_tap(th, pinfo, &seg))
        return TAP_PACKET_DONT_REDRAW;
    pktan_handshakes_add(r->handshakes, &seg, &completed);
    return completed ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW;
}

static void rtt_reset(void *tapdata)
{
    pktan_handshakes_reset(((rtt_report *)tapdata)->handshakes);
}

static void rtt_draw(void *tapdata)
{
    rtt_report *r = tapdata;
    pktan_report_context ctx = pktan_report_output_context(&r->output);

    pktan_rtt_report_write(r->handshakes, &ctx);
    fflush(ctx.out);
}

static void rtt_finish(void *tapdata)
{
    rtt_report *r = tapdata;

    pktan_report_output_close(&r->output);
    pktan_handshakes_free(r->handshakes);
    g_free(r);
}

void pktan_rtt_start(pktan_args *args, FILE *out)
{
    rtt_report *r = g_new0(rtt_report, 1);

    r->output = (pktan_report_output){args, out};
    r->handshakes = pktan_handshakes_new();
    pktan_listen("tcp", r, args, rtt_reset, rtt_packet, rtt_draw, rtt_finish);
}
