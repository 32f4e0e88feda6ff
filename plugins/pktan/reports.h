/* The reports behind -z pktan,REPORT and the live windows: each takes
 * ownership of its parsed arguments and output stream and subscribes to its
 * taps (report_taps.h). */
#ifndef PKTAN_REPORTS_H
#define PKTAN_REPORTS_H

#include <stdio.h>
#include <epan/tap.h>

#include "report_args.h"
#include "report_context.h"

/* Whoever shows a report as it grows (a live window): told after each
 * draw, once the stream is flushed. Reports with a watcher have tap
 * listeners of their own, not shared with -z reports. */
typedef struct {
    void (*drawn)(void *window);
    void *window;
} pktan_report_watcher;

/* What every report owns: its arguments and where it writes. */
typedef struct {
    pktan_args *args;
    FILE *out;
    const pktan_report_watcher *watcher; /* NULL for -z */
} pktan_report_output;

/* Takes the output's arguments and stream, or, when it cannot start,
 * returns why (to g_free) and leaves them to the caller. */
typedef char *(*pktan_report_start_fn)(const pktan_report_output *output);

char *pktan_dests_start(const pktan_report_output *output);
char *pktan_rtt_start(const pktan_report_output *output);
char *pktan_conn_start(const pktan_report_output *output);
char *pktan_unexpected_start(const pktan_report_output *output);

/* Every report's starter and title ("Handshake RTT"), by kind. */
extern const pktan_report_start_fn pktan_report_starts[PKTAN_REPORT_COUNT];
extern const char *const pktan_report_titles[PKTAN_REPORT_COUNT];

/* The context a core writer draws with: arguments, stream, Wireshark's
 * version and names. */
pktan_report_context pktan_report_output_context(const pktan_report_output *output);

/* Ends a draw: flushes the stream and tells the watcher. */
void pktan_report_output_drawn(const pktan_report_output *output);

/* Closes out=PATH (standard output stays open) and frees the arguments. */
void pktan_report_output_close(pktan_report_output *output);

/* One line on standard error, then exit: how tshark's own -z handlers end. */
G_NORETURN void pktan_fail(const char *format, ...) G_GNUC_PRINTF(1, 2);

#endif
