#include "unexpected_report.h"

#include "csv_writer.h"
#include "flow_key.h"
#include "json_writer.h"
#include "text_table.h"
#include "unexpected_table.h"

static const char *transport_name(guint8 transport, const pktan_namer *n, char *buf, gsize size)
{
    if (transport == 0)
        return "-"; /* not IP */
    g_strlcpy(buf, n->transport(transport, n->ctx), size);
    for (char *c = buf; *c; c++)
        *c = g_ascii_tolower(*c);
    return buf;
}

static const char *protocol_name(const pktan_namer *n, int id, gboolean long_name)
{
    const char *name = id >= 0 ? n->protocol(id, long_name, n->ctx) : NULL;

    return name ? name : "?";
}

/* "tpkt:cotp:rdp" */
static char *chain_text(const pktan_chain *chain, const pktan_namer *n)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < chain->len; i++) {
        if (i)
            g_string_append_c(s, ':');
        g_string_append(s, protocol_name(n, chain->layers[i], FALSE));
    }
    return g_string_free(s, FALSE);
}

static const pktan_chain *nth_chain(const pktan_unexpected *u, const pktan_protocol_row *p,
                                    guint i)
{
    return pktan_unexpected_chain(u, g_array_index(p->chains, guint16, i));
}

static char *chains_text(const pktan_unexpected *u, const pktan_protocol_row *p,
                         const pktan_namer *n, const char *sep)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < p->chains->len; i++) {
        char *chain = chain_text(nth_chain(u, p, i), n);

        g_string_append_printf(s, "%s%s", i ? sep : "", chain);
        g_free(chain);
    }
    return g_string_free(s, FALSE);
}

static const char *policy_line(const pktan_policy *policy, char *buf, gsize size)
{
    const pktan_allowlist *list = pktan_policy_allowlist(policy);

    g_snprintf(buf, size, "%u rule%s from %s; baseline %s", list->rules->len,
               list->rules->len == 1 ? "" : "s", list->source,
               pktan_policy_baseline(policy) ? "allowed" : "off");
    return buf;
}

/* ---- text ------------------------------------------------------------------- */

static void add_protocol_rows(const pktan_unexpected *u, const pktan_unexpected_table *t,
                              const pktan_namer *n, pktan_text_table *table)
{
    for (guint i = 0; i < t->protocols->len; i++) {
        const pktan_protocol_row *p = g_ptr_array_index(t->protocols, i);
        char convs[24], packets[24], bytes[24], frame[12], first[PKTAN_TIME_STRLEN],
            last[PKTAN_TIME_STRLEN];
        char *chains = chains_text(u, p, n, ", ");
        const char *cells[] = {protocol_name(n, p->protocol, FALSE), convs, packets, bytes, frame,
                               pktan_format_seconds_short(p->first_time, first),
                               pktan_format_seconds_short(p->last_time, last), chains};

        g_snprintf(convs, sizeof convs, "%" G_GUINT64_FORMAT, p->conversations);
        g_snprintf(packets, sizeof packets, "%" G_GUINT64_FORMAT, p->packets);
        g_snprintf(bytes, sizeof bytes, "%" G_GUINT64_FORMAT, p->bytes);
        g_snprintf(frame, sizeof frame, "%u", p->first_frame);
        pktan_text_table_add_row(table, cells);
        g_free(chains);
    }
}

/* Text rows past top= are only counted: formatting every endpoint of a big
 * capture would cost more than reading it. */
static gboolean room_for(pktan_text_table *table, guint top, guint *rows, guint64 rest)
{
    if (top == 0 || *rows < top) {
        (*rows)++;
        return TRUE;
    }
    pktan_text_table_add_omitted(table, rest);
    return FALSE;
}

static void add_endpoint_rows(const pktan_unexpected_table *t, const pktan_namer *n, guint top,
                              pktan_text_table *table)
{
    guint rows = 0;

    for (guint i = 0; i < t->protocols->len; i++) {
        const pktan_protocol_row *p = g_ptr_array_index(t->protocols, i);

        for (guint e = 0; e < p->endpoints->len && room_for(table, top, &rows,
                                                             p->endpoints->len - e); e++) {
            const pktan_endpoint_row *r = g_ptr_array_index(p->endpoints, e);
            char client[PKTAN_ADDR_STRLEN], server[PKTAN_ENDPOINT_STRLEN], transport[16];
            char convs[24], packets[24], bytes[24];
            const char *cells[] = {protocol_name(n, p->protocol, FALSE),
                                   transport_name(r->key.transport, n, transport, sizeof transport),
                                   pktan_addr_to_str(&r->key.client, client),
                                   pktan_endpoint_to_str(&r->key.server, r->key.server_port, server),
                                   convs, packets, bytes};

            g_snprintf(convs, sizeof convs, "%" G_GUINT64_FORMAT, r->conversations);
            g_snprintf(packets, sizeof packets, "%" G_GUINT64_FORMAT, r->packets);
            g_snprintf(bytes, sizeof bytes, "%" G_GUINT64_FORMAT, r->bytes);
            pktan_text_table_add_row(table, cells);
        }
    }
}

static void add_unidentified_rows(const pktan_unexpected_table *t, const pktan_namer *n,
                                  guint top, pktan_text_table *table)
{
    guint rows = 0;

    for (guint i = 0; i < t->unidentified->len && room_for(table, top, &rows,
                                                           t->unidentified->len - i); i++) {
        const pktan_unidentified_row *r = g_ptr_array_index(t->unidentified, i);
        char transport[16], port[8], convs[24], packets[24], bytes[24];
        const char *cells[] = {transport_name(r->transport, n, transport, sizeof transport), port,
                               convs, packets, bytes};

        g_snprintf(port, sizeof port, "%u", r->server_port);
        g_snprintf(convs, sizeof convs, "%" G_GUINT64_FORMAT, r->conversations);
        g_snprintf(packets, sizeof packets, "%" G_GUINT64_FORMAT, r->packets);
        g_snprintf(bytes, sizeof bytes, "%" G_GUINT64_FORMAT, r->bytes);
        pktan_text_table_add_row(table, cells);
    }
}

static void write_text(const pktan_unexpected *u, const pktan_unexpected_table *t,
                       const pktan_report_context *ctx)
{
    static const pktan_text_column protocol_columns[] = {
        {"Protocol", PKTAN_ALIGN_LEFT},      {"Conversations", PKTAN_ALIGN_RIGHT},
        {"Packets", PKTAN_ALIGN_RIGHT},      {"Bytes", PKTAN_ALIGN_RIGHT},
        {"First frame", PKTAN_ALIGN_RIGHT},  {"First (s)", PKTAN_ALIGN_RIGHT},
        {"Last (s)", PKTAN_ALIGN_RIGHT},     {"Seen as", PKTAN_ALIGN_LEFT},
    };
    static const pktan_text_column endpoint_columns[] = {
        {"Protocol", PKTAN_ALIGN_LEFT},      {"Transport", PKTAN_ALIGN_LEFT},
        {"Client", PKTAN_ALIGN_LEFT},        {"Server", PKTAN_ALIGN_LEFT},
        {"Conversations", PKTAN_ALIGN_RIGHT}, {"Packets", PKTAN_ALIGN_RIGHT},
        {"Bytes", PKTAN_ALIGN_RIGHT},
    };
    static const pktan_text_column unidentified_columns[] = {
        {"Transport", PKTAN_ALIGN_LEFT},     {"Server port", PKTAN_ALIGN_RIGHT},
        {"Conversations", PKTAN_ALIGN_RIGHT}, {"Packets", PKTAN_ALIGN_RIGHT},
        {"Bytes", PKTAN_ALIGN_RIGHT},
    };
    const pktan_args *args = ctx->args;
    char policy[512];
    pktan_text_table *protocols = pktan_text_table_new(
        "Protocols the allowlist does not allow", G_N_ELEMENTS(protocol_columns),
        protocol_columns, args->top);
    pktan_text_table *endpoints = pktan_text_table_new(
        "Their conversations (client, server)", G_N_ELEMENTS(endpoint_columns), endpoint_columns,
        args->top);
    pktan_text_table *unidentified = pktan_text_table_new(
        "Unidentified payload (no dissector recognised it)", G_N_ELEMENTS(unidentified_columns),
        unidentified_columns, args->top);

    add_protocol_rows(u, t, ctx->namer, protocols);
    add_endpoint_rows(t, ctx->namer, args->top, endpoints);
    add_unidentified_rows(t, ctx->namer, args->top, unidentified);
    pktan_text_report_begin(ctx->out, "PktAn Unexpected Protocols", args->filter);
    fprintf(ctx->out, "Allowlist: %s\n", policy_line(pktan_unexpected_policy(u), policy, sizeof policy));
    fprintf(ctx->out, "%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " conversations break it "
            "(%u protocol%s); %" G_GUINT64_FORMAT " with unidentified payload\n\n", t->flagged, t->conversations,
            t->protocols->len, t->protocols->len == 1 ? "" : "s", t->unidentified_conversations);
    pktan_text_table_write(protocols, ctx->out);
    fputc('\n', ctx->out);
    pktan_text_table_write(endpoints, ctx->out);
    fputc('\n', ctx->out);
    pktan_text_table_write(unidentified, ctx->out);
    pktan_text_report_end(ctx->out);
    pktan_text_table_free(protocols);
    pktan_text_table_free(endpoints);
    pktan_text_table_free(unidentified);
}

/* ---- CSV: one row per endpoint of a protocol, then per unidentified group --- */

static void write_csv(const pktan_unexpected *u, const pktan_unexpected_table *t,
                      const pktan_report_context *ctx)
{
    static const char *const headers[] = {
        "protocol", "name", "transport", "client", "server", "server_port", "conversations",
        "packets", "bytes", "first_frame", "first_time", "last_time", "chains"};
    const pktan_namer *n = ctx->namer;
    char addr[PKTAN_ADDR_STRLEN], transport[16];
    pktan_csv csv;

    pktan_csv_begin(&csv, ctx->out, G_N_ELEMENTS(headers), headers);
    for (guint i = 0; i < t->protocols->len; i++) {
        const pktan_protocol_row *p = g_ptr_array_index(t->protocols, i);
        char *chains = chains_text(u, p, n, " ");

        for (guint e = 0; e < p->endpoints->len; e++) {
            const pktan_endpoint_row *r = g_ptr_array_index(p->endpoints, e);

            pktan_csv_field(&csv, protocol_name(n, p->protocol, FALSE));
            pktan_csv_field(&csv, protocol_name(n, p->protocol, TRUE));
            pktan_csv_field(&csv, transport_name(r->key.transport, n, transport, sizeof transport));
            pktan_csv_field(&csv, pktan_addr_to_str(&r->key.client, addr));
            pktan_csv_field(&csv, pktan_addr_to_str(&r->key.server, addr));
            pktan_csv_field_uint(&csv, r->key.server_port);
            pktan_csv_field_uint(&csv, r->conversations);
            pktan_csv_field_uint(&csv, r->packets);
            pktan_csv_field_uint(&csv, r->bytes);
            pktan_csv_field_uint(&csv, p->first_frame);
            pktan_csv_field_seconds(&csv, p->first_time);
            pktan_csv_field_seconds(&csv, p->last_time);
            pktan_csv_field(&csv, chains);
            pktan_csv_end_row(&csv);
        }
        g_free(chains);
    }
    for (guint i = 0; i < t->unidentified->len; i++) {
        const pktan_unidentified_row *r = g_ptr_array_index(t->unidentified, i);

        pktan_csv_field(&csv, "data");
        pktan_csv_field(&csv, "unidentified");
        pktan_csv_field(&csv, transport_name(r->transport, n, transport, sizeof transport));
        pktan_csv_field(&csv, NULL);
        pktan_csv_field(&csv, NULL);
        pktan_csv_field_uint(&csv, r->server_port);
        pktan_csv_field_uint(&csv, r->conversations);
        pktan_csv_field_uint(&csv, r->packets);
        pktan_csv_field_uint(&csv, r->bytes);
        for (int f = 0; f < 4; f++)
            pktan_csv_field(&csv, NULL);
        pktan_csv_end_row(&csv);
    }
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_allowlist(json_dumper *json, const pktan_policy *policy)
{
    const pktan_allowlist *list = pktan_policy_allowlist(policy);

    json_dumper_set_member_name(json, "allowlist");
    json_dumper_begin_object(json);
    pktan_json_member_string(json, "source", list->source);
    pktan_json_member_bool(json, "baseline", pktan_policy_baseline(policy));
    json_dumper_set_member_name(json, "rules");
    json_dumper_begin_array(json);
    for (guint i = 0; i < list->rules->len; i++) {
        const pktan_allow_rule *rule = g_ptr_array_index(list->rules, i);
        char *text = pktan_allow_rule_to_str(rule);

        json_dumper_begin_object(json);
        pktan_json_member_string(json, "rule", text);
        pktan_json_member_string(json, "protocol", rule->protocol);
        pktan_json_member_string(json, "comment", rule->comment);
        json_dumper_end_object(json);
        g_free(text);
    }
    json_dumper_end_array(json);
    json_dumper_end_object(json);
}

static void json_protocol(json_dumper *json, const pktan_unexpected *u,
                          const pktan_protocol_row *p, const pktan_namer *n)
{
    char addr[PKTAN_ADDR_STRLEN], transport[16];

    json_dumper_begin_object(json);
    pktan_json_member_string(json, "protocol", protocol_name(n, p->protocol, FALSE));
    pktan_json_member_string(json, "name", protocol_name(n, p->protocol, TRUE));
    pktan_json_member_uint(json, "conversations", p->conversations);
    pktan_json_member_uint(json, "packets", p->packets);
    pktan_json_member_uint(json, "bytes", p->bytes);
    pktan_json_member_uint(json, "first_frame", p->first_frame);
    pktan_json_member_seconds(json, "first_time", p->first_time);
    pktan_json_member_seconds(json, "last_time", p->last_time);
    json_dumper_set_member_name(json, "chains");
    json_dumper_begin_array(json);
    for (guint i = 0; i < p->chains->len; i++) {
        char *chain = chain_text(nth_chain(u, p, i), n);

        json_dumper_value_string(json, chain);
        g_free(chain);
    }
    json_dumper_end_array(json);
    json_dumper_set_member_name(json, "endpoints");
    json_dumper_begin_array(json);
    for (guint e = 0; e < p->endpoints->len; e++) {
        const pktan_endpoint_row *r = g_ptr_array_index(p->endpoints, e);

        json_dumper_begin_object(json);
        pktan_json_member_string(json, "transport",
                                 transport_name(r->key.transport, n, transport, sizeof transport));
        pktan_json_member_string(json, "client", pktan_addr_to_str(&r->key.client, addr));
        pktan_json_member_string(json, "server", pktan_addr_to_str(&r->key.server, addr));
        pktan_json_member_uint(json, "server_port", r->key.server_port);
        pktan_json_member_uint(json, "conversations", r->conversations);
        pktan_json_member_uint(json, "packets", r->packets);
        pktan_json_member_uint(json, "bytes", r->bytes);
        json_dumper_end_object(json);
    }
    json_dumper_end_array(json);
    json_dumper_end_object(json);
}

static void write_json(const pktan_unexpected *u, const pktan_unexpected_table *t,
                       const pktan_report_context *ctx)
{
    json_dumper json;
    char transport[16];

    pktan_json_begin_report(&json, ctx->out, "unexpected", ctx->wireshark_version,
                            ctx->args->filter);
    json_allowlist(&json, pktan_unexpected_policy(u));
    json_dumper_set_member_name(&json, "summary");
    json_dumper_begin_object(&json);
    pktan_json_member_uint(&json, "conversations", t->conversations);
    pktan_json_member_uint(&json, "packets", t->packets);
    pktan_json_member_uint(&json, "flagged_conversations", t->flagged);
    json_dumper_end_object(&json);
    json_dumper_set_member_name(&json, "protocols");
    json_dumper_begin_array(&json);
    for (guint i = 0; i < t->protocols->len; i++)
        json_protocol(&json, u, g_ptr_array_index(t->protocols, i), ctx->namer);
    json_dumper_end_array(&json);
    json_dumper_set_member_name(&json, "unidentified");
    json_dumper_begin_array(&json);
    for (guint i = 0; i < t->unidentified->len; i++) {
        const pktan_unidentified_row *r = g_ptr_array_index(t->unidentified, i);

        json_dumper_begin_object(&json);
        pktan_json_member_string(&json, "transport",
                                 transport_name(r->transport, ctx->namer, transport, sizeof transport));
        pktan_json_member_uint(&json, "server_port", r->server_port);
        pktan_json_member_uint(&json, "conversations", r->conversations);
        pktan_json_member_uint(&json, "packets", r->packets);
        pktan_json_member_uint(&json, "bytes", r->bytes);
        json_dumper_end_object(&json);
    }
    json_dumper_end_array(&json);
    pktan_json_end_report(&json);
}

void pktan_unexpected_report_write(const pktan_unexpected *u, const pktan_report_context *ctx)
{
    pktan_unexpected_table *t = pktan_unexpected_table_build(u);

    if (ctx->args->format == PKTAN_FORMAT_CSV)
        write_csv(u, t, ctx);
    else if (ctx->args->format == PKTAN_FORMAT_JSON)
        write_json(u, t, ctx);
    else
        write_text(u, t, ctx);
    pktan_unexpected_table_free(t);
}
