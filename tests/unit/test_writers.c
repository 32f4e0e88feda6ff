/* Text, CSV and JSON writers: layout, quoting and escaping, checked
 * against hand-written expectations. */
#include <glib.h>
#include <string.h>

#include "capture_stream.h"
#include "csv_writer.h"
#include "json_writer.h"
#include "pktan_version.h"
#include "text_table.h"
#include "time_format.h"

/* ---- CSV ---------------------------------------------------------------- */

static void test_csv_quoting(void)
{
    static const char *const headers[] = {"a", "b", "c"};
    capture_stream c;
    pktan_csv csv;

    capture_open(&c);
    pktan_csv_begin(&csv, c.file, 3, headers);
    pktan_csv_field(&csv, "plain");
    pktan_csv_field(&csv, "with,comma");
    pktan_csv_field(&csv, "say \"hi\"");
    pktan_csv_end_row(&csv);
    pktan_csv_field(&csv, "line\nbreak");
    pktan_csv_field(&csv, "cr\rhere");
    pktan_csv_field(&csv, NULL);
    pktan_csv_end_row(&csv);
    pktan_csv_field(&csv, "");
    pktan_csv_field(&csv, " spaced ");
    pktan_csv_field(&csv, "\"");
    pktan_csv_end_row(&csv);
    g_assert_cmpstr(capture_close(&c), ==,
                    "a,b,c\r\n"
                    "plain,\"with,comma\",\"say \"\"hi\"\"\"\r\n"
                    "\"line\nbreak\",\"cr\rhere\",\r\n"
                    ", spaced ,\"\"\"\"\r\n");
    g_assert_cmpuint(csv.rows, ==, 3);
    g_assert_false(csv.short_row);
    capture_free(&c);
}

static void test_csv_typed_and_short_rows(void)
{
    static const char *const headers[] = {"stream", "irtt", "note"};
    capture_stream c;
    pktan_csv csv;

    capture_open(&c);
    pktan_csv_begin(&csv, c.file, 3, headers);
    pktan_csv_field_uint(&csv, G_GUINT64_CONSTANT(18446744073709551615));
    pktan_csv_field_seconds(&csv, 30512000);
    pktan_csv_end_row(&csv); /* one field short: padded, flagged */
    g_assert_cmpstr(capture_close(&c), ==,
                    "stream,irtt,note\r\n18446744073709551615,0.030512000,\r\n");
    g_assert_true(csv.short_row);
    capture_free(&c);
}

static void test_csv_empty_table(void)
{
    static const char *const headers[] = {"address", "packets"};
    capture_stream c;
    pktan_csv csv;

    capture_open(&c);
    pktan_csv_begin(&csv, c.file, 2, headers);
    g_assert_cmpstr(capture_close(&c), ==, "address,packets\r\n");
    g_assert_cmpuint(csv.rows, ==, 0);
    capture_free(&c);
}

/* ---- text tables ---------------------------------------------------------- */

static const pktan_text_column server_columns[] = {
    {"Server", PKTAN_ALIGN_LEFT},
    {"Port", PKTAN_ALIGN_RIGHT},
    {"iRTT (ms)", PKTAN_ALIGN_RIGHT},
};

static void test_text_alignment(void)
{
    static const char *const row1[] = {"10.0.0.2", "80", "30.512"};
    static const char *const row2[] = {"2001:db8::10", "8443", "5.1"};
    static const char *const row3[] = {"x", NULL, "1000.000"};
    capture_stream c;
    pktan_text_table *t = pktan_text_table_new("Servers", 3, server_columns, 0);

    pktan_text_table_add_row(t, row1);
    pktan_text_table_add_row(t, row2);
    pktan_text_table_add_row(t, row3);
    capture_open(&c);
    pktan_text_table_write(t, c.file);
    g_assert_cmpstr(capture_close(&c), ==,
                    "Servers\n"
                    "Server        Port  iRTT (ms)\n"
                    "------------  ----  ---------\n"
                    "10.0.0.2        80     30.512\n"
                    "2001:db8::10  8443        5.1\n"
                    "x                -   1000.000\n");
    capture_free(&c);
    pktan_text_table_free(t);
}

static void test_text_limit_and_empty(void)
{
    static const char *const row[] = {"a", "1", "2"};
    capture_stream c;
    pktan_text_table *t = pktan_text_table_new("Top", 3, server_columns, 2);

    /* rows_kept: one of 2 fits, the other and 2 more are counted. */
    pktan_text_table_add_row(t, row);
    g_assert_cmpuint(pktan_text_table_rows_kept(t, 2), ==, 1);
    pktan_text_table_add_row(t, row);
    g_assert_cmpuint(pktan_text_table_rows_kept(t, 2), ==, 0);
    capture_open(&c);
    pktan_text_table_write(t, c.file);
    g_assert_cmpstr(capture_close(&c), ==,
                    "Top\n"
                    "Server  Port  iRTT (ms)\n"
                    "------  ----  ---------\n"
                    "a          1          2\n"
                    "a          1          2\n"
                    "... 3 more rows not shown (top=0 shows all)\n");
    capture_free(&c);
    pktan_text_table_free(t);

    t = pktan_text_table_new("Nothing", 3, server_columns, 0);
    g_assert_cmpuint(pktan_text_table_rows_kept(t, 7), ==, 7);
    capture_open(&c);
    pktan_text_table_write(t, c.file);
    g_assert_cmpstr(capture_close(&c), ==,
                    "Nothing\n"
                    "Server  Port  iRTT (ms)\n"
                    "------  ----  ---------\n"
                    "(none)\n");
    capture_free(&c);
    pktan_text_table_free(t);
}

static void test_text_utf8_width(void)
{
    static const pktan_text_column cols[] = {{"Name", PKTAN_ALIGN_LEFT}, {"N", PKTAN_ALIGN_RIGHT}};
    static const char *const row1[] = {"\xC3\xA9t\xC3\xA9", "1"}; /* "été": 3 chars, 5 bytes */
    static const char *const row2[] = {"abcd", "2"};
    capture_stream c;
    pktan_text_table *t = pktan_text_table_new(NULL, 2, cols, 0);

    pktan_text_table_add_row(t, row1);
    pktan_text_table_add_row(t, row2);
    capture_open(&c);
    pktan_text_table_write(t, c.file);
    g_assert_cmpstr(capture_close(&c), ==,
                    "Name  N\n"
                    "----  -\n"
                    "\xC3\xA9t\xC3\xA9   1\n"
                    "abcd  2\n");
    capture_free(&c);
    pktan_text_table_free(t);
}

static void test_text_frame(void)
{
    capture_stream c;
    char rule_eq[81], rule_dash[81];
    char *expected;

    memset(rule_eq, '=', 80);
    rule_eq[80] = '\0';
    memset(rule_dash, '-', 80);
    rule_dash[80] = '\0';
    capture_open(&c);
    pktan_text_report_begin(c.file, "PktAn Handshake RTT", NULL);
    pktan_text_report_end(c.file);
    pktan_text_report_begin(c.file, "T", "tcp.port in {80,443}");
    expected = g_strdup_printf("%s\nPktAn Handshake RTT\nFilter: <No Filter>\n%s\n%s\n"
                               "%s\nT\nFilter: tcp.port in {80,443}\n%s\n",
                               rule_eq, rule_dash, rule_eq, rule_eq, rule_dash);
    g_assert_cmpstr(capture_close(&c), ==, expected);
    g_free(expected);
    capture_free(&c);
}

/* ---- times ------------------------------------------------------------------ */

static void test_time_format(void)
{
    char buf[PKTAN_TIME_STRLEN];

    g_assert_cmpstr(pktan_format_seconds(0, buf), ==, "0.000000000");
    g_assert_cmpstr(pktan_format_seconds(30512345, buf), ==, "0.030512345");
    g_assert_cmpstr(pktan_format_seconds(G_GINT64_CONSTANT(1700000000123456789), buf), ==,
                    "1700000000.123456789");
    g_assert_cmpstr(pktan_format_seconds(-1000000001, buf), ==, "-1.000000001");
    g_assert_cmpstr(pktan_format_seconds(G_MININT64, buf), ==, "-9223372036.854775808");
    g_assert_cmpstr(pktan_format_ms(30512345, buf), ==, "30.512");
    g_assert_cmpstr(pktan_format_ms(30512500, buf), ==, "30.513");
    g_assert_cmpstr(pktan_format_ms(499, buf), ==, "0.000");
    g_assert_cmpstr(pktan_format_ms(500, buf), ==, "0.001");
    g_assert_cmpstr(pktan_format_ms(-2500000, buf), ==, "-2.500");
    g_assert_cmpstr(pktan_format_ms(-400, buf), ==, "0.000");
}

/* ---- JSON ------------------------------------------------------------------- */

/* Drops whitespace outside string literals: the indentation is
 * json_dumper's choice, the content is ours. */
static char *squeeze_json(const char *text)
{
    GString *out = g_string_new(NULL);
    gboolean in_string = FALSE;

    for (const char *p = text; *p; p++) {
        if (in_string) {
            g_string_append_c(out, *p);
            if (*p == '\\' && p[1])
                g_string_append_c(out, *++p);
            else if (*p == '"')
                in_string = FALSE;
        } else if (!g_ascii_isspace(*p)) {
            in_string = *p == '"';
            g_string_append_c(out, *p);
        }
    }
    return g_string_free(out, FALSE);
}

static void test_json_envelope(void)
{
    capture_stream c;
    json_dumper json;
    char *expected, *actual;

    capture_open(&c);
    pktan_json_begin_report(&json, c.file, "rtt", "4.0.17", NULL);
    pktan_json_member_uint(&json, "handshakes", 3);
    pktan_json_member_int(&json, "delta", -2);
    pktan_json_member_seconds(&json, "irtt", 30512000);
    pktan_json_member_bool(&json, "ok", TRUE);
    pktan_json_member_string(&json, "icmp", NULL);
    pktan_json_member_string(&json, "name", "a b");
    json_dumper_set_member_name(&json, "servers");
    json_dumper_begin_array(&json);
    json_dumper_end_array(&json);
    g_assert_true(pktan_json_end_report(&json));
    expected = g_strdup_printf("{\"report\":\"rtt\",\"pktan_version\":\"%s\","
                               "\"wireshark_version\":\"4.0.17\",\"filter\":null,"
                               "\"handshakes\":3,\"delta\":-2,\"irtt\":0.030512000,"
                               "\"ok\":true,\"icmp\":null,\"name\":\"a b\",\"servers\":[]}",
                               PKTAN_VERSION);
    actual = squeeze_json(capture_close(&c));
    g_assert_cmpstr(actual, ==, expected);
    g_assert_cmpint(c.data[c.size - 1], ==, '\n');
    g_free(actual);
    g_free(expected);
    capture_free(&c);
}

static void test_json_escaping(void)
{
    capture_stream c;
    json_dumper json;
    const char *text;

    capture_open(&c);
    pktan_json_begin_report(&json, c.file, "dests", "4.0.17", "http.host == \"a\\b\"\n");
    pktan_json_member_string(&json, "ctl", "tab\there\x01");
    g_assert_true(pktan_json_end_report(&json));
    text = capture_close(&c);
    g_assert_nonnull(strstr(text, "\"filter\": \"http.host == \\\"a\\\\b\\\"\\n\""));
    g_assert_nonnull(strstr(text, "\"ctl\": \"tab\\there\\u0001\""));
    capture_free(&c);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/csv/quoting", test_csv_quoting);
    g_test_add_func("/csv/typed_and_short_rows", test_csv_typed_and_short_rows);
    g_test_add_func("/csv/empty_table", test_csv_empty_table);
    g_test_add_func("/text/alignment", test_text_alignment);
    g_test_add_func("/text/limit_and_empty", test_text_limit_and_empty);
    g_test_add_func("/text/utf8_width", test_text_utf8_width);
    g_test_add_func("/text/frame", test_text_frame);
    g_test_add_func("/time/format", test_time_format);
    g_test_add_func("/json/envelope", test_json_envelope);
    g_test_add_func("/json/escaping", test_json_escaping);
    return g_test_run();
}
