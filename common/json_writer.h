/* JSON through libwsutil's json_dumper (the writer behind tshark -T json):
 * the envelope every report object shares (spec.md) and typed members. */
#ifndef PKTAN_JSON_WRITER_H
#define PKTAN_JSON_WRITER_H

#include <stdio.h>
#include <glib.h>
#include <wsutil/json_dumper.h>
#include "time_format.h"

/* Opens the report object on out and writes "report", "pktan_version",
 * "wireshark_version" and "filter" (null when there is none). */
void pktan_json_begin_report(json_dumper *json, FILE *out, const char *report,
                             const char *wireshark_version, const char *filter);

/* Closes the report object; FALSE if the dumper saw unbalanced calls. */
gboolean pktan_json_end_report(json_dumper *json);

/* A NULL value writes null. */
void pktan_json_member_string(json_dumper *json, const char *key, const char *value);
void pktan_json_member_uint(json_dumper *json, const char *key, guint64 value);
void pktan_json_member_int(json_dumper *json, const char *key, gint64 value);
void pktan_json_member_bool(json_dumper *json, const char *key, gboolean value);
/* Seconds as a JSON number with nanosecond precision: 0.030512000. */
void pktan_json_member_seconds(json_dumper *json, const char *key, pktan_ns value);

#endif
