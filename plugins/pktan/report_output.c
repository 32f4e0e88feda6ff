/* The parts every -z report's tap glue shares. */
#include <wireshark.h>
#include <epan/epan.h>

#include "epan_glue.h"
#include "reports.h"

pktan_report_context pktan_report_output_context(const pktan_report_output *output)
{
    return (pktan_report_context){output->args, output->out, epan_get_version(),
                                  &pktan_epan_namer};
}

const pktan_report_start_fn pktan_report_starts[PKTAN_REPORT_COUNT] = {
    [PKTAN_REPORT_RTT] = pktan_rtt_start,
    [PKTAN_REPORT_CONN] = pktan_conn_start,
    [PKTAN_REPORT_UNEXPECTED] = pktan_unexpected_start,
    [PKTAN_REPORT_DESTS] = pktan_dests_start,
};

const char *const pktan_report_titles[PKTAN_REPORT_COUNT] = {
    [PKTAN_REPORT_RTT] = "Handshake RTT",
    [PKTAN_REPORT_CONN] = "Connection Outcomes",
    [PKTAN_REPORT_UNEXPECTED] = "Unexpected Protocols",
    [PKTAN_REPORT_DESTS] = "Destinations and Ports",
};

void pktan_report_output_drawn(const pktan_report_output *output)
{
    fflush(output->out);
    if (output->watcher)
        output->watcher->drawn(output->watcher->window);
}

void pktan_report_output_close(pktan_report_output *output)
{
    if (output->out != stdout)
        fclose(output->out);
    else
        fflush(stdout);
    pktan_args_clear(output->args);
    g_free(output->args);
    output->args = NULL;
    output->out = NULL;
}
