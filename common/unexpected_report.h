/* Writes the Unexpected Protocols report (text, CSV or JSON; spec.md). */
#ifndef PKTAN_UNEXPECTED_REPORT_H
#define PKTAN_UNEXPECTED_REPORT_H

#include "report_context.h"
#include "unexpected.h"

void pktan_unexpected_report_write(const pktan_unexpected *u, const pktan_report_context *ctx);

#endif
