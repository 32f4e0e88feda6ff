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

void pktan_listen_with_flags(const char *tap, void *tapdata, const pktan_args *args, guint flags,
                             tap_reset_cb reset, tap_packet_cb packet, tap_draw_cb draw,
                             tap_finish_cb finish)
{
    GString *error = register_tap_listener(tap, tapdata, args->filter, flags, reset, packet, draw,
                                           finish);
    if (error)
        pktan_fail("-z %s: cannot listen on the %s tap: %s", pktan_report_cli(args->report),
                   tap, error->str);
}

void pktan_listen(const char *tap, void *tapdata, const pktan_args *args, tap_reset_cb reset,
                  tap_packet_cb packet, tap_draw_cb draw, tap_finish_cb finish)
{
    pktan_listen_with_flags(tap, tapdata, args, TL_REQUIRES_NOTHING, reset, packet, draw, finish);
}
