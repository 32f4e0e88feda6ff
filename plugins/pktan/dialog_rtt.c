/* Statistics > PktAn > Handshake RTT: Wireshark's stats-tree dialog
 * (sortable columns, display filter, retap) with one row per server:
 * Count = completed handshakes, Average/Min/Max = their iRTT in
 * microseconds, from the same handshake tracker as -z pktan,rtt. */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/stats_tree.h>
#include <epan/dissectors/packet-tcp.h>

#include "compat.h"
#include "dialogs.h"
#include "epan_glue.h"
#include "flow_key.h"
#include "handshake.h"

static const char root_name[] = "Handshake iRTT (microseconds)";

/* One per open dialog. */
typedef struct {
    int root;
    pktan_handshakes *handshakes;
    GHashTable *server_names; /* "address:port" strings, one per server */
} dialog_state;

static GHashTable *dialogs; /* stats_tree * -> dialog_state */

static void free_dialog(gpointer p)
{
    dialog_state *d = p;
    pktan_handshakes_free(d->handshakes);
    g_hash_table_destroy(d->server_names);
    g_free(d);
}

/* The server's node name, made once per server. */
static const char *server_name(dialog_state *d, const pktan_handshake *h)
{
    pktan_endpoint key;
    char *name;
    char endpoint[PKTAN_ENDPOINT_STRLEN];
    const char *service;

    memset(&key, 0, sizeof key);
    key.addr = h->server;
    key.port = h->server_port;
    name = g_hash_table_lookup(d->server_names, &key);
    if (name)
        return name;
    service = pktan_epan_namer.service(PKTAN_IPPROTO_TCP, h->server_port, NULL);
    name = g_strdup_printf("%s%s%s%s", pktan_endpoint_to_str(&h->server, h->server_port, endpoint),
                           service ? " (" : "", service ? service : "", service ? ")" : "");
    g_hash_table_insert(d->server_names, g_memdup2(&key, sizeof key), name);
    return name;
}

static guint endpoint_hash(gconstpointer key)
{
    return pktan_hash_bytes(key, sizeof(pktan_endpoint));
}

static gboolean endpoint_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(pktan_endpoint)) == 0;
}

static tap_packet_status dialog_packet(stats_tree *st, packet_info *pinfo,
                                       epan_dissect_t *edt _U_, const void *data,
                                       tap_flags_t flags _U_)
{
    dialog_state *d = g_hash_table_lookup(dialogs, st);
    const struct tcpheader *th = data;
    const pktan_handshake *h;
    gboolean completed;
    gint irtt_us;

    if (d == NULL)
        return TAP_PACKET_DONT_REDRAW;
    h = pktan_handshakes_add_tap(d->handshakes, th, pinfo, &completed);
    if (!completed)
        return TAP_PACKET_DONT_REDRAW;
    irtt_us = (gint)MIN(pktan_handshake_irtt(h) / 1000, G_MAXINT);
    stats_tree_manip_node_int(MN_AVERAGE, st, root_name, 0, FALSE, irtt_us);
    stats_tree_manip_node_int(MN_AVERAGE, st, server_name(d, h), d->root, FALSE, irtt_us);
    return TAP_PACKET_REDRAW;
}

/* Runs when the dialog opens and again on every retap. */
static void dialog_init(stats_tree *st)
{
    dialog_state *d = g_new0(dialog_state, 1);

    d->root = stats_tree_create_node(st, root_name, 0, STAT_DT_INT, TRUE);
    d->handshakes = pktan_handshakes_new();
    d->server_names = g_hash_table_new_full(endpoint_hash, endpoint_equal, g_free, g_free);
    g_hash_table_replace(dialogs, st, d);
}

static void dialog_cleanup(stats_tree *st)
{
    g_hash_table_remove(dialogs, st);
}

void pktan_rtt_dialog_register(void)
{
    dialogs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free_dialog);
    pktan_stats_tree_register_plugin("tcp", "pktan_rtt", "PktAn/Handshake RTT", 0,
                                     dialog_packet, dialog_init, dialog_cleanup);
}
