/* -z pktan,REPORT[,OPTION=VALUE]...[,FILTER]
 *
 * One handler serves every prefix: the argument is parsed whole by the
 * core's parser, so a misspelt report, option or value gets the same one
 * line on standard error. The bare "pktan" prefix catches reports no other
 * prefix matches (tshark tries longer registered prefixes first). */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wireshark.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>

#include "compat.h"
#include "report_args.h"
#include "reports.h"

void pktan_fail(const char *format, ...)
{
    va_list ap;

    fputs("pktan: ", stderr);
    va_start(ap, format);
    vfprintf(stderr, format, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(EXIT_FAILURE);
}

/* Compiles the filter the way the report's tap will, so a bad filter is
 * reported before any work. Returns NULL or a one-line error to g_free. */
static char *check_filter(const char *arg, const char *filter)
{
    static int probe;
    GString *error;
    char *message;

    if (filter == NULL)
        return NULL;
    error = register_tap_listener("frame", &probe, filter, TL_REQUIRES_NOTHING,
                                  NULL, NULL, NULL, NULL);
    if (error == NULL) {
        remove_tap_listener(&probe);
        return NULL;
    }
    g_strdelimit(error->str, "\r\n", ' ');
    message = g_strdup_printf("-z %s: invalid display filter '%s': %s", arg,
                              filter, g_strstrip(error->str));
    g_string_free(error, TRUE);
    return message;
}

/* Standard output, or out=PATH opened now so that a path that cannot be
 * written stops the run before any work. */
static FILE *open_output(const char *arg, const pktan_args *args)
{
    FILE *out;

    if (args->out_path == NULL)
        return stdout;
    out = fopen(args->out_path, "w");
    if (out == NULL)
        pktan_fail("-z %s: cannot write out=%s: %s", arg, args->out_path, g_strerror(errno));
    return out;
}

static pktan_stat_init_result cli_init(const char *arg, void *userdata _U_)
{
    pktan_args *args = g_new(pktan_args, 1);
    char *error;
    pktan_report_output output;

    if (!pktan_args_parse(arg, args, &error))
        pktan_fail("%s", error);
    error = check_filter(arg, args->filter);
    if (error)
        pktan_fail("%s", error);
    output = (pktan_report_output){args, open_output(arg, args), NULL};
    error = pktan_report_starts[args->report](&output);
    if (error)
        pktan_fail("-z %s: %s", pktan_report_cli(args->report), error);
    PKTAN_STAT_INIT_RETURN(TRUE);
}

static stat_tap_ui report_uis[PKTAN_REPORT_COUNT + 1];

void pktan_cli_register(void)
{
    for (int r = 0; r <= PKTAN_REPORT_COUNT; r++) {
        stat_tap_ui *ui = &report_uis[r];
        gboolean catch_all = r == PKTAN_REPORT_COUNT;

        ui->group = REGISTER_STAT_GROUP_GENERIC;
        /* Registered for the life of the process, as tshark keeps them. */
        ui->title = catch_all ? "PktAn" : g_strdup_printf("PktAn %s", pktan_report_titles[r]);
        ui->cli_string = catch_all ? PKTAN_CLI_PREFIX : pktan_report_cli((pktan_report_kind)r);
        ui->tap_init_cb = cli_init;
        ui->nparams = 0;
        ui->params = NULL;
        register_stat_tap_ui(ui, NULL);
    }
}
