/* The -z pktan,REPORT[,OPTION=VALUE]...[,DISPLAY FILTER] argument (spec.md).
 *
 * A token of the form name=value (lower-case name, one '=') is an option;
 * a Wireshark display filter never has that form, since a lone '=' is not
 * filter syntax. The first token that is not an option starts the display
 * filter, which runs to the end of the argument, commas included. */
#ifndef PKTAN_REPORT_ARGS_H
#define PKTAN_REPORT_ARGS_H

#include <glib.h>
#include "addr.h"

typedef enum {
    PKTAN_REPORT_RTT,
    PKTAN_REPORT_CONN,
    PKTAN_REPORT_UNEXPECTED,
    PKTAN_REPORT_DESTS,
    PKTAN_REPORT_COUNT
} pktan_report_kind;

typedef enum { PKTAN_FORMAT_TEXT, PKTAN_FORMAT_CSV, PKTAN_FORMAT_JSON } pktan_format;
typedef enum { PKTAN_VIEW_PACKETS, PKTAN_VIEW_SERVERS } pktan_dests_view;
typedef enum {
    PKTAN_SORT_DEFAULT,
    PKTAN_SORT_PACKETS, /* dests */
    PKTAN_SORT_BYTES,   /* dests */
    PKTAN_SORT_COUNT,   /* rtt: handshakes per server */
    PKTAN_SORT_MEDIAN,  /* rtt: median iRTT per server */
} pktan_sort;

#define PKTAN_DEFAULT_TOP 20

typedef struct {
    pktan_report_kind report;
    pktan_format format;
    char *out_path;        /* NULL: standard output */
    guint32 top;           /* rows per text table; 0: no limit */
    gboolean has_host;
    pktan_addr host;       /* dests: only packets sent by this address */
    pktan_dests_view view;
    char *allowlist_path;  /* unexpected: overrides the preference */
    pktan_sort sort;
    char *filter;          /* display filter; NULL when none */
} pktan_args;

/* The "-z" prefix every report argument starts with. */
#define PKTAN_CLI_PREFIX "pktan"

/* Parses a whole -z argument ("pktan,rtt,format=json,tcp"). On failure
 * returns FALSE, leaves args cleared, and sets *error to one line naming
 * the bad part (free with g_free). */
gboolean pktan_args_parse(const char *arg, pktan_args *args, char **error);

/* Frees what pktan_args_parse allocated; args may be reused afterwards. */
void pktan_args_clear(pktan_args *args);

/* "rtt", "conn", "unexpected", "dests". */
const char *pktan_report_name(pktan_report_kind report);

/* "pktan,rtt" etc.: the -z prefix of one report. */
const char *pktan_report_cli(pktan_report_kind report);

#endif
