/* The reports behind -z pktan,REPORT: each takes ownership of its parsed
 * arguments and output stream and subscribes to its taps (report_taps.h). A
 * start function that cannot go on reports through pktan_fail(). */
#ifndef PKTAN_REPORTS_H
#define PKTAN_REPORTS_H

#include <stdio.h>
#include <epan/tap.h>

#include "report_args.h"
#include "report_context.h"

typedef void (*pktan_report_start_fn)(pktan_args *args, FILE *out);

void pktan_dests_start(pktan_args *args, FILE *out);
void pktan_rtt_start(pktan_args *args, FILE *out);
void pktan_conn_start(pktan_args *args, FILE *out);
void pktan_unexpected_start(pktan_args *args, FILE *out);

/* What every report owns: its arguments and where it writes. */
typedef struct {
    pktan_args *args;
    FILE *out;
} pktan_report_output;

/* The context a core writer draws with: arguments, stream, Wireshark's
 * version and names. */
pktan_report_context pktan_report_output_context(const pktan_report_output *output);

/* Closes out=PATH (standard output stays open) and frees the arguments. */
void pktan_report_output_close(pktan_report_output *output);

/* One line on standard error, then exit: how tshark's own -z handlers end. */
G_NORETURN void pktan_fail(const char *format, ...) G_GNUC_PRINTF(1, 2);

#endif
