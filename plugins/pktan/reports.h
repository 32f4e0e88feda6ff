/* The reports behind -z pktan,REPORT: each takes ownership of its parsed
 * arguments and output stream and registers its own tap listeners. A
 * start function that cannot go on reports through pktan_fail(). */
#ifndef PKTAN_REPORTS_H
#define PKTAN_REPORTS_H

#include <stdio.h>
#include "report_args.h"

typedef void (*pktan_report_start_fn)(pktan_args *args, FILE *out);

void pktan_dests_start(pktan_args *args, FILE *out);
void pktan_rtt_start(pktan_args *args, FILE *out);

/* One line on standard error, then exit: how tshark's own -z handlers end. */
G_NORETURN void pktan_fail(const char *format, ...) G_GNUC_PRINTF(1, 2);

#endif
