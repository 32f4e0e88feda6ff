/* The ip, ipv6, tcp and udp listeners a Statistics dialog's tracker needs
 * beside the stats tree's own tap: a stats tree listens on one tap only, so
 * these carry the tree's display filter themselves. */
#ifndef PKTAN_DIALOG_TAPS_H
#define PKTAN_DIALOG_TAPS_H

#include <epan/tap.h>

typedef enum { PKTAN_TAP_IP, PKTAN_TAP_IPV6, PKTAN_TAP_TCP, PKTAN_TAP_UDP, PKTAN_TAP_COUNT } pktan_tap;

extern const char *const pktan_tap_names[PKTAN_TAP_COUNT];

/* What each listener's callback is given: its dialog and which tap. */
typedef struct {
    void *dialog;
    pktan_tap tap;
    gboolean registered; /* until Wireshark frees it (its finish callback) */
} pktan_dialog_listener;

/* Registers the four; ip_flags for the ip and ipv6 ones (e.g.
 * TL_REQUIRES_ERROR_PACKETS). A tap that cannot be listened on is logged
 * under the dialog's name. */
void pktan_dialog_listen(pktan_dialog_listener listeners[PKTAN_TAP_COUNT], void *dialog,
                         const char *dialog_name, const char *filter, guint ip_flags,
                         tap_packet_cb packet);
/* Removes those Wireshark has not freed yet: 4.6's tshark frees every
 * listener at exit, the stats tree's own included, in whichever order, and
 * removing one it already freed walks a list it is tearing down. */
void pktan_dialog_unlisten(pktan_dialog_listener listeners[PKTAN_TAP_COUNT]);

#endif
