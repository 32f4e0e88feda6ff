/* Statistics > PktAn > Connection Outcomes: Wireshark's stats-tree dialog
 * (sortable, display filter, retap) with the attempts per outcome and, per
 * destination (server address, port, transport), the attempts and their
 * outcomes, from the same tracker and feed as -z pktan,conn.
 *
 * A stats tree listens on one tap; attempts need four (ip and ipv6 for
 * ICMP errors, tcp, udp). The tree sits on the frame tap and its init
 * registers those four with the tree's own filter. An attempt's outcome can
 * change as packets arrive (unanswered, then refused), so each touched
 * attempt is classified again and moved between nodes when it changed. */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/stats_tree.h>
#include <epan/stats_tree_priv.h>
#include <epan/tap.h>
#include <epan/dissectors/packet-ip.h>

#include "compat.h"
#include "conn_feed.h"
#include "conn_verdict.h"
#include "dialogs.h"
#include "epan_glue.h"
#include "flow_key.h"
#include "record_map.h"

static const char attempts_name[] = "Connection attempts";
static const char destinations_name[] = "Destinations";

enum { TAP_IP, TAP_IPV6, TAP_TCP, TAP_UDP, TAP_COUNT };

typedef struct dialog_state dialog_state;

typedef struct {
    dialog_state *dialog;
    int tap;
    gboolean registered; /* until Wireshark frees it (its finish callback) */
} dialog_listener;

/* What the tree shows for one attempt, to move it when its outcome changes. */
typedef struct {
    guint32 stream;        /* key, with transport */
    guint8 transport;
    guint8 reserved[3];
    gint8 shown;           /* outcome counted in the tree, -1: none yet */
    pktan_attempt counted; /* as it was counted, to take it back */
} shown_attempt;

struct dialog_state {
    stats_tree *st;
    int attempts_node;
    int destinations_node;
    pktan_conn *conn;
    pktan_conn_feed feed;
    pktan_record_map *shown; /* of shown_attempt */
    GHashTable *names;       /* pktan_destination_key -> destination_node */
    dialog_listener listeners[TAP_COUNT];
};

static GHashTable *dialogs; /* stats_tree * -> dialog_state */

static guint destination_hash(gconstpointer key)
{
    return pktan_hash_bytes(key, sizeof(pktan_destination_key));
}

static gboolean destination_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(pktan_destination_key)) == 0;
}

typedef struct {
    char *name;
    int node;
} destination_node;

static void free_destination_node(gpointer p)
{
    destination_node *n = p;
    g_free(n->name);
    g_free(n);
}

/* The destination's node ("address:port/transport"), made once. */
static const destination_node *destination_of(dialog_state *d, const pktan_attempt *a)
{
    pktan_destination_key key;
    char endpoint[PKTAN_ENDPOINT_STRLEN];
    destination_node *n;

    memset(&key, 0, sizeof key);
    key.server = a->server;
    key.transport = a->transport;
    key.port = a->server_port;
    n = g_hash_table_lookup(d->names, &key);
    if (n)
        return n;
    n = g_new(destination_node, 1);
    n->name = g_strdup_printf("%s/%s", pktan_endpoint_to_str(&a->server, a->server_port, endpoint),
                              a->transport == PKTAN_IPPROTO_TCP ? "tcp" : "udp");
    n->node = stats_tree_create_node(d->st, n->name, d->destinations_node, STAT_DT_INT, TRUE);
    g_hash_table_insert(d->names, g_memdup2(&key, sizeof key), n);
    return n;
}

static void count(dialog_state *d, const pktan_attempt *a, pktan_outcome outcome, gint delta)
{
    const char *outcome_name = pktan_outcome_name(outcome);

    increase_stat_node(d->st, outcome_name, d->attempts_node, FALSE, delta);
    increase_stat_node(d->st, outcome_name, destination_of(d, a)->node, FALSE, delta);
}

/* Takes an attempt back out of the tree: a UDP flow that turned out to
 * carry a tunnel is no attempt. */
static void withdraw(dialog_state *d, shown_attempt *s)
{
    if (s->shown < 0)
        return;
    count(d, &s->counted, (pktan_outcome)s->shown, -1);
    increase_stat_node(d->st, attempts_name, 0, FALSE, -1);
    increase_stat_node(d->st, destination_of(d, &s->counted)->name, d->destinations_node, FALSE,
                       -1);
    s->shown = -1;
}

/* Classifies the attempt again and moves it if its outcome changed. */
static void update(dialog_state *d, guint8 transport, guint32 stream)
{
    shown_attempt key = {stream, transport, {0, 0, 0}, 0, {0}};
    shown_attempt *s;
    pktan_attempt a;
    gboolean created;
    gboolean known = transport == PKTAN_IPPROTO_TCP ? pktan_conn_tcp_attempt(d->conn, stream, &a)
                                                    : pktan_conn_udp_attempt(d->conn, stream, &a);

    if (!known) {
        s = pktan_record_map_lookup(d->shown, &key);
        if (s != NULL)
            withdraw(d, s);
        return;
    }
    s = pktan_record_map_get(d->shown, &key, &created);
    if (created || s->shown < 0) {
        s->shown = -1;
        tick_stat_node(d->st, attempts_name, 0, TRUE);
        tick_stat_node(d->st, destination_of(d, &a)->name, d->destinations_node, TRUE);
    }
    if (s->shown == (gint8)a.outcome)
        return;
    if (s->shown >= 0)
        count(d, &a, (pktan_outcome)s->shown, -1);
    count(d, &a, (pktan_outcome)a.outcome, 1);
    s->shown = (gint8)a.outcome;
    s->counted = a;
}

static tap_packet_status listener_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                         const void *data, tap_flags_t flags _U_)
{
    dialog_listener *l = tapdata;
    dialog_state *d = l->dialog;
    const struct tcpheader *th;
    const e_udphdr *uh;
    gboolean completed;

    switch (l->tap) {
    case TAP_IP:
    case TAP_IPV6:
        if (l->tap == TAP_IP)
            pktan_conn_feed_ip(&d->feed, pinfo, &((const ws_ip4 *)data)->ip_src,
                               &((const ws_ip4 *)data)->ip_dst, ((const ws_ip4 *)data)->ip_proto);
        else
            pktan_conn_feed_ip(&d->feed, pinfo, &((const ws_ip6 *)data)->ip6_src,
                               &((const ws_ip6 *)data)->ip6_dst, ((const ws_ip6 *)data)->ip6_nxt);
        if (d->feed.quoted_transport != 0 && d->feed.quoted_stream != PKTAN_STREAM_UNKNOWN)
            update(d, d->feed.quoted_transport, d->feed.quoted_stream);
        if (d->feed.tunnel_frame == pinfo->num)
            update(d, PKTAN_IPPROTO_UDP, d->feed.udp_stream);
        return TAP_PACKET_DONT_REDRAW;
    case TAP_TCP:
        th = data;
        pktan_conn_feed_tcp(&d->feed, pinfo, th, &completed);
        update(d, PKTAN_IPPROTO_TCP, th->th_stream);
        return TAP_PACKET_REDRAW;
    default:
        uh = data;
        pktan_conn_feed_udp(&d->feed, pinfo, uh);
        update(d, PKTAN_IPPROTO_UDP, uh->uh_stream);
        return TAP_PACKET_REDRAW;
    }
}

/* The frame tap only carries the tree; the listeners above do the work. */
static tap_packet_status dialog_packet(stats_tree *st _U_, packet_info *pinfo _U_,
                                       epan_dissect_t *edt _U_, const void *data _U_,
                                       tap_flags_t flags _U_)
{
    return TAP_PACKET_DONT_REDRAW;
}

/* Wireshark calls it when it frees the listener: on remove_tap_listener(),
 * and (4.6's tshark) when it frees every listener at exit, the stats
 * tree's own included, in whichever order. */
static void listener_finish(void *tapdata)
{
    ((dialog_listener *)tapdata)->registered = FALSE;
}

static void free_dialog(gpointer p)
{
    dialog_state *d = p;

    /* Only the listeners Wireshark has not freed yet: removing one it has
     * already freed walks a list it is tearing down. */
    for (int t = 0; t < TAP_COUNT; t++)
        if (d->listeners[t].registered)
            remove_tap_listener(&d->listeners[t]);
    pktan_conn_free(d->conn);
    pktan_record_map_free(d->shown);
    g_hash_table_destroy(d->names);
    g_free(d);
}

static void register_listeners(dialog_state *d)
{
    static const char *const taps[TAP_COUNT] = {"ip", "ipv6", "tcp", "udp"};

    for (int t = 0; t < TAP_COUNT; t++) {
        gboolean ip = t == TAP_IP || t == TAP_IPV6;
        GString *error;

        d->listeners[t] = (dialog_listener){d, t, FALSE};
        error = register_tap_listener(taps[t], &d->listeners[t], d->st->filter,
                                      ip ? TL_REQUIRES_ERROR_PACKETS : TL_REQUIRES_NOTHING, NULL,
                                      listener_packet, NULL, listener_finish);
        d->listeners[t].registered = error == NULL;
        if (error != NULL) {
            ws_warning("pktan: Connection Outcomes cannot listen on %s: %s", taps[t], error->str);
            g_string_free(error, TRUE);
        }
    }
}

static void dialog_init(stats_tree *st)
{
    dialog_state *d = g_new0(dialog_state, 1);

    d->st = st;
    d->attempts_node = stats_tree_create_node(st, attempts_name, 0, STAT_DT_INT, TRUE);
    for (int o = 0; o < PKTAN_OUTCOME_COUNT; o++)
        stats_tree_create_node(st, pktan_outcome_name((pktan_outcome)o), d->attempts_node,
                               STAT_DT_INT, FALSE);
    d->destinations_node = stats_tree_create_node(st, destinations_name, 0, STAT_DT_INT, TRUE);
    d->conn = pktan_conn_new();
    pktan_conn_feed_init(&d->feed, d->conn);
    d->shown = pktan_record_map_new(sizeof(guint32) + 4, sizeof(shown_attempt));
    d->names = g_hash_table_new_full(destination_hash, destination_equal, g_free,
                                     free_destination_node);
    g_hash_table_replace(dialogs, st, d);
    register_listeners(d);
}

static void dialog_cleanup(stats_tree *st)
{
    g_hash_table_remove(dialogs, st);
}

void pktan_conn_dialog_register(void)
{
    dialogs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free_dialog);
    pktan_stats_tree_register_plugin("frame", "pktan_conn", "PktAn/Connection Outcomes", 0,
                                     dialog_packet, dialog_init, dialog_cleanup);
}
