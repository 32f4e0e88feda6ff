/* Writes the Destinations and Ports report (text, CSV or JSON; spec.md). */
#ifndef PKTAN_DESTS_REPORT_H
#define PKTAN_DESTS_REPORT_H

#include "dests.h"
#include "report_context.h"

void pktan_dests_report_write(pktan_dests *dests, const pktan_report_context *ctx);

#endif
