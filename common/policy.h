/* The allowlist compiled for the per-packet check: what a frame's chain of
 * protocols (Wireshark's pinfo->layers, as protocol ids) says about its
 * conversation.
 *
 * The walk, outermost layer first:
 *   - the baseline (link, network and transport protocols, tunnels) is
 *     always allowed unless the user turns it off; then each needs a rule,
 *     which allows that layer alone, not what it carries;
 *   - a layer a rule allows allows everything carried inside it (http its
 *     bodies, tls its certificates): the walk stops;
 *   - carriers (tpkt, cotp, t125, t124) name nothing themselves when a
 *     protocol follows: RDP is "rdp", not "tpkt";
 *   - "data" (payload no dissector recognised) is unidentified;
 *   - any other layer is the protocol a person would name, reported under
 *     its family (bt-utp and bt-dht as bittorrent, rdpudp as rdp).
 * An ICMP error ends the walk: what it quotes is evidence, not traffic. */
#ifndef PKTAN_POLICY_H
#define PKTAN_POLICY_H

#include <glib.h>
#include "addr.h"
#include "allowlist.h"

typedef struct pktan_policy pktan_policy;

/* Compiles list (which the policy then owns). Protocol names the resolver
 * does not know (not in this Wireshark) are left out of the built-in
 * tables. baseline: allow the baseline protocols. */
pktan_policy *pktan_policy_new(pktan_allowlist *list, gboolean baseline,
                               pktan_protocol_resolver resolve, void *user_data);
void pktan_policy_free(pktan_policy *policy);

const pktan_allowlist *pktan_policy_allowlist(const pktan_policy *policy);
gboolean pktan_policy_baseline(const pktan_policy *policy);

typedef enum {
    PKTAN_JUDGED_ALLOWED,      /* nothing here breaks the policy */
    PKTAN_JUDGED_RULE,         /* a rule allows an application protocol here */
    PKTAN_JUDGED_UNIDENTIFIED, /* payload no dissector recognised */
    PKTAN_JUDGED_CARRIER,      /* only a carrier (tpkt...) broke it */
    PKTAN_JUDGED_NAMED,        /* a protocol a person would name */
} pktan_judgement_kind;

/* The layers of a frame below its innermost transport, the first of which
 * broke the policy when kind is not ALLOWED. */
typedef struct {
    pktan_judgement_kind kind;
    int protocol;        /* the protocol reported (a family's name), or -1 */
    guint chain_start;   /* index in the layers of the judged chain */
    guint chain_len;
    gboolean by_ends;    /* a scoped rule was consulted: the answer depends on
                            the conversation's ends, not on the layers alone */
} pktan_judgement;

/* Who a conversation is between, for rules scoped to ports and networks. */
typedef struct {
    const pktan_addr *client;
    const pktan_addr *server;
    guint16 server_port;
} pktan_conversation_ends;

void pktan_policy_judge(const pktan_policy *policy, const int *layers, guint n_layers,
                        const pktan_conversation_ends *ends, pktan_judgement *out);

/* TLS: what a conversation a rule allowed may switch to (RDP after its
 * X.224 negotiation, STARTTLS) without breaking the policy. Wireshark 4.0
 * shows RDP's TLS records as TPKT, 4.4 and later as TLS. */
gboolean pktan_policy_is_tls(const pktan_policy *policy, int protocol);

#endif
