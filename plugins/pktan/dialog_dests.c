/* Statistics > PktAn > Destinations and Ports: Wireshark's stats-tree
 * dialog (sortable columns, display filter, retap) with the packets view of
 * -z pktan,dests: destination, then transport, then port, as Wireshark's
 * Destinations and Ports reads them from pinfo once a frame is dissected.
 *
 * A stats tree listens on one tap, and the report needs IPv4 and IPv6, so
 * the tree listens on "frame" and counts each IP frame once; the report
 * (like Wireshark's tree) counts a tunnelled frame once per IP header.
 * Node names are made once per key and cached, never per packet. */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/stats_tree.h>

#include "compat.h"
#include "dialogs.h"
#include "epan_glue.h"
#include "flow_key.h"

static const char root_name[] = "Destinations and Ports";

/* What the tree groups by. A transport without ports is named by the
 * protocol after the IP header (icmp, gre...; pktan_portless_transport),
 * kept as its protocol id. */
typedef struct {
    pktan_addr addr;
    guint8 ip_proto; /* transports with ports; 0 otherwise */
    guint16 port;
    gint32 last_layer;
} tree_key;

typedef struct {
    char *address;
    char *transport;
    char *port;
} node_names;

/* One per open dialog (stats tree). */
typedef struct {
    int root;
    GHashTable *names; /* tree_key -> node_names */
} dialog_state;

static GHashTable *dialogs; /* stats_tree * -> dialog_state */

static guint tree_key_hash(gconstpointer key)
{
    return pktan_hash_bytes(key, sizeof(tree_key));
}

static gboolean tree_key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(tree_key)) == 0;
}

static void free_names(gpointer p)
{
    node_names *n = p;
    g_free(n->address);
    g_free(n->transport);
    g_free(n->port);
    g_free(n);
}

static void free_dialog(gpointer p)
{
    dialog_state *d = p;
    g_hash_table_destroy(d->names);
    g_free(d);
}

static gboolean make_key(packet_info *pinfo, tree_key *key)
{
    memset(key, 0, sizeof *key);
    if (!pktan_addr_from_address(&pinfo->net_dst, &key->addr))
        return FALSE;
    key->ip_proto = pktan_ip_proto_of_port_type(pinfo->ptype);
    if (key->ip_proto)
        key->port = (guint16)pinfo->destport;
    else
        key->last_layer = pktan_portless_transport(pinfo);
    return TRUE;
}

static const node_names *names_of(dialog_state *d, const tree_key *key)
{
    node_names *n = g_hash_table_lookup(d->names, key);
    char addr[PKTAN_ADDR_STRLEN];

    if (n != NULL)
        return n;
    n = g_new0(node_names, 1);
    n->address = g_strdup(pktan_addr_to_str(&key->addr, addr));
    if (key->ip_proto) {
        const char *service = pktan_epan_namer.service(key->ip_proto, key->port, NULL);
        n->transport = g_strdup(pktan_epan_namer.transport(key->ip_proto, NULL));
        n->port = service ? g_strdup_printf("%u (%s)", key->port, service)
                          : g_strdup_printf("%u", key->port);
    } else {
        n->transport = g_strdup(proto_get_protocol_short_name(find_protocol_by_id(key->last_layer)));
        n->port = NULL;
    }
    g_hash_table_insert(d->names, g_memdup2(key, sizeof *key), n);
    return n;
}

static tap_packet_status dialog_packet(stats_tree *st, packet_info *pinfo,
                                       epan_dissect_t *edt _U_, const void *data _U_,
                                       tap_flags_t flags _U_)
{
    dialog_state *d = g_hash_table_lookup(dialogs, st);
    const node_names *n;
    tree_key key;
    int addr_node, transport_node;
    gint len = (gint)pinfo->fd->pkt_len;

    if (d == NULL || !make_key(pinfo, &key))
        return TAP_PACKET_DONT_REDRAW;
    n = names_of(d, &key);
    /* Count: packets; Average: bytes per packet (4.0's trees have no sum). */
    stats_tree_manip_node_int(MN_AVERAGE, st, root_name, 0, FALSE, len);
    addr_node = stats_tree_manip_node_int(MN_AVERAGE, st, n->address, d->root, TRUE, len);
    transport_node = stats_tree_manip_node_int(MN_AVERAGE, st, n->transport, addr_node,
                                               n->port != NULL, len);
    if (n->port)
        stats_tree_manip_node_int(MN_AVERAGE, st, n->port, transport_node, FALSE, len);
    return TAP_PACKET_REDRAW;
}

/* Runs when the dialog opens and again on every retap. */
static void dialog_init(stats_tree *st)
{
    dialog_state *d = g_new0(dialog_state, 1);

    d->root = stats_tree_create_node(st, root_name, 0, STAT_DT_INT, TRUE);
    d->names = g_hash_table_new_full(tree_key_hash, tree_key_equal, g_free, free_names);
    g_hash_table_replace(dialogs, st, d);
}

static void dialog_cleanup(stats_tree *st)
{
    g_hash_table_remove(dialogs, st);
}

void pktan_dests_dialog_register(void)
{
    dialogs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free_dialog);
    pktan_stats_tree_register_plugin("frame", "pktan_dests", "PktAn/Destinations and Ports", 0,
                                     dialog_packet, dialog_init, dialog_cleanup);
}
