/* Statistics > PktAn > Unexpected Protocols: Wireshark's stats-tree dialog
 * (sortable, display filter, retap) with the packets of every conversation
 * that breaks the allowlist, per protocol and per client/server, and the
 * unidentified payload per transport and server port, from the same policy,
 * tracker and feed as -z pktan,unexpected.
 *
 * A stats tree listens on one tap; the tracker needs five (ip, ipv6, tcp,
 * udp, then frame). The tree sits on the frame tap; its init registers the
 * other four with the tree's own filter, and its packet callback, which
 * runs after them for each frame, completes the frame. A conversation
 * counts for a protocol as a whole, earlier packets included, so when its
 * state changes its packets move between nodes. */
#include <wireshark.h>
#include <epan/ipproto.h>
#include <epan/packet.h>
#include <epan/stats_tree.h>
#include <epan/stats_tree_priv.h>
#include <epan/tap.h>

#include "compat.h"
#include "dialog_taps.h"
#include "dialogs.h"
#include "epan_glue.h"
#include "flow_key.h"
#include "policy_prefs.h"
#include "record_map.h"
#include "unexpected_feed.h"

static const char protocols_name[] = "Unexpected protocols (packets of their conversations)";
static const char unidentified_name[] = "Unidentified payload";

typedef struct dialog_state dialog_state;

/* How the tree shows one conversation, to move it when its state changes.
 * Names are interned in dialog_state.names. */
typedef struct {
    const pktan_flagged_conversation *conversation; /* key */
    const char *leaf;   /* NULL: not shown */
    const char *parent; /* its protocol node, or unidentified payload */
    int parent_node;
    const char *top;
    guint8 flag;        /* as shown */
    int protocol;
    gint64 packets;     /* counted so far */
} shown_conversation;

struct dialog_state {
    stats_tree *st;
    int protocols_node;
    int unidentified_node;
    pktan_unexpected *tracker; /* NULL: the allowlist is broken */
    pktan_unexpected_feed feed;
    pktan_record_map *shown;   /* of shown_conversation */
    GHashTable *names;         /* interned node names */
    pktan_dialog_listener listeners[PKTAN_TAP_COUNT];
};

static GHashTable *dialogs; /* stats_tree * -> dialog_state */

static const char *intern(dialog_state *d, char *name)
{
    const char *known = g_hash_table_lookup(d->names, name);

    if (known) {
        g_free(name);
        return known;
    }
    g_hash_table_add(d->names, name);
    return name;
}

static const char *transport_name(guint8 transport)
{
    return transport == PKTAN_IPPROTO_TCP ? "tcp" : transport == PKTAN_IPPROTO_UDP ? "udp"
                                                                                    : ipprotostr(transport);
}

/* The leaf of a conversation: "client -> server:port/transport" under its
 * protocol, "transport/port" under unidentified payload. */
static void place(dialog_state *d, shown_conversation *s, const pktan_flagged_conversation *c)
{
    const pktan_addr *client, *server;
    guint16 client_port, server_port;
    char client_text[PKTAN_ADDR_STRLEN], server_text[PKTAN_ENDPOINT_STRLEN];
    gboolean unidentified = c->flag == PKTAN_FLAG_UNIDENTIFIED;

    pktan_flagged_ends(c, &client, &client_port, &server, &server_port);
    s->top = unidentified ? unidentified_name : protocols_name;
    if (unidentified) {
        s->parent = unidentified_name;
        s->parent_node = d->unidentified_node;
        s->leaf = intern(d, g_strdup_printf("%s/%u", transport_name(c->key.flow.transport),
                                            server_port));
        return;
    }
    s->parent = intern(d, g_strdup_printf("%s (%s)", proto_get_protocol_filter_name(c->protocol),
                                          proto_get_protocol_name(c->protocol)));
    s->parent_node = increase_stat_node(d->st, s->parent, d->protocols_node, TRUE, 0);
    s->leaf = intern(d, g_strdup_printf("%s -> %s/%s", pktan_addr_to_str(client, client_text),
                                        pktan_endpoint_to_str(server, server_port, server_text),
                                        transport_name(c->key.flow.transport)));
}

/* Adds packets to a leaf and the nodes above it. */
static void count(dialog_state *d, const shown_conversation *s, gint64 packets)
{
    increase_stat_node(d->st, s->leaf, s->parent_node, FALSE, (gint)packets);
    if (s->parent != s->top)
        increase_stat_node(d->st, s->parent, d->protocols_node, TRUE, (gint)packets);
    increase_stat_node(d->st, s->top, 0, TRUE, (gint)packets);
}

static void show(dialog_state *d, const pktan_flagged_conversation *c)
{
    shown_conversation *s;
    gboolean created;

    if (c->flag == PKTAN_FLAG_NONE)
        return;
    s = pktan_record_map_get(d->shown, &c, &created);
    if (c->flag != PKTAN_FLAG_UNIDENTIFIED && !pktan_flagged_counts(c)) {
        if (s->leaf != NULL)
            count(d, s, -s->packets); /* a carrier in a conversation a rule allows */
        s->leaf = NULL;
        s->packets = 0;
        return;
    }
    if (s->leaf != NULL && s->flag == c->flag && s->protocol == c->protocol) {
        count(d, s, (gint64)c->packets - s->packets);
        s->packets = (gint64)c->packets;
        return;
    }
    if (s->leaf != NULL)
        count(d, s, -s->packets); /* moves: unidentified, or a carrier, then named */
    place(d, s, c);
    s->flag = c->flag;
    s->protocol = c->protocol;
    s->packets = (gint64)c->packets;
    count(d, s, s->packets);
}

static tap_packet_status listener_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                         const void *data, tap_flags_t flags _U_)
{
    pktan_dialog_listener *l = tapdata;
    dialog_state *d = l->dialog;

    pktan_unexpected_feed_tap(&d->feed, l->tap, pinfo, data);
    return TAP_PACKET_DONT_REDRAW;
}

/* The frame tap fires after the others: the frame is complete. */
static tap_packet_status dialog_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_,
                                       const void *data _U_, tap_flags_t flags _U_)
{
    dialog_state *d = g_hash_table_lookup(dialogs, st);

    if (d == NULL || d->tracker == NULL)
        return TAP_PACKET_DONT_REDRAW;
    show(d, pktan_unexpected_feed_frame(&d->feed, d->tracker, pinfo));
    return TAP_PACKET_REDRAW;
}

static void free_dialog(gpointer p)
{
    dialog_state *d = p;

    pktan_dialog_unlisten(d->listeners);
    pktan_unexpected_free(d->tracker);
    pktan_record_map_free(d->shown);
    g_hash_table_destroy(d->names);
    g_free(d);
}

/* The allowlist in use heads the tree; a broken one is shown there. */
static void build_policy(dialog_state *d)
{
    char *error = NULL, *line;
    pktan_policy *policy = pktan_policy_from_prefs(NULL, &error);
    guint rules;

    if (policy == NULL) {
        line = g_strdup_printf("Allowlist error, nothing checked: %s", error);
        stats_tree_create_node(d->st, line, 0, STAT_DT_INT, FALSE);
        g_free(line);
        g_free(error);
        return;
    }
    rules = pktan_policy_allowlist(policy)->rules->len;
    line = g_strdup_printf("Allowlist: %u rule%s from %s%s", rules, rules == 1 ? "" : "s",
                           pktan_policy_allowlist(policy)->source,
                           pktan_policy_baseline(policy) ? "" : " (baseline off)");
    stats_tree_create_node(d->st, line, 0, STAT_DT_INT, FALSE);
    g_free(line);
    d->tracker = pktan_unexpected_new(policy);
}

static void dialog_init(stats_tree *st)
{
    dialog_state *d = g_new0(dialog_state, 1);

    d->st = st;
    build_policy(d);
    d->protocols_node = stats_tree_create_node(st, protocols_name, 0, STAT_DT_INT, TRUE);
    d->unidentified_node = stats_tree_create_node(st, unidentified_name, 0, STAT_DT_INT, TRUE);
    d->shown = pktan_record_map_new(sizeof(gpointer), sizeof(shown_conversation));
    d->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_replace(dialogs, st, d);
    pktan_dialog_listen(d->listeners, d, "Unexpected Protocols", st->filter, TL_REQUIRES_NOTHING,
                        listener_packet);
}

static void dialog_cleanup(stats_tree *st)
{
    g_hash_table_remove(dialogs, st);
}

void pktan_unexpected_dialog_register(void)
{
    dialogs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free_dialog);
    pktan_stats_tree_register_plugin("frame", "pktan_unexpected", "PktAn/Unexpected Protocols", 0,
                                     dialog_packet, dialog_init, dialog_cleanup);
}
