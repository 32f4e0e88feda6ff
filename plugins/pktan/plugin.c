/* Wireshark's entry points for the pktan plugin: version, the protocol that
 * carries pktan's preferences and packet marks, and the -z handlers. */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/tap.h>

#include "cli.h"
#include "compat.h"
#include "dialogs.h"
#include "live_window.h"
#include "marks.h"
#include "pktan_version.h"
#include "policy_prefs.h"
#include "utp_heur.h"

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = PKTAN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
PKTAN_DEFINE_PLUGIN_DESCRIBE(WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER)

static int proto_pktan = -1;

static void prefs_applied(void)
{
    pktan_policy_prefs_applied();
    pktan_marks_prefs_applied();
}

static void register_protocol(void)
{
    module_t *prefs;

    proto_pktan = proto_register_protocol("PktAn capture analyses", "PKTAN", "pktan");
    prefs = prefs_register_protocol(proto_pktan, prefs_applied);
    pktan_marks_register(proto_pktan, prefs);
    pktan_policy_prefs_register(prefs);
    pktan_utp_register(proto_pktan);
}

static void register_handoff(void)
{
    pktan_utp_handoff();
    pktan_marks_handoff();
}

/* Runs in Wireshark's tap registration, before tshark reads -z. */
static void register_taps(void)
{
    pktan_cli_register();
    pktan_dests_dialog_register();
    pktan_rtt_dialog_register();
    pktan_conn_dialog_register();
    pktan_unexpected_dialog_register();
    pktan_live_windows_register();
}

void plugin_register(void)
{
    static const proto_plugin protocol = {register_protocol, register_handoff};
    static const tap_plugin taps = {register_taps};

    proto_register_plugin(&protocol);
    tap_register_plugin(&taps);
}
