#include "dialog_taps.h"

#include <wireshark.h>

const char *const pktan_tap_names[PKTAN_TAP_COUNT] = {"ip", "ipv6", "tcp", "udp"};

/* Wireshark calls it when it frees the listener: on remove_tap_listener(),
 * and in 4.6's tshark at exit. */
static void listener_finish(void *tapdata)
{
    ((pktan_dialog_listener *)tapdata)->registered = FALSE;
}

void pktan_dialog_listen(pktan_dialog_listener listeners[PKTAN_TAP_COUNT], void *dialog,
                         const char *dialog_name, const char *filter, guint ip_flags,
                         tap_packet_cb packet)
{
    for (int t = 0; t < PKTAN_TAP_COUNT; t++) {
        gboolean ip = t == PKTAN_TAP_IP || t == PKTAN_TAP_IPV6;
        GString *error;

        listeners[t] = (pktan_dialog_listener){dialog, (pktan_tap)t, FALSE};
        error = register_tap_listener(pktan_tap_names[t], &listeners[t], filter,
                                      ip ? ip_flags : TL_REQUIRES_NOTHING, NULL, packet, NULL,
                                      listener_finish);
        listeners[t].registered = error == NULL;
        if (error != NULL) {
            ws_warning("pktan: %s cannot listen on %s: %s", dialog_name, pktan_tap_names[t],
                       error->str);
            g_string_free(error, TRUE);
        }
    }
}

void pktan_dialog_unlisten(pktan_dialog_listener listeners[PKTAN_TAP_COUNT])
{
    for (int t = 0; t < PKTAN_TAP_COUNT; t++)
        if (listeners[t].registered)
            remove_tap_listener(&listeners[t]);
}
