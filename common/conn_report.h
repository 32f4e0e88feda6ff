/* Writes the Connection Outcomes report (text, CSV or JSON; spec.md) from
 * the connection-attempt tracker. */
#ifndef PKTAN_CONN_REPORT_H
#define PKTAN_CONN_REPORT_H

#include "conn.h"
#include "report_context.h"

void pktan_conn_report_write(const pktan_conn *conn, const pktan_report_context *ctx);

#endif
