#include "json_writer.h"

#include <string.h>
#include "pktan_version.h"

void pktan_json_begin_report(json_dumper *json, FILE *out, const char *report,
                             const char *wireshark_version, const char *filter)
{
    memset(json, 0, sizeof *json);
    json->output_file = out;
    json->flags = JSON_DUMPER_FLAGS_PRETTY_PRINT;
    json_dumper_begin_object(json);
    pktan_json_member_string(json, "report", report);
    pktan_json_member_string(json, "pktan_version", PKTAN_VERSION);
    pktan_json_member_string(json, "wireshark_version", wireshark_version);
    pktan_json_member_string(json, "filter", filter && *filter ? filter : NULL);
}

gboolean pktan_json_end_report(json_dumper *json)
{
    json_dumper_end_object(json);
    return json_dumper_finish(json);
}

void pktan_json_member_string(json_dumper *json, const char *key, const char *value)
{
    json_dumper_set_member_name(json, key);
    if (value)
        json_dumper_value_string(json, value);
    else
        json_dumper_value_anyf(json, "null");
}

void pktan_json_member_uint(json_dumper *json, const char *key, guint64 value)
{
    json_dumper_set_member_name(json, key);
    json_dumper_value_anyf(json, "%" G_GUINT64_FORMAT, value);
}

void pktan_json_member_int(json_dumper *json, const char *key, gint64 value)
{
    json_dumper_set_member_name(json, key);
    json_dumper_value_anyf(json, "%" G_GINT64_FORMAT, value);
}

void pktan_json_member_bool(json_dumper *json, const char *key, gboolean value)
{
    json_dumper_set_member_name(json, key);
    json_dumper_value_anyf(json, value ? "true" : "false");
}

void pktan_json_member_seconds(json_dumper *json, const char *key, pktan_ns value)
{
    char buf[PKTAN_TIME_STRLEN];
    json_dumper_set_member_name(json, key);
    json_dumper_value_anyf(json, "%s", pktan_format_seconds(value, buf));
}
