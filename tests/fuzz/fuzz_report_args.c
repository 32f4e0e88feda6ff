/* Fuzz harness: the -z pktan,... argument parser (common/report_args.c).
 *
 * Beyond "no crash, no leak, no undefined behaviour" it checks the parser's
 * contract (report_args.h) on every input:
 *   - rejected: args left cleared, one error naming the argument;
 *   - accepted: every field in range, a filter is never empty, and the
 *     canonical form of what was parsed parses back to the same args. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_args.h"

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz_report_args: check failed: %s (line %d)\n",  \
                    #cond, __LINE__);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)

static const char *format_word(pktan_format f)
{
    return f == PKTAN_FORMAT_CSV ? "csv" : f == PKTAN_FORMAT_JSON ? "json" : "text";
}

static const char *sort_word(pktan_sort s)
{
    switch (s) {
    case PKTAN_SORT_PACKETS: return "packets";
    case PKTAN_SORT_BYTES: return "bytes";
    case PKTAN_SORT_COUNT: return "count";
    case PKTAN_SORT_MEDIAN: return "median";
    default: return NULL;
    }
}

/* The argument that says exactly what args says, options first. */
static char *canonical(const pktan_args *a)
{
    GString *s = g_string_new(pktan_report_cli(a->report));
    char buf[PKTAN_ADDR_STRLEN];

    if (a->format != PKTAN_FORMAT_TEXT)
        g_string_append_printf(s, ",format=%s", format_word(a->format));
    if (a->out_path)
        g_string_append_printf(s, ",out=%s", a->out_path);
    if (a->top != PKTAN_DEFAULT_TOP)
        g_string_append_printf(s, ",top=%u", a->top);
    if (a->has_host)
        g_string_append_printf(s, ",host=%s", pktan_addr_to_str(&a->host, buf));
    if (a->view == PKTAN_VIEW_SERVERS)
        g_string_append(s, ",view=servers");
    if (a->allowlist_path)
        g_string_append_printf(s, ",allowlist=%s", a->allowlist_path);
    if (a->sort != PKTAN_SORT_DEFAULT)
        g_string_append_printf(s, ",sort=%s", sort_word(a->sort));
    if (a->filter)
        g_string_append_printf(s, ",%s", a->filter);
    return g_string_free(s, FALSE);
}

static gboolean same_string(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static void check_accepted(const char *arg, const pktan_args *a)
{
    pktan_args again;
    char *error = NULL;
    char *canon;

    CHECK(a->report < PKTAN_REPORT_COUNT);
    CHECK(a->format <= PKTAN_FORMAT_JSON);
    CHECK(a->view <= PKTAN_VIEW_SERVERS);
    CHECK(a->sort <= PKTAN_SORT_MEDIAN);
    CHECK(a->filter == NULL || a->filter[0] != '\0');
    CHECK(a->out_path == NULL || (a->out_path[0] != '\0' && !strchr(a->out_path, ',')));
    CHECK(a->allowlist_path == NULL ||
          (a->allowlist_path[0] != '\0' && !strchr(a->allowlist_path, ',')));
    CHECK(!a->has_host || a->host.family == PKTAN_AF_IPV4 || a->host.family == PKTAN_AF_IPV6);
    /* Options only where the report takes them. */
    CHECK(!a->has_host || a->report == PKTAN_REPORT_DESTS);
    CHECK(a->view == PKTAN_VIEW_PACKETS || a->report == PKTAN_REPORT_DESTS);
    CHECK(!a->allowlist_path || a->report == PKTAN_REPORT_UNEXPECTED);
    if (a->sort == PKTAN_SORT_COUNT || a->sort == PKTAN_SORT_MEDIAN)
        CHECK(a->report == PKTAN_REPORT_RTT);
    if (a->sort == PKTAN_SORT_PACKETS || a->sort == PKTAN_SORT_BYTES)
        CHECK(a->report == PKTAN_REPORT_DESTS);
    /* The filter is the argument's tail. */
    if (a->filter) {
        size_t n = strlen(arg), f = strlen(a->filter);
        CHECK(f <= n && strcmp(arg + n - f, a->filter) == 0);
    }

    canon = canonical(a);
    if (!pktan_args_parse(canon, &again, &error)) {
        fprintf(stderr, "fuzz_report_args: '%s' was accepted, its canonical form '%s' "
                "was not: %s\n", arg, canon, error);
        abort();
    }
    CHECK(error == NULL);
    CHECK(again.report == a->report && again.format == a->format && again.top == a->top &&
          again.has_host == a->has_host && pktan_addr_equal(&again.host, &a->host) &&
          again.view == a->view && again.sort == a->sort &&
          same_string(again.out_path, a->out_path) &&
          same_string(again.allowlist_path, a->allowlist_path) &&
          same_string(again.filter, a->filter));
    pktan_args_clear(&again);
    g_free(canon);
}

static void check_rejected(const char *arg, const pktan_args *a, const char *error)
{
    static const pktan_args cleared;

    CHECK(error != NULL);
    CHECK(memcmp(a, &cleared, sizeof cleared) == 0);
    CHECK(g_str_has_prefix(error, "-z "));
    CHECK(strncmp(error + 3, arg, strlen(arg)) == 0);
    /* One line, unless the argument itself had a line break in it. */
    CHECK(strchr(arg, '\n') != NULL || strchr(error, '\n') == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* tshark hands the handler a C string: the input up to its first NUL. */
    char *arg = g_strndup((const char *)data, size);
    pktan_args args;
    char *error = (char *)"unset";

    if (pktan_args_parse(arg, &args, &error)) {
        CHECK(error == NULL);
        check_accepted(arg, &args);
    } else {
        check_rejected(arg, &args, error);
        g_free(error);
    }
    pktan_args_clear(&args);
    g_free(arg);
    return 0;
}
