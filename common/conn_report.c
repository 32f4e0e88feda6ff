#include "conn_report.h"

#include <string.h>

#include "conn_verdict.h"
#include "csv_writer.h"
#include "first_n.h"
#include "flow_key.h"
#include "json_writer.h"
#include "record_map.h"
#include "text_table.h"

/* ---- the numbers ------------------------------------------------------------ */

typedef struct {
    guint attempts;
    guint outcomes[PKTAN_OUTCOME_COUNT];
    pktan_record_map *destination_map;
    GPtrArray *destinations; /* of pktan_destination *, most failures first */
    pktan_first_n *first_failed; /* of pktan_attempt, while the attempts are counted */
    guint failed_count;
    GArray *failed;          /* of pktan_attempt, by first frame: the top= first, or all */
} conn_table;

static void count_attempt(const pktan_attempt *a, void *user)
{
    conn_table *t = user;
    pktan_destination_key key;
    pktan_destination *d;
    gboolean created;

    t->attempts++;
    t->outcomes[a->outcome]++;
    memset(&key, 0, sizeof key);
    key.server = a->server;
    key.transport = a->transport;
    key.port = a->server_port;
    d = pktan_record_map_get(t->destination_map, &key, &created);
    if (created) {
        pktan_destination_init(d, a);
        g_ptr_array_add(t->destinations, d);
    }
    pktan_destination_add(d, a);
    if (pktan_outcome_failed(a->outcome))
        pktan_first_n_offer(t->first_failed, a);
}

static gint most_failures_first(gconstpointer pa, gconstpointer pb)
{
    const pktan_destination *a = *(const pktan_destination *const *)pa;
    const pktan_destination *b = *(const pktan_destination *const *)pb;
    guint fa = pktan_destination_failures(a), fb = pktan_destination_failures(b);

    if (fa != fb)
        return (fa < fb) - (fa > fb);
    if (a->attempts != b->attempts)
        return (a->attempts < b->attempts) - (a->attempts > b->attempts);
    return memcmp(&a->key, &b->key, sizeof a->key);
}

static gint by_first_frame(gconstpointer pa, gconstpointer pb, gpointer unused)
{
    const pktan_attempt *a = pa, *b = pb;

    (void)unused;
    if (a->first_frame != b->first_frame)
        return (a->first_frame > b->first_frame) - (a->first_frame < b->first_frame);
    return (a->transport > b->transport) - (a->transport < b->transport);
}

/* failed_rows: how many failed attempts the report lists (0: all). */
static void build(const pktan_conn *conn, guint failed_rows, conn_table *t)
{
    memset(t, 0, sizeof *t);
    t->destination_map = pktan_record_map_new(sizeof(pktan_destination_key), sizeof(pktan_destination));
    t->destinations = g_ptr_array_new();
    t->first_failed = pktan_first_n_new(sizeof(pktan_attempt), failed_rows, by_first_frame, NULL);
    pktan_conn_foreach_attempt(conn, count_attempt, t);
    g_ptr_array_sort(t->destinations, most_failures_first);
    t->failed_count = pktan_first_n_offered(t->first_failed);
    t->failed = pktan_first_n_finish(t->first_failed);
    t->first_failed = NULL;
}

static void release(conn_table *t)
{
    g_array_free(t->failed, TRUE);
    g_ptr_array_free(t->destinations, TRUE);
    pktan_record_map_free(t->destination_map);
}

static const char *transport_name(guint8 transport)
{
    return transport == PKTAN_IPPROTO_TCP ? "tcp" : "udp";
}

/* ---- text ---------------------------------------------------------------------- */

static void add_destination_rows(const conn_table *t, const pktan_report_context *ctx,
                                 pktan_text_table *table)
{
    const pktan_namer *n = ctx->namer;
    guint kept = pktan_text_table_rows_kept(table, t->destinations->len);

    for (guint i = 0; i < kept; i++) {
        const pktan_destination *d = g_ptr_array_index(t->destinations, i);
        char addr[PKTAN_ADDR_STRLEN], port[8], attempts[12], failed[12];
        const char *service = n->service(d->key.transport, d->key.port, n->ctx);
        char *verdict = pktan_destination_verdict(d);
        const char *cells[] = {pktan_addr_to_str(&d->key.server, addr), port,
                               transport_name(d->key.transport), service ? service : "",
                               attempts, failed, verdict};

        g_snprintf(port, sizeof port, "%u", d->key.port);
        g_snprintf(attempts, sizeof attempts, "%u", d->attempts);
        g_snprintf(failed, sizeof failed, "%u", pktan_destination_failures(d));
        pktan_text_table_add_row(table, cells);
        g_free(verdict);
    }
}

static void add_failed_rows(const conn_table *t, pktan_text_table *table)
{
    guint kept = pktan_text_table_rows_kept(table, t->failed_count);

    for (guint i = 0; i < kept; i++) {
        const pktan_attempt *a = &g_array_index(t->failed, pktan_attempt, i);
        char stream[12], client[PKTAN_ENDPOINT_STRLEN], server[PKTAN_ENDPOINT_STRLEN];
        char syns[8], first[12], decisive[12], detail[160];
        const char *cells[] = {stream, transport_name(a->transport), client, server,
                               pktan_outcome_name(a->outcome), syns, first, decisive,
                               pktan_attempt_detail(a, detail, sizeof detail)};

        if (a->stream == PKTAN_STREAM_UNKNOWN)
            g_strlcpy(stream, "-", sizeof stream);
        else
            g_snprintf(stream, sizeof stream, "%u", a->stream);
        pktan_endpoint_to_str(&a->client, a->client_port, client);
        pktan_endpoint_to_str(&a->server, a->server_port, server);
        g_snprintf(syns, sizeof syns, "%u", a->syn_count);
        g_snprintf(first, sizeof first, "%u", a->first_frame);
        g_snprintf(decisive, sizeof decisive, "%u", a->decisive_frame);
        pktan_text_table_add_row(table, cells);
    }
}

static void write_text(const conn_table *t, const pktan_report_context *ctx)
{
    static const pktan_text_column outcome_columns[] = {
        {"Outcome", PKTAN_ALIGN_LEFT}, {"Attempts", PKTAN_ALIGN_RIGHT}, {"Share", PKTAN_ALIGN_RIGHT},
    };
    static const pktan_text_column destination_columns[] = {
        {"Destination", PKTAN_ALIGN_LEFT}, {"Port", PKTAN_ALIGN_RIGHT},
        {"Transport", PKTAN_ALIGN_LEFT},   {"Service", PKTAN_ALIGN_LEFT},
        {"Attempts", PKTAN_ALIGN_RIGHT},   {"Failed", PKTAN_ALIGN_RIGHT},
        {"Verdict", PKTAN_ALIGN_LEFT},
    };
    static const pktan_text_column failed_columns[] = {
        {"Stream", PKTAN_ALIGN_RIGHT},      {"Transport", PKTAN_ALIGN_LEFT},
        {"Client", PKTAN_ALIGN_LEFT},       {"Server", PKTAN_ALIGN_LEFT},
        {"Outcome", PKTAN_ALIGN_LEFT},      {"SYNs", PKTAN_ALIGN_RIGHT},
        {"First frame", PKTAN_ALIGN_RIGHT}, {"Decisive frame", PKTAN_ALIGN_RIGHT},
        {"Detail", PKTAN_ALIGN_LEFT},
    };
    const pktan_args *args = ctx->args;
    pktan_text_table *outcomes = pktan_text_table_new("Outcomes", G_N_ELEMENTS(outcome_columns),
                                                      outcome_columns, 0);
    pktan_text_table *destinations = pktan_text_table_new(
        "Destinations (most failures first)", G_N_ELEMENTS(destination_columns), destination_columns,
        args->top);
    pktan_text_table *failed = pktan_text_table_new("Failed attempts (frame numbers)",
                                                    G_N_ELEMENTS(failed_columns), failed_columns,
                                                    args->top);

    for (int o = 0; o < PKTAN_OUTCOME_COUNT; o++) {
        char count[12], share[16];
        const char *cells[] = {pktan_outcome_name((pktan_outcome)o), count, share};
        g_snprintf(count, sizeof count, "%u", t->outcomes[o]);
        g_snprintf(share, sizeof share, "%.1f%%",
                   t->attempts ? 100.0 * t->outcomes[o] / t->attempts : 0.0);
        pktan_text_table_add_row(outcomes, cells);
    }
    add_destination_rows(t, ctx, destinations);
    add_failed_rows(t, failed);

    pktan_text_report_begin(ctx->out, "PktAn Connection Outcomes", args->filter);
    fprintf(ctx->out, "%u connection attempts (TCP handshakes and UDP flows) to %u destinations, "
            "%u failed\n\n", t->attempts, t->destinations->len, t->failed_count);
    pktan_text_table_write(outcomes, ctx->out);
    fputc('\n', ctx->out);
    pktan_text_table_write(destinations, ctx->out);
    fputc('\n', ctx->out);
    pktan_text_table_write(failed, ctx->out);
    pktan_text_report_end(ctx->out);
    pktan_text_table_free(outcomes);
    pktan_text_table_free(destinations);
    pktan_text_table_free(failed);
}

/* ---- CSV: one row per attempt --------------------------------------------------- */

static void csv_attempt(const pktan_attempt *a, void *user)
{
    pktan_csv *csv = user;
    char addr[PKTAN_ADDR_STRLEN];

    if (a->stream == PKTAN_STREAM_UNKNOWN)
        pktan_csv_field(csv, NULL);
    else
        pktan_csv_field_uint(csv, a->stream);
    pktan_csv_field(csv, transport_name(a->transport));
    pktan_csv_field(csv, pktan_addr_to_str(&a->client, addr));
    pktan_csv_field_uint(csv, a->client_port);
    pktan_csv_field(csv, pktan_addr_to_str(&a->server, addr));
    pktan_csv_field_uint(csv, a->server_port);
    pktan_csv_field(csv, pktan_outcome_name(a->outcome));
    pktan_csv_field_uint(csv, a->syn_count);
    pktan_csv_field_uint(csv, a->first_frame);
    pktan_csv_field_uint(csv, a->decisive_frame);
    if (a->has_icmp) {
        pktan_csv_field_uint(csv, a->icmp_type);
        pktan_csv_field_uint(csv, a->icmp_code);
        pktan_csv_field(csv, pktan_addr_to_str(&a->icmp_from, addr));
    } else {
        pktan_csv_field(csv, NULL);
        pktan_csv_field(csv, NULL);
        pktan_csv_field(csv, NULL);
    }
    pktan_csv_end_row(csv);
}

static void write_csv(const pktan_conn *conn, const pktan_report_context *ctx)
{
    static const char *const headers[] = {
        "stream", "transport", "client", "client_port", "server", "server_port", "outcome",
        "syn_count", "first_frame", "decisive_frame", "icmp_type", "icmp_code", "icmp_from"};
    pktan_csv csv;

    pktan_csv_begin(&csv, ctx->out, G_N_ELEMENTS(headers), headers);
    pktan_conn_foreach_attempt(conn, csv_attempt, &csv);
}

/* ---- JSON ------------------------------------------------------------------------ */

static void json_attempt(const pktan_attempt *a, void *user)
{
    json_dumper *json = user;
    char addr[PKTAN_ADDR_STRLEN];

    json_dumper_begin_object(json);
    if (a->stream == PKTAN_STREAM_UNKNOWN)
        pktan_json_member_string(json, "stream", NULL); /* the error's attempt was not captured */
    else
        pktan_json_member_uint(json, "stream", a->stream);
    pktan_json_member_string(json, "transport", transport_name(a->transport));
    pktan_json_member_string(json, "client", pktan_addr_to_str(&a->client, addr));
    pktan_json_member_uint(json, "client_port", a->client_port);
    pktan_json_member_string(json, "server", pktan_addr_to_str(&a->server, addr));
    pktan_json_member_uint(json, "server_port", a->server_port);
    pktan_json_member_string(json, "outcome", pktan_outcome_name(a->outcome));
    pktan_json_member_uint(json, "syn_count", a->syn_count);
    pktan_json_member_uint(json, "first_frame", a->first_frame);
    pktan_json_member_uint(json, "decisive_frame", a->decisive_frame);
    json_dumper_set_member_name(json, "icmp");
    if (a->has_icmp) {
        json_dumper_begin_object(json);
        pktan_json_member_uint(json, "type", a->icmp_type);
        pktan_json_member_uint(json, "code", a->icmp_code);
        pktan_json_member_string(json, "from", pktan_addr_to_str(&a->icmp_from, addr));
        pktan_json_member_uint(json, "count", a->icmp_count);
        json_dumper_end_object(json);
    } else {
        json_dumper_value_anyf(json, "null");
    }
    json_dumper_end_object(json);
}

static void json_destination(json_dumper *json, const pktan_destination *d, const pktan_namer *n)
{
    char addr[PKTAN_ADDR_STRLEN];
    char *verdict = pktan_destination_verdict(d);

    json_dumper_begin_object(json);
    pktan_json_member_string(json, "address", pktan_addr_to_str(&d->key.server, addr));
    pktan_json_member_uint(json, "port", d->key.port);
    pktan_json_member_string(json, "transport", transport_name(d->key.transport));
    pktan_json_member_string(json, "service", n->service(d->key.transport, d->key.port, n->ctx));
    pktan_json_member_uint(json, "attempts", d->attempts);
    pktan_json_member_uint(json, "failed", pktan_destination_failures(d));
    json_dumper_set_member_name(json, "outcomes");
    json_dumper_begin_object(json);
    for (int o = 0; o < PKTAN_OUTCOME_COUNT; o++)
        pktan_json_member_uint(json, pktan_outcome_name((pktan_outcome)o), d->outcomes[o]);
    json_dumper_end_object(json);
    pktan_json_member_string(json, "verdict", verdict);
    json_dumper_end_object(json);
    g_free(verdict);
}

static void write_json(const pktan_conn *conn, const conn_table *t, const pktan_report_context *ctx)
{
    json_dumper json;

    pktan_json_begin_report(&json, ctx->out, "conn", ctx->wireshark_version, ctx->args->filter);
    json_dumper_set_member_name(&json, "summary");
    json_dumper_begin_object(&json);
    pktan_json_member_uint(&json, "attempts", t->attempts);
    for (int o = 0; o < PKTAN_OUTCOME_COUNT; o++)
        pktan_json_member_uint(&json, pktan_outcome_name((pktan_outcome)o), t->outcomes[o]);
    json_dumper_end_object(&json);

    json_dumper_set_member_name(&json, "destinations");
    json_dumper_begin_array(&json);
    for (guint i = 0; i < t->destinations->len; i++)
        json_destination(&json, g_ptr_array_index(t->destinations, i), ctx->namer);
    json_dumper_end_array(&json);

    json_dumper_set_member_name(&json, "attempts");
    json_dumper_begin_array(&json);
    pktan_conn_foreach_attempt(conn, json_attempt, &json);
    json_dumper_end_array(&json);
    pktan_json_end_report(&json);
}

void pktan_conn_report_write(const pktan_conn *conn, const pktan_report_context *ctx)
{
    conn_table t;

    if (ctx->args->format == PKTAN_FORMAT_CSV) {
        write_csv(conn, ctx);
        return;
    }
    build(conn, ctx->args->top, &t); /* JSON lists every attempt by itself, below */
    if (ctx->args->format == PKTAN_FORMAT_JSON)
        write_json(conn, &t, ctx);
    else
        write_text(&t, ctx);
    release(&t);
}
