/* Unexpected protocols: every conversation checked against the policy,
 * frame by frame, until one of its frames breaks it; from then on the whole
 * conversation (all its packets and bytes, before and after) counts for the
 * protocol that broke it. Per frame: one record-map probe and, until the
 * conversation is flagged by a named protocol, one walk of its layers.
 * Rows, names and sorting are made only when a report is drawn. */
#ifndef PKTAN_UNEXPECTED_H
#define PKTAN_UNEXPECTED_H

#include <glib.h>
#include "conversation.h"
#include "policy.h"
#include "time_format.h"

/* Layers of the chain kept per flagged conversation, for the report. */
#define PKTAN_CHAIN_MAX 8

/* One frame as the adapter sees it once dissected: its innermost
 * conversation (transport 0 and no addresses for frames without IP) and
 * its layers (Wireshark's pinfo->layers as protocol ids). */
typedef struct {
    guint8 transport;      /* IP protocol number */
    gboolean has_ports;
    pktan_addr src, dst;
    guint16 src_port, dst_port;
    guint32 stream;
    pktan_server_hint hint;
    guint32 frame;
    guint32 bytes;
    pktan_ns time;
    const int *layers;
    guint n_layers;
} pktan_unexpected_frame;

/* How far a conversation broke the policy; later states win. */
typedef enum {
    PKTAN_FLAG_NONE,
    PKTAN_FLAG_UNIDENTIFIED,
    PKTAN_FLAG_CARRIER,
    PKTAN_FLAG_NAMED,
} pktan_flag;

/* A chain of layers, from the one that broke the policy inward. Chains are
 * few and shared, so conversations hold only their index. */
typedef struct {
    guint32 len;
    int layers[PKTAN_CHAIN_MAX];
} pktan_chain;

typedef struct {
    pktan_conversation_key key;
    pktan_server_sides sides;
    guint8 flag;        /* pktan_flag */
    guint8 saw_rule;    /* a frame had an application protocol a rule allows */
    guint16 chain;      /* pktan_unexpected_chain(); 0: none */
    int protocol;       /* reported protocol id when flag >= CARRIER */
    guint32 first_frame;
    guint32 flag_frame; /* the first frame that broke the policy */
    guint64 packets;
    guint64 bytes;
    pktan_ns first_time;
    pktan_ns last_time;
} pktan_flagged_conversation;

typedef struct pktan_unexpected pktan_unexpected;

/* Takes ownership of policy. */
pktan_unexpected *pktan_unexpected_new(pktan_policy *policy);
void pktan_unexpected_free(pktan_unexpected *u);
void pktan_unexpected_reset(pktan_unexpected *u);
const pktan_policy *pktan_unexpected_policy(const pktan_unexpected *u);

/* Counts a frame; returns its conversation's record (valid until reset),
 * whose flag says what the conversation broke so far. */
const pktan_flagged_conversation *pktan_unexpected_add(pktan_unexpected *u,
                                                       const pktan_unexpected_frame *f);

/* For a run of frames (prefetch.h): what adding one of a conversation on
 * transport (PKTAN_IPPROTO_*) with stream number stream will touch. */
void pktan_unexpected_prefetch(const pktan_unexpected *u, guint8 transport, guint32 stream,
                               pktan_prefetch_stage stage);

guint pktan_unexpected_conversations(const pktan_unexpected *u);
const pktan_chain *pktan_unexpected_chain(const pktan_unexpected *u, guint16 chain);
const pktan_flagged_conversation *pktan_unexpected_nth(const pktan_unexpected *u, guint i);

/* Whether the conversation counts for a protocol: named, or only a
 * carrier (tpkt...) in a conversation that never showed an allowed
 * protocol (RDP's TLS records look like bare TPKT to Wireshark 4.0, which
 * must not flag an allowed RDP session). */
gboolean pktan_flagged_counts(const pktan_flagged_conversation *c);

/* The ends of a conversation as the report names them. */
void pktan_flagged_ends(const pktan_flagged_conversation *c, const pktan_addr **client,
                        guint16 *client_port, const pktan_addr **server, guint16 *server_port);

#endif
