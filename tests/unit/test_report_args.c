/* The -z pktan argument parser against spec.md's contract. */
#include <glib.h>
#include <string.h>

#include "report_args.h"

static pktan_args parse_ok(const char *arg)
{
    pktan_args args;
    char *error = NULL;
    if (!pktan_args_parse(arg, &args, &error))
        g_error("'%s' was rejected: %s", arg, error);
    g_assert_null(error);
    return args;
}

/* Returns the error line for an argument that must be rejected. */
static char *parse_bad(const char *arg)
{
    pktan_args args;
    char *error = NULL;
    if (pktan_args_parse(arg, &args, &error))
        g_error("'%s' was accepted", arg);
    g_assert_nonnull(error);
    g_assert_null(strchr(error, '\n'));
    g_assert_null(args.filter);
    g_assert_null(args.out_path);
    return error;
}

static void assert_rejected_naming(const char *arg, const char *named)
{
    char *error = parse_bad(arg);
    if (strstr(error, named) == NULL)
        g_error("error for '%s' does not name '%s': %s", arg, named, error);
    g_free(error);
}

static void test_reports(void)
{
    static const struct { const char *arg; pktan_report_kind kind; } cases[] = {
        {"pktan,rtt", PKTAN_REPORT_RTT},
        {"pktan,conn", PKTAN_REPORT_CONN},
        {"pktan,unexpected", PKTAN_REPORT_UNEXPECTED},
        {"pktan,dests", PKTAN_REPORT_DESTS},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        pktan_args args = parse_ok(cases[i].arg);
        g_assert_cmpint(args.report, ==, cases[i].kind);
        g_assert_cmpint(args.format, ==, PKTAN_FORMAT_TEXT);
        g_assert_cmpuint(args.top, ==, PKTAN_DEFAULT_TOP);
        g_assert_null(args.filter);
        g_assert_null(args.out_path);
        g_assert_cmpstr(pktan_report_cli(cases[i].kind), ==, cases[i].arg);
        pktan_args_clear(&args);
    }
}

static void test_unknown_reports(void)
{
    assert_rejected_naming("pktan,foo", "'foo'");
    /* tshark matches -z prefixes, so "rttx" reaches the rtt handler. */
    assert_rejected_naming("pktan,rttx", "'rttx'");
    assert_rejected_naming("pktan,rttx,format=json", "'rttx'");
    assert_rejected_naming("pktan,", "''");
    assert_rejected_naming("pktan", "pktan,REPORT");
    assert_rejected_naming("pktanx,rtt", "pktan,REPORT");
    assert_rejected_naming("", "pktan,REPORT");
    assert_rejected_naming("pktan,RTT", "'RTT'");
}

static void test_format(void)
{
    pktan_args a = parse_ok("pktan,rtt,format=json");
    g_assert_cmpint(a.format, ==, PKTAN_FORMAT_JSON);
    pktan_args_clear(&a);
    a = parse_ok("pktan,conn,format=csv");
    g_assert_cmpint(a.format, ==, PKTAN_FORMAT_CSV);
    pktan_args_clear(&a);
    a = parse_ok("pktan,dests,format=text");
    g_assert_cmpint(a.format, ==, PKTAN_FORMAT_TEXT);
    pktan_args_clear(&a);

    char *error = parse_bad("pktan,rtt,format=xml");
    g_assert_cmpstr(error, ==,
                    "-z pktan,rtt,format=xml: bad value in 'format=xml': "
                    "expected text, csv or json");
    g_free(error);
    assert_rejected_naming("pktan,rtt,format=", "'format='");
    assert_rejected_naming("pktan,rtt,format=JSON", "'format=JSON'");
}

static void test_out_and_top(void)
{
    pktan_args a = parse_ok("pktan,unexpected,out=/tmp/r.json,top=5,format=json");
    g_assert_cmpstr(a.out_path, ==, "/tmp/r.json");
    g_assert_cmpuint(a.top, ==, 5);
    g_assert_cmpint(a.format, ==, PKTAN_FORMAT_JSON);
    pktan_args_clear(&a);

    a = parse_ok("pktan,rtt,top=0");
    g_assert_cmpuint(a.top, ==, 0);
    pktan_args_clear(&a);

    assert_rejected_naming("pktan,rtt,out=", "'out='");
    assert_rejected_naming("pktan,rtt,top=-1", "'top=-1'");
    assert_rejected_naming("pktan,rtt,top=ten", "'top=ten'");
    assert_rejected_naming("pktan,rtt,top=5x", "'top=5x'");
    assert_rejected_naming("pktan,rtt,top=99999999999", "'top=99999999999'");
    assert_rejected_naming("pktan,rtt,top=", "'top='");
}

static void test_host_and_view(void)
{
    pktan_args a = parse_ok("pktan,dests,host=10.0.0.5,view=servers");
    char buf[PKTAN_ADDR_STRLEN];
    g_assert_true(a.has_host);
    g_assert_cmpstr(pktan_addr_to_str(&a.host, buf), ==, "10.0.0.5");
    g_assert_cmpint(a.view, ==, PKTAN_VIEW_SERVERS);
    pktan_args_clear(&a);

    a = parse_ok("pktan,dests,host=2001:db8::1,view=packets");
    g_assert_cmpint(a.host.family, ==, PKTAN_AF_IPV6);
    g_assert_cmpstr(pktan_addr_to_str(&a.host, buf), ==, "2001:db8::1");
    g_assert_cmpint(a.view, ==, PKTAN_VIEW_PACKETS);
    pktan_args_clear(&a);

    a = parse_ok("pktan,dests");
    g_assert_false(a.has_host);
    g_assert_cmpint(a.view, ==, PKTAN_VIEW_PACKETS);
    pktan_args_clear(&a);

    assert_rejected_naming("pktan,dests,host=10.0.0.256", "'host=10.0.0.256'");
    assert_rejected_naming("pktan,dests,host=example", "'host=example'");
    assert_rejected_naming("pktan,dests,view=clients", "'view=clients'");
    /* Report-specific options are refused elsewhere, naming the option. */
    assert_rejected_naming("pktan,rtt,host=10.0.0.5", "'host=10.0.0.5'");
    assert_rejected_naming("pktan,conn,view=servers", "only for pktan,dests");
}

static void test_allowlist(void)
{
    pktan_args a = parse_ok("pktan,unexpected,allowlist=/etc/pktan/web.txt");
    g_assert_cmpstr(a.allowlist_path, ==, "/etc/pktan/web.txt");
    pktan_args_clear(&a);
    assert_rejected_naming("pktan,unexpected,allowlist=", "'allowlist='");
    assert_rejected_naming("pktan,dests,allowlist=/x", "only for pktan,unexpected");
}

static void test_sort(void)
{
    pktan_args a = parse_ok("pktan,dests,sort=bytes");
    g_assert_cmpint(a.sort, ==, PKTAN_SORT_BYTES);
    pktan_args_clear(&a);
    a = parse_ok("pktan,rtt,sort=median");
    g_assert_cmpint(a.sort, ==, PKTAN_SORT_MEDIAN);
    pktan_args_clear(&a);
    /* Each report has its own sort keys. */
    assert_rejected_naming("pktan,rtt,sort=bytes", "expected count or median");
    assert_rejected_naming("pktan,dests,sort=median", "expected packets or bytes");
    assert_rejected_naming("pktan,conn,sort=packets", "'sort=packets'");
}

static void test_filters(void)
{
    pktan_args a = parse_ok("pktan,rtt,format=json,tcp.port in {80,443}");
    g_assert_cmpint(a.format, ==, PKTAN_FORMAT_JSON);
    g_assert_cmpstr(a.filter, ==, "tcp.port in {80,443}");
    pktan_args_clear(&a);

    a = parse_ok("pktan,dests,rdp");
    g_assert_cmpstr(a.filter, ==, "rdp");
    pktan_args_clear(&a);

    /* After the filter starts, option-like text belongs to the filter. */
    a = parse_ok("pktan,conn,ip.addr==10.0.0.1,format=json");
    g_assert_cmpstr(a.filter, ==, "ip.addr==10.0.0.1,format=json");
    g_assert_cmpint(a.format, ==, PKTAN_FORMAT_TEXT);
    pktan_args_clear(&a);

    /* "name==value" is a comparison, not an option. */
    a = parse_ok("pktan,rtt,tcp==1");
    g_assert_cmpstr(a.filter, ==, "tcp==1");
    pktan_args_clear(&a);

    a = parse_ok("pktan,rtt,frame contains \"a,b\"");
    g_assert_cmpstr(a.filter, ==, "frame contains \"a,b\"");
    pktan_args_clear(&a);

    /* A trailing comma leaves no filter. */
    a = parse_ok("pktan,rtt,format=csv,");
    g_assert_null(a.filter);
    pktan_args_clear(&a);
}

static void test_malformed_options(void)
{
    char *error = parse_bad("pktan,rtt,formt=json");
    g_assert_cmpstr(error, ==, "-z pktan,rtt,formt=json: unknown option 'formt=json'");
    g_free(error);
    assert_rejected_naming("pktan,rtt,format=json,format=csv", "'format' given twice");
    assert_rejected_naming("pktan,rtt,,format=json", "empty item");
    /* A failure after an accepted path option frees and clears it. */
    assert_rejected_naming("pktan,rtt,out=/tmp/x,top=no", "'top=no'");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/report_args/reports", test_reports);
    g_test_add_func("/report_args/unknown_reports", test_unknown_reports);
    g_test_add_func("/report_args/format", test_format);
    g_test_add_func("/report_args/out_and_top", test_out_and_top);
    g_test_add_func("/report_args/host_and_view", test_host_and_view);
    g_test_add_func("/report_args/allowlist", test_allowlist);
    g_test_add_func("/report_args/sort", test_sort);
    g_test_add_func("/report_args/filters", test_filters);
    g_test_add_func("/report_args/malformed_options", test_malformed_options);
    return g_test_run();
}
