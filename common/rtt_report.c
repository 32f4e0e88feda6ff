#include "rtt_report.h"

#include <string.h>

#include "csv_writer.h"
#include "first_n.h"
#include "flow_key.h"
#include "json_writer.h"
#include "record_map.h"
#include "text_table.h"
#include "time_stats.h"

/* ---- the numbers ---------------------------------------------------------- */

typedef struct {
    pktan_addr addr;
    guint8 reserved; /* keeps the key free of padding holes */
    guint16 port;
} server_key;

_Static_assert(sizeof(server_key) == 17 + 1 + 2, "server_key must have no padding");

typedef struct {
    server_key key;
    GArray *irtts;   /* of pktan_ns */
    pktan_time_stats irtt;
} server_row;

/* What the slowest-first order compares, side by side: comparing through
 * the handshake pointers touched two scattered records per comparison. */
typedef struct {
    pktan_ns irtt;
    guint32 stream;
    const pktan_handshake *handshake;
} slow_entry;

typedef struct {
    guint complete;        /* handshakes that completed */
    GArray *slowest;       /* of slow_entry, slowest first: text's top=, or all */
    guint incomplete;
    guint midstream;
    pktan_time_stats irtt, syn_synack, synack_ack;
    pktan_record_map *server_map;
    GPtrArray *servers;    /* of server_row *, in report order */
} rtt_table;

static gint slowest_first(gconstpointer pa, gconstpointer pb, gpointer unused)
{
    const slow_entry *a = pa, *b = pb;

    (void)unused;
    if (a->irtt != b->irtt)
        return (a->irtt < b->irtt) - (a->irtt > b->irtt);
    return (a->stream > b->stream) - (a->stream < b->stream);
}

static gint servers_in_order(gconstpointer pa, gconstpointer pb, gpointer sort)
{
    const server_row *a = *(const server_row *const *)pa;
    const server_row *b = *(const server_row *const *)pb;

    if (GPOINTER_TO_INT(sort) == PKTAN_SORT_MEDIAN && a->irtt.median != b->irtt.median)
        return (a->irtt.median < b->irtt.median) - (a->irtt.median > b->irtt.median);
    if (a->irtt.count != b->irtt.count)
        return (a->irtt.count < b->irtt.count) - (a->irtt.count > b->irtt.count);
    return memcmp(&a->key, &b->key, sizeof a->key);
}

/* The three phases of every complete handshake, side by side: one pass
 * over the handshakes fills them (at 250 000 connections each further pass
 * read 25 MB of records again). */
typedef struct {
    pktan_ns *irtt, *syn_synack, *synack_ack;
    guint count;
} phase_values;

static void phase_values_init(phase_values *v, guint capacity)
{
    capacity = MAX(capacity, 1);
    v->irtt = g_new(pktan_ns, capacity);
    v->syn_synack = g_new(pktan_ns, capacity);
    v->synack_ack = g_new(pktan_ns, capacity);
    v->count = 0;
}

/* Returns the handshake's iRTT. */
static pktan_ns phase_values_add(phase_values *v, const pktan_handshake *h)
{
    pktan_ns irtt = pktan_handshake_irtt(h);

    v->irtt[v->count] = irtt;
    v->syn_synack[v->count] = pktan_handshake_syn_synack(h);
    v->synack_ack[v->count] = pktan_handshake_synack_ack(h);
    v->count++;
    return irtt;
}

/* Summarises the values (sorting them) and frees them. */
static void phase_values_finish(phase_values *v, rtt_table *t)
{
    t->complete = v->count;
    pktan_time_stats_compute(v->irtt, v->count, &t->irtt);
    pktan_time_stats_compute(v->syn_synack, v->count, &t->syn_synack);
    pktan_time_stats_compute(v->synack_ack, v->count, &t->synack_ack);
    g_free(v->irtt);
    g_free(v->syn_synack);
    g_free(v->synack_ack);
}

/* slowest: how many slowest handshakes are printed (0: all). */
static void build(const pktan_handshakes *hs, pktan_sort sort, guint slowest, rtt_table *t)
{
    pktan_first_n *slow = pktan_first_n_new(sizeof(slow_entry), slowest, slowest_first, NULL);
    phase_values phases;

    memset(t, 0, sizeof *t);
    t->server_map = pktan_record_map_new(sizeof(server_key), sizeof(server_row));
    t->servers = g_ptr_array_new();
    phase_values_init(&phases, pktan_handshakes_count(hs));

    for (guint i = 0; i < pktan_handshakes_count(hs); i++) {
        const pktan_handshake *h = pktan_handshakes_nth(hs, i);
        server_key key;
        server_row *row;
        gboolean created;
        pktan_ns irtt;

        if (h->state == PKTAN_HS_MIDSTREAM) {
            t->midstream++;
            continue;
        }
        if (h->state != PKTAN_HS_COMPLETE) {
            t->incomplete++;
            continue;
        }
        irtt = phase_values_add(&phases, h);
        pktan_first_n_offer(slow, &(slow_entry){irtt, h->stream, h});
        memset(&key, 0, sizeof key);
        key.addr = h->server;
        key.port = h->server_port;
        row = pktan_record_map_get(t->server_map, &key, &created);
        if (created) {
            row->irtts = g_array_new(FALSE, FALSE, sizeof(pktan_ns));
            g_ptr_array_add(t->servers, row);
        }
        g_array_append_val(row->irtts, irtt);
    }
    for (guint i = 0; i < t->servers->len; i++) {
        server_row *row = g_ptr_array_index(t->servers, i);
        pktan_time_stats_compute((pktan_ns *)(void *)row->irtts->data, row->irtts->len, &row->irtt);
    }
    g_ptr_array_sort_with_data(t->servers, servers_in_order, GINT_TO_POINTER(sort));
    phase_values_finish(&phases, t);
    t->slowest = pktan_first_n_finish(slow);
}

static void release(rtt_table *t)
{
    for (guint i = 0; i < t->servers->len; i++)
        g_array_free(((server_row *)g_ptr_array_index(t->servers, i))->irtts, TRUE);
    g_ptr_array_free(t->servers, TRUE);
    pktan_record_map_free(t->server_map);
    g_array_free(t->slowest, TRUE);
}

/* Where the capture was taken, from the handshake halves: a client sends
 * its ACK right after the SYN/ACK reaches it, a server its SYN/ACK right
 * after the SYN does. */
static const char *capture_point(const rtt_table *t)
{
    if (t->irtt.count == 0)
        return NULL;
    if (t->synack_ack.median * 10 <= t->irtt.median)
        return "near the clients: SYN/ACK to ACK is a small part of the handshake, "
               "so the times are the full network round trip";
    if (t->syn_synack.median * 10 <= t->irtt.median)
        return "near the servers: SYN to SYN/ACK is a small part of the handshake, "
               "so the round trip is mostly between server and client after the SYN/ACK";
    return "between clients and servers: both halves of the handshake take network time";
}

/* ---- text ------------------------------------------------------------------- */

static const char *ms(pktan_ns ns, char *buf)
{
    return pktan_format_ms(ns, buf);
}

static void add_stats_row(pktan_text_table *t, const char *what, const pktan_time_stats *s)
{
    char b[5][PKTAN_TIME_STRLEN];
    const char *cells[] = {what, ms(s->min, b[0]), ms(s->median, b[1]), ms(s->p95, b[2]),
                           ms(s->max, b[3]), ms(s->mean, b[4])};
    pktan_text_table_add_row(t, cells);
}

static void write_text(const rtt_table *t, const pktan_report_context *ctx)
{
    static const pktan_text_column summary_columns[] = {
        {"Handshake (ms)", PKTAN_ALIGN_LEFT}, {"Min", PKTAN_ALIGN_RIGHT},
        {"Median", PKTAN_ALIGN_RIGHT},        {"P95", PKTAN_ALIGN_RIGHT},
        {"Max", PKTAN_ALIGN_RIGHT},           {"Mean", PKTAN_ALIGN_RIGHT},
    };
    static const pktan_text_column server_columns[] = {
        {"Server", PKTAN_ALIGN_LEFT},        {"Port", PKTAN_ALIGN_RIGHT},
        {"Service", PKTAN_ALIGN_LEFT},       {"Handshakes", PKTAN_ALIGN_RIGHT},
        {"Min (ms)", PKTAN_ALIGN_RIGHT},     {"Median", PKTAN_ALIGN_RIGHT},
        {"P95", PKTAN_ALIGN_RIGHT},          {"Max", PKTAN_ALIGN_RIGHT},
        {"Mean", PKTAN_ALIGN_RIGHT},
    };
    static const pktan_text_column slow_columns[] = {
        {"Stream", PKTAN_ALIGN_RIGHT},       {"Client", PKTAN_ALIGN_LEFT},
        {"Server", PKTAN_ALIGN_LEFT},        {"SYN", PKTAN_ALIGN_RIGHT},
        {"SYN/ACK", PKTAN_ALIGN_RIGHT},      {"ACK", PKTAN_ALIGN_RIGHT},
        {"SYN retx", PKTAN_ALIGN_RIGHT},     {"iRTT (ms)", PKTAN_ALIGN_RIGHT},
        {"SYN>SYN/ACK", PKTAN_ALIGN_RIGHT},  {"SYN/ACK>ACK", PKTAN_ALIGN_RIGHT},
        {"Connect", PKTAN_ALIGN_RIGHT},
    };
    const pktan_args *a = ctx->args;
    const pktan_namer *n = ctx->namer;
    pktan_text_table *summary = pktan_text_table_new("Handshake times", G_N_ELEMENTS(summary_columns),
                                                     summary_columns, 0);
    pktan_text_table *servers = pktan_text_table_new("Per server", G_N_ELEMENTS(server_columns),
                                                     server_columns, a->top);
    pktan_text_table *slow = pktan_text_table_new("Slowest handshakes (frame numbers)",
                                                  G_N_ELEMENTS(slow_columns), slow_columns, a->top);
    const char *where = capture_point(t);
    guint kept;

    add_stats_row(summary, "iRTT (SYN to ACK)", &t->irtt);
    add_stats_row(summary, "SYN to SYN/ACK", &t->syn_synack);
    add_stats_row(summary, "SYN/ACK to ACK", &t->synack_ack);

    kept = pktan_text_table_rows_kept(servers, t->servers->len);
    for (guint i = 0; i < kept; i++) {
        const server_row *r = g_ptr_array_index(t->servers, i);
        char addr[PKTAN_ADDR_STRLEN], port[8], count[16], b[5][PKTAN_TIME_STRLEN];
        const char *service = n->service(PKTAN_IPPROTO_TCP, r->key.port, n->ctx);
        const char *cells[] = {pktan_addr_to_str(&r->key.addr, addr), port, service ? service : "",
                               count, ms(r->irtt.min, b[0]), ms(r->irtt.median, b[1]),
                               ms(r->irtt.p95, b[2]), ms(r->irtt.max, b[3]), ms(r->irtt.mean, b[4])};
        g_snprintf(port, sizeof port, "%u", r->key.port);
        g_snprintf(count, sizeof count, "%u", r->irtt.count);
        pktan_text_table_add_row(servers, cells);
    }
    kept = pktan_text_table_rows_kept(slow, t->complete);
    for (guint i = 0; i < kept; i++) {
        const pktan_handshake *h = g_array_index(t->slowest, slow_entry, i).handshake;
        char stream[12], client[PKTAN_ENDPOINT_STRLEN], server[PKTAN_ENDPOINT_STRLEN];
        char f[3][12], retx[8];
        char b[4][PKTAN_TIME_STRLEN];
        const char *cells[] = {stream, client, server, f[0], f[1], f[2], retx,
                               ms(pktan_handshake_irtt(h), b[0]),
                               ms(pktan_handshake_syn_synack(h), b[1]),
                               ms(pktan_handshake_synack_ack(h), b[2]),
                               ms(pktan_handshake_connect_time(h), b[3])};
        g_snprintf(stream, sizeof stream, "%u", h->stream);
        pktan_endpoint_to_str(&h->client, h->client_port, client);
        pktan_endpoint_to_str(&h->server, h->server_port, server);
        g_snprintf(f[0], sizeof f[0], "%u", h->syn_frame);
        g_snprintf(f[1], sizeof f[1], "%u", h->synack_frame);
        g_snprintf(f[2], sizeof f[2], "%u", h->ack_frame);
        g_snprintf(retx, sizeof retx, "%u", h->syn_count - 1u);
        pktan_text_table_add_row(slow, cells);
    }

    pktan_text_report_begin(ctx->out, "PktAn Handshake RTT", a->filter);
    fprintf(ctx->out, "%u handshakes, %u incomplete (SYN seen, no final ACK), "
            "%u without a handshake in the capture\n",
            t->complete, t->incomplete, t->midstream);
    if (where)
        fprintf(ctx->out, "Capture point: %s\n", where);
    fputc('\n', ctx->out);
    pktan_text_table_write(summary, ctx->out);
    fputc('\n', ctx->out);
    pktan_text_table_write(servers, ctx->out);
    fputc('\n', ctx->out);
    pktan_text_table_write(slow, ctx->out);
    pktan_text_report_end(ctx->out);
    pktan_text_table_free(summary);
    pktan_text_table_free(servers);
    pktan_text_table_free(slow);
}

/* ---- CSV: one row per handshake ---------------------------------------------- */

static void write_csv(const rtt_table *t, const pktan_report_context *ctx)
{
    static const char *const headers[] = {
        "stream", "client", "client_port", "server", "server_port", "first_syn_frame", "syn_frame",
        "synack_frame", "ack_frame", "syn_retransmissions", "syn_synack", "synack_ack",
        "irtt", "connect_time"};
    pktan_csv csv;

    pktan_csv_begin(&csv, ctx->out, G_N_ELEMENTS(headers), headers);
    for (guint i = 0; i < t->slowest->len; i++) {
        const pktan_handshake *h = g_array_index(t->slowest, slow_entry, i).handshake;
        char addr[PKTAN_ADDR_STRLEN];

        pktan_csv_field_uint(&csv, h->stream);
        pktan_csv_field(&csv, pktan_addr_to_str(&h->client, addr));
        pktan_csv_field_uint(&csv, h->client_port);
        pktan_csv_field(&csv, pktan_addr_to_str(&h->server, addr));
        pktan_csv_field_uint(&csv, h->server_port);
        pktan_csv_field_uint(&csv, h->first_syn_frame);
        pktan_csv_field_uint(&csv, h->syn_frame);
        pktan_csv_field_uint(&csv, h->synack_frame);
        pktan_csv_field_uint(&csv, h->ack_frame);
        pktan_csv_field_uint(&csv, h->syn_count - 1u);
        pktan_csv_field_seconds(&csv, pktan_handshake_syn_synack(h));
        pktan_csv_field_seconds(&csv, pktan_handshake_synack_ack(h));
        pktan_csv_field_seconds(&csv, pktan_handshake_irtt(h));
        pktan_csv_field_seconds(&csv, pktan_handshake_connect_time(h));
        pktan_csv_end_row(&csv);
    }
}

/* ---- JSON ------------------------------------------------------------------- */

static void json_stats(json_dumper *json, const char *key, const pktan_time_stats *s)
{
    json_dumper_set_member_name(json, key);
    json_dumper_begin_object(json);
    pktan_json_member_seconds(json, "min", s->min);
    pktan_json_member_seconds(json, "median", s->median);
    pktan_json_member_seconds(json, "p95", s->p95);
    pktan_json_member_seconds(json, "max", s->max);
    pktan_json_member_seconds(json, "mean", s->mean);
    json_dumper_end_object(json);
}

static void write_json(const rtt_table *t, const pktan_report_context *ctx)
{
    const pktan_namer *n = ctx->namer;
    const char *where = capture_point(t);
    char addr[PKTAN_ADDR_STRLEN];
    json_dumper json;

    pktan_json_begin_report(&json, ctx->out, "rtt", ctx->wireshark_version, ctx->args->filter);
    json_dumper_set_member_name(&json, "summary");
    json_dumper_begin_object(&json);
    pktan_json_member_uint(&json, "handshakes", t->complete);
    pktan_json_member_uint(&json, "incomplete", t->incomplete);
    pktan_json_member_uint(&json, "midstream", t->midstream);
    json_stats(&json, "irtt", &t->irtt);
    json_stats(&json, "syn_synack", &t->syn_synack);
    json_stats(&json, "synack_ack", &t->synack_ack);
    pktan_json_member_string(&json, "capture_point", where);
    json_dumper_end_object(&json);

    json_dumper_set_member_name(&json, "servers");
    json_dumper_begin_array(&json);
    for (guint i = 0; i < t->servers->len; i++) {
        const server_row *r = g_ptr_array_index(t->servers, i);
        json_dumper_begin_object(&json);
        pktan_json_member_string(&json, "address", pktan_addr_to_str(&r->key.addr, addr));
        pktan_json_member_uint(&json, "port", r->key.port);
        pktan_json_member_string(&json, "service", n->service(PKTAN_IPPROTO_TCP, r->key.port, n->ctx));
        pktan_json_member_uint(&json, "handshakes", r->irtt.count);
        json_stats(&json, "irtt", &r->irtt);
        json_dumper_end_object(&json);
    }
    json_dumper_end_array(&json);

    json_dumper_set_member_name(&json, "connections");
    json_dumper_begin_array(&json);
    for (guint i = 0; i < t->slowest->len; i++) {
        const pktan_handshake *h = g_array_index(t->slowest, slow_entry, i).handshake;
        json_dumper_begin_object(&json);
        pktan_json_member_uint(&json, "stream", h->stream);
        pktan_json_member_string(&json, "client", pktan_addr_to_str(&h->client, addr));
        pktan_json_member_uint(&json, "client_port", h->client_port);
        pktan_json_member_string(&json, "server", pktan_addr_to_str(&h->server, addr));
        pktan_json_member_uint(&json, "server_port", h->server_port);
        pktan_json_member_uint(&json, "first_syn_frame", h->first_syn_frame);
        pktan_json_member_uint(&json, "syn_frame", h->syn_frame);
        pktan_json_member_uint(&json, "synack_frame", h->synack_frame);
        pktan_json_member_uint(&json, "ack_frame", h->ack_frame);
        pktan_json_member_uint(&json, "syn_retransmissions", h->syn_count - 1u);
        pktan_json_member_seconds(&json, "syn_synack", pktan_handshake_syn_synack(h));
        pktan_json_member_seconds(&json, "synack_ack", pktan_handshake_synack_ack(h));
        pktan_json_member_seconds(&json, "irtt", pktan_handshake_irtt(h));
        pktan_json_member_seconds(&json, "connect_time", pktan_handshake_connect_time(h));
        json_dumper_end_object(&json);
    }
    json_dumper_end_array(&json);
    pktan_json_end_report(&json);
}

void pktan_rtt_report_write(const pktan_handshakes *hs, const pktan_report_context *ctx)
{
    rtt_table t;

    /* Only text stops at top=; CSV and JSON list every handshake. */
    build(hs, ctx->args->sort, ctx->args->format == PKTAN_FORMAT_TEXT ? ctx->args->top : 0, &t);
    switch (ctx->args->format) {
    case PKTAN_FORMAT_CSV:
        write_csv(&t, ctx);
        break;
    case PKTAN_FORMAT_JSON:
        write_json(&t, ctx);
        break;
    default:
        write_text(&t, ctx);
        break;
    }
    release(&t);
}
