/* Packet marks: pktan.conn.outcome on the packet that decided a failed
 * connection attempt and pktan.rtt.slow on the packet that completed a
 * handshake slower than the preference, each with an expert-info warning
 * (Analyze > Expert Information). */
#ifndef PKTAN_MARKS_H
#define PKTAN_MARKS_H

/* In the protocol's registration: fields, expert items, preferences. */
void pktan_marks_register(int proto_pktan);
/* In the protocol's handoff: the postdissector. */
void pktan_marks_handoff(void);

#endif
