/* Every difference between the Wireshark releases pktan builds for (4.0 to
 * 4.6) lives here and nowhere else. Code elsewhere uses the names below.
 *
 *   API point                      4.0 / 4.2        4.4              4.6
 *   plugin_describe() + WS_PLUGIN_ -                 required         required
 *     DESC_* flags (wsutil/plugins.h)
 *   stats_tree_register*() returns void             stats_tree_cfg * stats_tree_cfg *
 *   stat_tap_ui init callback      void             void             bool
 *   service name cache (4.2: not   per transport    per port (bug)   per transport
 *     checked)
 *
 * 4.2 has no Debian suite to build in; its column follows the 4.2 headers
 * (plugin_describe arrived in 4.4, the bool init callback in 4.6). 4.0 is
 * built and tested natively, 4.4 and 4.6 in Debian 13 and unstable chroots
 * (packaging/compat/check.sh).
 *
 * Checked the same in the 4.0, 4.4 and 4.6 headers, so not wrapped here:
 * tap_packet_cb with its tap_flags_t argument, register_tap_listener() and
 * the TL_* flags, fetch_tapped_data(), register_postdissector() and
 * set_postdissector_wanted_hfids(), find_conversation(),
 * conversation_get_proto_data() -> tcp_analysis/udp_analysis.stream,
 * icmp_info_t, prefs_register_enum_preference(), stats_tree's filter
 * (stats_tree_priv.h), register_stat_tap_ui(), and the plugin_version /
 * plugin_want_major / plugin_want_minor / plugin_register() symbols.
 * (guint32/uint32_t and gint/int are the same types.)
 *
 * One behaviour differs without an API change: 4.4 and 4.6 restore pinfo's
 * ports and port type after dissecting the packet an ICMP error quotes
 * (call_dissector_work_error), 4.0 leaves the quote's. pktan does not read
 * them from pinfo there on any version: the quoted ports come from the
 * tcp/udp dissectors' per-layer records (pktan_quoted_ports) and a
 * port-less transport is named by the protocol after the IP header
 * (pktan_portless_transport), both in epan_glue.c, the same on all.
 *
 * Another: 4.6's tshark frees every tap listener at exit, calling their
 * finish callbacks, the stats trees' cleanup included, while it walks the
 * list; 4.0 and 4.4 do not. The Connection Outcomes tree's own listeners
 * therefore note in their finish callback that Wireshark freed them, and
 * its cleanup removes only those still registered (dialog_conn.c), which is
 * right on every version. */
#ifndef PKTAN_COMPAT_H
#define PKTAN_COMPAT_H

#include <ws_version.h>

#define PKTAN_WS_AT_LEAST(major, minor)                                    \
    (WIRESHARK_VERSION_MAJOR > (major) ||                                  \
     (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* plugin_describe(): 4.4 asks each plugin what kinds of thing it registers
 * and lists them in -G plugins and About > Plugins. Expands to nothing
 * before 4.4, so the flag names need not exist there. */
#if PKTAN_WS_AT_LEAST(4, 4)
#include <wsutil/plugins.h>
#define PKTAN_DEFINE_PLUGIN_DESCRIBE(flags)                                \
    WS_DLL_PUBLIC uint32_t plugin_describe(void);                          \
    uint32_t plugin_describe(void) { return (flags); }
#else
#define PKTAN_DEFINE_PLUGIN_DESCRIBE(flags)
#endif

/* The stat_tap_ui init callback ("-z" handler): bool in 4.6, void before.
 * Write handlers as
 *     static pktan_stat_init_result f(const char *arg, void *userdata)
 *     { ...; PKTAN_STAT_INIT_RETURN(TRUE); } */
#if PKTAN_WS_AT_LEAST(4, 6)
typedef bool pktan_stat_init_result;
#define PKTAN_STAT_INIT_RETURN(ok) return (ok)
#else
typedef void pktan_stat_init_result;
#define PKTAN_STAT_INIT_RETURN(ok) do { (void)(ok); return; } while (0)
#endif

/* Heuristic dissectors (heur_dissector_add) return bool from 4.4, gboolean
 * in 4.0 (4.2 not checked). Write them as
 *     static pktan_heur_result f(tvbuff_t *, packet_info *, proto_tree *, void *) */
#if PKTAN_WS_AT_LEAST(4, 4)
typedef bool pktan_heur_result;
#else
typedef gboolean pktan_heur_result;
#endif

/* Boolean preferences (prefs_register_bool_preference) point to a bool
 * from 4.4, a gboolean in 4.0; a UAT's update callback returns bool from
 * 4.4, gboolean in 4.0 (4.2 not checked for either). */
#if PKTAN_WS_AT_LEAST(4, 4)
typedef bool pktan_pref_bool;
typedef bool pktan_uat_update_result;
#else
typedef gboolean pktan_pref_bool;
typedef gboolean pktan_uat_update_result;
#endif

/* Service names (try_serv_name_lookup): 4.4 caches them by port alone, so
 * the first lookup of a port decides for every transport: after a UDP
 * lookup of 35355 ("altova-lm-disc") a TCP lookup of it finds the cached
 * entry and returns NULL instead of "altova-lm", and which transport gets
 * a name depends on the order of lookups (a -z report, which names at draw
 * time, and a stats tree, which names per new packet key, disagreed). In
 * 4.4 every lookup first asks for TCP, so that the answer is the same
 * whatever the order: TCP's name when the port has one, else the
 * transport's own. 4.0 and 4.6 look each transport up on its own (checked
 * with tshark -N t on a UDP then a TCP packet to port 35355: 4.4.18 names
 * only the UDP one, 4.0.17 and 4.6.9 both). */
#include <epan/addr_resolv.h>
#if PKTAN_WS_AT_LEAST(4, 4) && !PKTAN_WS_AT_LEAST(4, 6)
static inline const char *pktan_try_serv_name_lookup(port_type pt, unsigned port)
{
    if (pt != PT_TCP)
        (void)try_serv_name_lookup(PT_TCP, port);
    return try_serv_name_lookup(pt, port);
}
#else
#define pktan_try_serv_name_lookup(pt, port) try_serv_name_lookup((pt), (port))
#endif

/* stats_tree_register_plugin(): void in 4.0/4.2, returns the tree's
 * configuration from 4.4; pktan does not need it, and a cast to void fits
 * both. */
#define pktan_stats_tree_register_plugin(...)                              \
    ((void)stats_tree_register_plugin(__VA_ARGS__))

#endif
