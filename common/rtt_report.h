/* Writes the Handshake RTT report (text, CSV or JSON; spec.md) from the
 * handshake tracker's connections. */
#ifndef PKTAN_RTT_REPORT_H
#define PKTAN_RTT_REPORT_H

#include "handshake.h"
#include "report_context.h"

void pktan_rtt_report_write(const pktan_handshakes *hs, const pktan_report_context *ctx);

#endif
