/* Packet marks: pktan.conn.outcome on the packet that decided a failed
 * connection attempt, pktan.rtt.slow on the packet that completed a
 * handshake slower than the preference, and pktan.unexpected on every
 * packet of a conversation that breaks the allowlist, each with an
 * expert-info warning (Analyze > Expert Information). */
#ifndef PKTAN_MARKS_H
#define PKTAN_MARKS_H

/* In the protocol's registration: fields, expert items, preferences. */
#include <epan/prefs.h>

void pktan_marks_register(int proto_pktan, module_t *prefs);
/* After the preferences were read or changed. */
void pktan_marks_prefs_applied(void);
/* In the protocol's handoff: the postdissector. */
void pktan_marks_handoff(void);

#endif
