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
