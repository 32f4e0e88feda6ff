#include "dests_report.h"

#include <stdio.h>

#include "csv_writer.h"
#include "json_writer.h"
#include "text_table.h"

/* Names and numbers of one row, as text, for every format. */
typedef struct {
    char address[PKTAN_ADDR_STRLEN];
    const char *transport; /* NULL on a destination's total row */
    char port[8];
    const char *service;
    char share[16];
} row_text;

static double share_of(guint64 part, guint64 whole)
{
    return whole ? (double)part / (double)whole : 0.0;
}

static void describe(const pktan_dest_row *row, gboolean is_total, guint64 total_packets,
                     const pktan_report_context *ctx, row_text *t)
{
    const pktan_namer *n = ctx->namer;

    pktan_addr_to_str(&row->key.addr, t->address);
    t->transport = is_total ? NULL : n->transport(row->key.ip_proto, n->ctx);
    g_snprintf(t->port, sizeof t->port, "%u", row->key.port);
    t->service = !is_total && row->key.has_port
                     ? n->service(row->key.ip_proto, row->key.port, n->ctx) : NULL;
    g_snprintf(t->share, sizeof t->share, "%.2f%%",
               100.0 * share_of(row->packets, total_packets));
}

static char *title(const pktan_report_context *ctx)
{
    const pktan_args *a = ctx->args;
    char host[PKTAN_ADDR_STRLEN];

    return g_strdup_printf("PktAn Destinations and Ports (view=%s%s%s)",
                           a->view == PKTAN_VIEW_SERVERS ? "servers" : "packets",
                           a->has_host ? ", host=" : "",
                           a->has_host ? pktan_addr_to_str(&a->host, host) : "");
}

/* ---- text ----------------------------------------------------------------- */

static const pktan_text_column text_columns[] = {
    {"Destination", PKTAN_ALIGN_LEFT},
    {"Transport", PKTAN_ALIGN_LEFT},
    {"Port", PKTAN_ALIGN_RIGHT},
    {"Service", PKTAN_ALIGN_LEFT},
    {"Packets", PKTAN_ALIGN_RIGHT},
    {"Bytes", PKTAN_ALIGN_RIGHT},
    {"Share", PKTAN_ALIGN_RIGHT},
    {"First (s)", PKTAN_ALIGN_RIGHT},
    {"Last (s)", PKTAN_ALIGN_RIGHT},
    {"Conversations", PKTAN_ALIGN_RIGHT}, /* servers view only */
};

static void add_text_row(pktan_text_table *table, const pktan_dest_row *row, gboolean is_total,
                         guint64 total_packets, gboolean servers,
                         const pktan_report_context *ctx)
{
    row_text t;
    char packets[24], bytes[24], conversations[24];
    char first[PKTAN_TIME_STRLEN], last[PKTAN_TIME_STRLEN];

    describe(row, is_total, total_packets, ctx, &t);
    g_snprintf(packets, sizeof packets, "%" G_GUINT64_FORMAT, row->packets);
    g_snprintf(bytes, sizeof bytes, "%" G_GUINT64_FORMAT, row->bytes);
    g_snprintf(conversations, sizeof conversations, "%" G_GUINT64_FORMAT, row->conversations);
    {
        const char *cells[G_N_ELEMENTS(text_columns)] = {
            is_total ? t.address : "",
            is_total ? "" : t.transport,
            is_total || !row->key.has_port ? "" : t.port,
            is_total ? "" : (t.service ? t.service : ""),
            packets, bytes, t.share,
            pktan_format_seconds_short(row->first, first),
            pktan_format_seconds_short(row->last, last),
            servers ? conversations : NULL,
        };
        pktan_text_table_add_row(table, cells);
    }
}

/* "+N more" in the Transport column, under a destination's shown ports. */
static void add_more_row(pktan_text_table *table, guint more, guint ncolumns)
{
    const char *cells[G_N_ELEMENTS(text_columns)] = {NULL};
    char text[32];

    g_snprintf(text, sizeof text, "+%u more", more);
    for (guint c = 0; c < ncolumns; c++)
        cells[c] = "";
    cells[1] = text;
    pktan_text_table_add_row(table, cells);
}

static void write_text(const pktan_dests_table *table, const pktan_report_context *ctx)
{
    const pktan_args *a = ctx->args;
    gboolean servers = a->view == PKTAN_VIEW_SERVERS;
    guint ncolumns = G_N_ELEMENTS(text_columns) - (servers ? 0 : 1);
    guint shown = a->top && a->top < table->groups->len ? a->top : table->groups->len;
    pktan_text_table *t = pktan_text_table_new(NULL, ncolumns, text_columns, 0);
    char *heading = title(ctx);

    /* top=N bounds the destinations and the ports shown under each. */
    for (guint i = 0; i < shown; i++) {
        const pktan_dest_group *g = g_ptr_array_index(table->groups, i);
        guint ports = a->top && a->top < g->ports->len ? a->top : g->ports->len;

        add_text_row(t, &g->total, TRUE, table->packets, servers, ctx);
        for (guint p = 0; p < ports; p++)
            add_text_row(t, g_ptr_array_index(g->ports, p), FALSE, table->packets, servers, ctx);
        if (ports < g->ports->len)
            add_more_row(t, g->ports->len - ports, ncolumns);
    }
    pktan_text_report_begin(ctx->out, heading, a->filter);
    fprintf(ctx->out, "%u destination%s, %" G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT
            " bytes\n\n", table->groups->len, table->groups->len == 1 ? "" : "s",
            table->packets, table->bytes);
    pktan_text_table_write(t, ctx->out);
    if (shown < table->groups->len)
        fprintf(ctx->out, "... %u more destinations not shown (top=0 shows all)\n",
                table->groups->len - shown);
    pktan_text_report_end(ctx->out);
    pktan_text_table_free(t);
    g_free(heading);
}

/* ---- CSV: one row per destination port -------------------------------------- */

static void write_csv(const pktan_dests_table *table, const pktan_report_context *ctx)
{
    static const char *const headers[] = {"address", "transport", "port", "service",
                                          "packets", "bytes", "share", "first_time",
                                          "last_time", "conversations"};
    gboolean servers = ctx->args->view == PKTAN_VIEW_SERVERS;
    pktan_csv csv;

    pktan_csv_begin(&csv, ctx->out, G_N_ELEMENTS(headers) - (servers ? 0 : 1), headers);
    for (guint i = 0; i < table->groups->len; i++) {
        const pktan_dest_group *g = g_ptr_array_index(table->groups, i);
        for (guint p = 0; p < g->ports->len; p++) {
            const pktan_dest_row *row = g_ptr_array_index(g->ports, p);
            row_text t;
            char share[24];

            describe(row, FALSE, table->packets, ctx, &t);
            g_snprintf(share, sizeof share, "%.6f", share_of(row->packets, table->packets));
            pktan_csv_field(&csv, t.address);
            pktan_csv_field(&csv, t.transport);
            pktan_csv_field_uint(&csv, row->key.port);
            pktan_csv_field(&csv, t.service);
            pktan_csv_field_uint(&csv, row->packets);
            pktan_csv_field_uint(&csv, row->bytes);
            pktan_csv_field(&csv, share);
            pktan_csv_field_seconds(&csv, row->first);
            pktan_csv_field_seconds(&csv, row->last);
            if (servers)
                pktan_csv_field_uint(&csv, row->conversations);
            pktan_csv_end_row(&csv);
        }
    }
}

/* ---- JSON ----------------------------------------------------------------- */

static void json_counts(json_dumper *json, const pktan_dest_row *row, guint64 total_packets,
                        gboolean servers)
{
    pktan_json_member_uint(json, "packets", row->packets);
    pktan_json_member_uint(json, "bytes", row->bytes);
    json_dumper_set_member_name(json, "share");
    json_dumper_value_anyf(json, "%.6f", share_of(row->packets, total_packets));
    pktan_json_member_seconds(json, "first_time", row->first);
    pktan_json_member_seconds(json, "last_time", row->last);
    if (servers)
        pktan_json_member_uint(json, "conversations", row->conversations);
}

static void write_json(const pktan_dests_table *table, const pktan_report_context *ctx)
{
    const pktan_args *a = ctx->args;
    gboolean servers = a->view == PKTAN_VIEW_SERVERS;
    char host[PKTAN_ADDR_STRLEN];
    json_dumper json;

    pktan_json_begin_report(&json, ctx->out, "dests", ctx->wireshark_version, a->filter);
    pktan_json_member_string(&json, "view", servers ? "servers" : "packets");
    pktan_json_member_string(&json, "host", a->has_host ? pktan_addr_to_str(&a->host, host) : NULL);
    pktan_json_member_uint(&json, "packets", table->packets);
    pktan_json_member_uint(&json, "bytes", table->bytes);
    json_dumper_set_member_name(&json, "destinations");
    json_dumper_begin_array(&json);
    for (guint i = 0; i < table->groups->len; i++) {
        const pktan_dest_group *g = g_ptr_array_index(table->groups, i);
        row_text t;

        describe(&g->total, TRUE, table->packets, ctx, &t);
        json_dumper_begin_object(&json);
        pktan_json_member_string(&json, "address", t.address);
        json_counts(&json, &g->total, table->packets, servers);
        json_dumper_set_member_name(&json, "ports");
        json_dumper_begin_array(&json);
        for (guint p = 0; p < g->ports->len; p++) {
            const pktan_dest_row *row = g_ptr_array_index(g->ports, p);
            describe(row, FALSE, table->packets, ctx, &t);
            json_dumper_begin_object(&json);
            pktan_json_member_string(&json, "transport", t.transport);
            pktan_json_member_uint(&json, "port", row->key.port);
            pktan_json_member_string(&json, "service", t.service);
            json_counts(&json, row, table->packets, servers);
            json_dumper_end_object(&json);
        }
        json_dumper_end_array(&json);
        json_dumper_end_object(&json);
    }
    json_dumper_end_array(&json);
    pktan_json_end_report(&json);
}

void pktan_dests_report_write(pktan_dests *dests, const pktan_report_context *ctx)
{
    /* Only text stops at top=; CSV and JSON list every port. */
    pktan_dests_table *table = pktan_dests_table_build(
        dests, ctx->args->sort, ctx->args->format == PKTAN_FORMAT_TEXT ? ctx->args->top : 0);

    switch (ctx->args->format) {
    case PKTAN_FORMAT_CSV:
        write_csv(table, ctx);
        break;
    case PKTAN_FORMAT_JSON:
        write_json(table, ctx);
        break;
    default:
        write_text(table, ctx);
        break;
    }
    pktan_dests_table_free(table);
}
