/* The allowlist a user keeps: which application protocols may appear in a
 * capture, each optionally only on some server ports and only where one
 * end of the conversation is in some networks.
 *
 * Text form, one rule a line ('#' starts a comment, blank lines are
 * skipped); the same fields as the UAT's columns:
 *
 *     PROTOCOL [port=PORTS] [addr=NETWORKS] [# comment]
 *     tls   port=443,8443         # the web front ends
 *     ssh   port=22 addr=10.1.0.0/16,fd00:1::/48
 *     dns
 *
 * PROTOCOL is a Wireshark protocol filter name; PORTS a comma-separated
 * list of ports and ranges (8000-8080); NETWORKS a comma-separated list of
 * IPv4/IPv6 addresses and CIDR blocks. The parser checks names through a
 * resolver the caller supplies (Wireshark's protocol table in the plugin),
 * so this file needs no epan. Every error names the source, line and
 * problem; a list with an error is never half applied: the parse fails. */
#ifndef PKTAN_ALLOWLIST_H
#define PKTAN_ALLOWLIST_H

#include <glib.h>
#include "addr.h"

/* A protocol filter name's id (>= 0), or -1 when there is no such protocol. */
typedef int (*pktan_protocol_resolver)(const char *name, void *user_data);

typedef struct {
    guint16 lo, hi;
} pktan_port_range;

typedef struct {
    pktan_addr net;   /* host bits cleared */
    guint8 prefix;    /* 0..32 or 0..128 */
} pktan_network;

typedef struct {
    char *protocol;   /* as written */
    int protocol_id;  /* from the resolver */
    GArray *ports;    /* of pktan_port_range; empty: any server port */
    GArray *networks; /* of pktan_network; empty: any address */
    char *comment;    /* may be empty, never NULL */
} pktan_allow_rule;

typedef struct {
    char *source;     /* "FILE", "the allowed protocols table", ... */
    GPtrArray *rules; /* of pktan_allow_rule * */
} pktan_allowlist;

pktan_allowlist *pktan_allowlist_new(const char *source);
void pktan_allowlist_free(pktan_allowlist *list);

/* Parses the text form (len bytes, need not be NUL-terminated) into a new
 * list. On failure returns NULL and sets *error to "SOURCE:LINE: problem"
 * (g_free it). */
pktan_allowlist *pktan_allowlist_parse(const char *text, gsize len, const char *source,
                                       pktan_protocol_resolver resolve, void *user_data,
                                       char **error);

/* Reads and parses a file; an unreadable file is an error like any other. */
pktan_allowlist *pktan_allowlist_load(const char *path, pktan_protocol_resolver resolve,
                                      void *user_data, char **error);

/* One rule from separate fields (the UAT's columns); ports and networks may
 * be empty. Appends it to list, or returns FALSE with *error set to the
 * problem alone (the caller knows where the fields came from). */
gboolean pktan_allowlist_add_fields(pktan_allowlist *list, const char *protocol,
                                    const char *ports, const char *networks,
                                    const char *comment, pktan_protocol_resolver resolve,
                                    void *user_data, char **error);

/* Field checks on their own, for an editor that validates column by column.
 * NULL when the text is fine, else the problem (g_free it). */
char *pktan_allowlist_check_protocol(const char *protocol, pktan_protocol_resolver resolve,
                                     void *user_data);
char *pktan_allowlist_check_ports(const char *ports);
char *pktan_allowlist_check_networks(const char *networks);

/* Whether a rule's scope holds for a conversation: its server port is in
 * the rule's ports and one of its ends in the rule's networks. */
gboolean pktan_allow_rule_covers(const pktan_allow_rule *rule, guint16 server_port,
                                 const pktan_addr *client, const pktan_addr *server);

/* The rule as one line of the text form, without the comment (g_free it). */
char *pktan_allow_rule_to_str(const pktan_allow_rule *rule);

#endif
