/* -z pktan,rtt: drawn at the end from the handshake tracker report_taps
 * feeds every TCP segment (the one conn reads too). */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/tap.h>

#include "handshake.h"
#include "report_taps.h"
#include "reports.h"
#include "rtt_report.h"

typedef struct {
    pktan_report_output output;
    pktan_handshakes *handshakes;
} rtt_report;

static void rtt_draw(void *tapdata)
{
    rtt_report *r = tapdata;
    pktan_report_context ctx = pktan_report_output_context(&r->output);

    pktan_rtt_report_write(r->handshakes, &ctx);
    pktan_report_output_drawn(&r->output);
}

static void rtt_finish(void *tapdata)
{
    rtt_report *r = tapdata;

    pktan_report_output_close(&r->output);
    g_free(r);
}

char *pktan_rtt_start(const pktan_report_output *output)
{
    static const pktan_report_reader reader = {0, FALSE, NULL, NULL, NULL, rtt_draw, rtt_finish, NULL};
    rtt_report *r = g_new0(rtt_report, 1);

    r->output = *output;
    r->handshakes = pktan_report_handshakes(output);
    pktan_report_listen(output, r, &reader);
    return NULL;
}
