/* Per destination (server address, port, transport): the attempts' outcome
 * counts and the facts behind them, and the one sentence a person can act
 * on. Shared by the -z report and the Statistics dialog. */
#ifndef PKTAN_CONN_VERDICT_H
#define PKTAN_CONN_VERDICT_H

#include <glib.h>

#include "addr.h"
#include "conn.h"

typedef struct {
    pktan_addr server;
    guint8 transport;
    guint16 port;
} pktan_destination_key;

_Static_assert(sizeof(pktan_destination_key) == 17 + 1 + 2,
               "pktan_destination_key must have no padding");

typedef struct {
    pktan_destination_key key;
    guint attempts;
    guint outcomes[PKTAN_OUTCOME_COUNT];
    guint unanswered_syns;
    pktan_ns unanswered_first;    /* first SYN/datagram of the unanswered attempts */
    pktan_ns unanswered_last;     /* their last */
    pktan_ns refusal_fastest;     /* SYN to RST */
    pktan_ns refusal_slowest;
    pktan_ns retry_cost_max;      /* time lost to SYN retransmissions before success */
    guint icmp_from_server;
    guint icmp_from_router;
    pktan_addr router;            /* the first router that rejected */
    guint8 server_icmp_type;      /* of the server's first rejection */
    guint8 server_icmp_code;
    guint8 router_icmp_type;      /* of the first router's */
    guint8 router_icmp_code;
    guint retried_after_icmp;
    guint client_resets;          /* half-open attempts the client reset */
} pktan_destination;

void pktan_destination_init(pktan_destination *d, const pktan_attempt *first);
void pktan_destination_add(pktan_destination *d, const pktan_attempt *a);
guint pktan_destination_failures(const pktan_destination *d);

/* The verdict sentence, to g_free. */
char *pktan_destination_verdict(const pktan_destination *d);

/* What decided a failed attempt, in a few words ("RST 0.4 ms after the
 * SYN"), for the report's table and the packet's expert info. */
const char *pktan_attempt_detail(const pktan_attempt *a, char *buf, gsize size);

/* "port unreachable", "administratively prohibited", ...; NULL if unknown. */
const char *pktan_icmp_code_name(guint8 family, guint8 type, guint8 code);

#endif
