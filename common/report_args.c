#include "report_args.h"

#include <string.h>
#include <wsutil/strtoi.h>

static const char *const report_names[PKTAN_REPORT_COUNT] = {
    [PKTAN_REPORT_RTT] = "rtt",
    [PKTAN_REPORT_CONN] = "conn",
    [PKTAN_REPORT_UNEXPECTED] = "unexpected",
    [PKTAN_REPORT_DESTS] = "dests",
};

static const char *const report_clis[PKTAN_REPORT_COUNT] = {
    [PKTAN_REPORT_RTT] = PKTAN_CLI_PREFIX ",rtt",
    [PKTAN_REPORT_CONN] = PKTAN_CLI_PREFIX ",conn",
    [PKTAN_REPORT_UNEXPECTED] = PKTAN_CLI_PREFIX ",unexpected",
    [PKTAN_REPORT_DESTS] = PKTAN_CLI_PREFIX ",dests",
};

const char *pktan_report_name(pktan_report_kind report)
{
    return report < PKTAN_REPORT_COUNT ? report_names[report] : "?";
}

const char *pktan_report_cli(pktan_report_kind report)
{
    return report < PKTAN_REPORT_COUNT ? report_clis[report] : "?";
}

/* ---- option values ---------------------------------------------------- */

typedef struct {
    const char *word;
    int value;
} choice;

/* Finds value among choices (a NULL word ends them). On failure *why says
 * which words were expected. */
static gboolean parse_choice(const char *value, const choice *choices,
                             int *out, char **why)
{
    GString *expected = g_string_new("expected ");

    for (const choice *c = choices; c->word; c++) {
        if (strcmp(value, c->word) == 0) {
            *out = c->value;
            g_string_free(expected, TRUE);
            return TRUE;
        }
    }
    for (const choice *c = choices; c->word; c++) {
        if (c != choices)
            g_string_append(expected, c[1].word ? ", " : " or ");
        g_string_append(expected, c->word);
    }
    *why = g_string_free(expected, FALSE);
    return FALSE;
}

static gboolean parse_format(const char *value, pktan_args *args, char **why)
{
    static const choice formats[] = {
        {"text", PKTAN_FORMAT_TEXT}, {"csv", PKTAN_FORMAT_CSV},
        {"json", PKTAN_FORMAT_JSON}, {NULL, 0},
    };
    int v;
    if (!parse_choice(value, formats, &v, why))
        return FALSE;
    args->format = (pktan_format)v;
    return TRUE;
}

static gboolean parse_out(const char *value, pktan_args *args, char **why)
{
    if (*value == '\0') {
        *why = g_strdup("expected a file path");
        return FALSE;
    }
    args->out_path = g_strdup(value);
    return TRUE;
}

static gboolean parse_top(const char *value, pktan_args *args, char **why)
{
    guint32 top;
    if (!ws_strtou32(value, NULL, &top)) {
        *why = g_strdup("expected a whole number of rows (0 for all)");
        return FALSE;
    }
    args->top = top;
    return TRUE;
}

static gboolean parse_host(const char *value, pktan_args *args, char **why)
{
    if (!pktan_addr_parse(value, &args->host)) {
        *why = g_strdup("expected an IPv4 or IPv6 address");
        return FALSE;
    }
    args->has_host = TRUE;
    return TRUE;
}

static gboolean parse_view(const char *value, pktan_args *args, char **why)
{
    static const choice views[] = {
        {"packets", PKTAN_VIEW_PACKETS}, {"servers", PKTAN_VIEW_SERVERS},
        {NULL, 0},
    };
    int v;
    if (!parse_choice(value, views, &v, why))
        return FALSE;
    args->view = (pktan_dests_view)v;
    return TRUE;
}

static gboolean parse_allowlist(const char *value, pktan_args *args, char **why)
{
    if (*value == '\0') {
        *why = g_strdup("expected a file path");
        return FALSE;
    }
    args->allowlist_path = g_strdup(value);
    return TRUE;
}

static gboolean parse_sort(const char *value, pktan_args *args, char **why)
{
    static const choice rtt_sorts[] = {
        {"count", PKTAN_SORT_COUNT}, {"median", PKTAN_SORT_MEDIAN}, {NULL, 0},
    };
    static const choice dests_sorts[] = {
        {"packets", PKTAN_SORT_PACKETS}, {"bytes", PKTAN_SORT_BYTES}, {NULL, 0},
    };
    int v;
    if (!parse_choice(value, args->report == PKTAN_REPORT_RTT ? rtt_sorts : dests_sorts,
                      &v, why))
        return FALSE;
    args->sort = (pktan_sort)v;
    return TRUE;
}

/* ---- option table ----------------------------------------------------- */

#define FOR(report) (1u << (report))
#define FOR_ALL ((1u << PKTAN_REPORT_COUNT) - 1)

typedef struct {
    const char *name;
    guint reports; /* FOR() bits of the reports that take it */
    gboolean (*parse)(const char *value, pktan_args *args, char **why);
} option_def;

static const option_def options[] = {
    {"format", FOR_ALL, parse_format},
    {"out", FOR_ALL, parse_out},
    {"top", FOR_ALL, parse_top},
    {"host", FOR(PKTAN_REPORT_DESTS), parse_host},
    {"view", FOR(PKTAN_REPORT_DESTS), parse_view},
    {"allowlist", FOR(PKTAN_REPORT_UNEXPECTED), parse_allowlist},
    {"sort", FOR(PKTAN_REPORT_RTT) | FOR(PKTAN_REPORT_DESTS), parse_sort},
};

static const option_def *find_option(const char *name, gsize name_len)
{
    for (gsize i = 0; i < G_N_ELEMENTS(options); i++) {
        if (strlen(options[i].name) == name_len &&
            strncmp(options[i].name, name, name_len) == 0)
            return &options[i];
    }
    return NULL;
}

static char *reports_taking(guint reports)
{
    GString *s = g_string_new(NULL);
    for (int r = 0; r < PKTAN_REPORT_COUNT; r++) {
        if (reports & FOR(r))
            g_string_append_printf(s, "%s%s", s->len ? ", " : "", report_clis[r]);
    }
    return g_string_free(s, FALSE);
}

/* ---- tokens ----------------------------------------------------------- */

/* Length of the option name if token (up to end) has the shape name=value,
 * else 0. */
static gsize option_name_len(const char *token, const char *end)
{
    const char *p = token;

    if (p >= end || !g_ascii_islower(*p))
        return 0;
    while (p < end && (g_ascii_islower(*p) || *p == '_'))
        p++;
    if (p >= end || *p != '=' || (p + 1 < end && p[1] == '='))
        return 0;
    return (gsize)(p - token);
}

static gboolean fail(char **error, const char *arg, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static gboolean fail(char **error, const char *arg, const char *fmt, ...)
{
    va_list ap;
    char *what;

    va_start(ap, fmt);
    what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    *error = g_strdup_printf("-z %s: %s", arg, what);
    g_free(what);
    return FALSE;
}

static gboolean parse_report(const char *arg, const char **rest,
                             pktan_args *args, char **error)
{
    const char *name;
    const char *end;
    static const char prefix[] = PKTAN_CLI_PREFIX ",";

    if (strncmp(arg, prefix, sizeof prefix - 1) != 0)
        return fail(error, arg, "expected pktan,REPORT (rtt, conn, unexpected or dests)");
    name = arg + sizeof prefix - 1;
    end = strchr(name, ',');
    if (end == NULL)
        end = name + strlen(name);
    for (int r = 0; r < PKTAN_REPORT_COUNT; r++) {
        if ((gsize)(end - name) == strlen(report_names[r]) &&
            strncmp(name, report_names[r], (gsize)(end - name)) == 0) {
            args->report = (pktan_report_kind)r;
            *rest = *end ? end + 1 : end;
            return TRUE;
        }
    }
    return fail(error, arg, "unknown report '%.*s' (expected rtt, conn, unexpected or dests)",
                (int)(end - name), name);
}

static gboolean parse_option(const char *arg, const char *token, gsize token_len,
                             gsize name_len, guint *seen, pktan_args *args,
                             char **error)
{
    const option_def *opt = find_option(token, name_len);
    char *value;
    char *why = NULL;
    gboolean ok;

    if (opt == NULL)
        return fail(error, arg, "unknown option '%.*s'", (int)token_len, token);
    if (!(opt->reports & FOR(args->report))) {
        char *takers = reports_taking(opt->reports);
        fail(error, arg, "option '%.*s' is not valid for %s (only for %s)",
             (int)token_len, token, report_clis[args->report], takers);
        g_free(takers);
        return FALSE;
    }
    if (*seen & (1u << (opt - options)))
        return fail(error, arg, "option '%s' given twice", opt->name);
    *seen |= 1u << (opt - options);

    value = g_strndup(token + name_len + 1, token_len - name_len - 1);
    ok = opt->parse(value, args, &why);
    g_free(value);
    if (!ok) {
        fail(error, arg, "bad value in '%.*s': %s", (int)token_len, token, why);
        g_free(why);
    }
    return ok;
}

gboolean pktan_args_parse(const char *arg, pktan_args *args, char **error)
{
    const char *p = NULL;
    guint seen = 0;

    memset(args, 0, sizeof *args);
    args->top = PKTAN_DEFAULT_TOP;
    *error = NULL;
    if (arg == NULL)
        arg = "";
    if (!parse_report(arg, &p, args, error)) {
        pktan_args_clear(args); /* the default top was already set */
        return FALSE;
    }

    while (*p) {
        const char *end = strchr(p, ',');
        gsize len = end ? (gsize)(end - p) : strlen(p);
        gsize name_len = option_name_len(p, p + len);

        if (len == 0 && end != NULL) {
            fail(error, arg, "empty item between commas");
            pktan_args_clear(args);
            return FALSE;
        }
        if (name_len == 0) {
            /* The display filter: the rest of the argument, commas included. */
            args->filter = g_strdup(p);
            break;
        }
        if (!parse_option(arg, p, len, name_len, &seen, args, error)) {
            pktan_args_clear(args);
            return FALSE;
        }
        p = end ? end + 1 : p + len;
    }
    return TRUE;
}

void pktan_args_clear(pktan_args *args)
{
    g_free(args->out_path);
    g_free(args->allowlist_path);
    g_free(args->filter);
    memset(args, 0, sizeof *args);
}
