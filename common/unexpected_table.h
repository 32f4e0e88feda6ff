/* The Unexpected Protocols report's rows, built from the conversations at
 * draw time, for the -z report and the dialog alike. */
#ifndef PKTAN_UNEXPECTED_TABLE_H
#define PKTAN_UNEXPECTED_TABLE_H

#include <glib.h>
#include "unexpected.h"

/* One client/server pair of a protocol. No padding holes. */
typedef struct {
    pktan_addr client;
    pktan_addr server;
    guint16 server_port;
    guint8 transport;
    guint8 reserved;
} pktan_endpoint_key;

/* Keyed by protocol and endpoint together (the first 44 bytes). */
typedef struct {
    gint32 protocol;
    pktan_endpoint_key key;
    guint16 reserved;
    guint64 conversations;
    guint64 packets;
    guint64 bytes;
} pktan_endpoint_row;

typedef struct {
    int protocol;
    guint64 conversations;
    guint64 packets;
    guint64 bytes;
    guint32 first_frame;  /* the first frame that showed it */
    pktan_ns first_time;  /* of its conversations' packets */
    pktan_ns last_time;
    GPtrArray *endpoints; /* of pktan_endpoint_row *, most packets first */
    GArray *chains;       /* of guint16: pktan_unexpected_chain() ids, distinct */
} pktan_protocol_row;

typedef struct {
    guint8 transport;
    guint8 reserved;
    guint16 server_port;
    guint64 conversations;
    guint64 packets;
    guint64 bytes;
} pktan_unidentified_row;

typedef struct {
    guint64 conversations;  /* every conversation seen */
    guint64 packets;
    guint64 flagged;        /* conversations under a protocol */
    guint64 unidentified_conversations;
    GPtrArray *protocols;   /* of pktan_protocol_row *, most conversations first */
    GPtrArray *unidentified; /* of pktan_unidentified_row *, most packets first */
    void *storage;
} pktan_unexpected_table;

pktan_unexpected_table *pktan_unexpected_table_build(const pktan_unexpected *u);
void pktan_unexpected_table_free(pktan_unexpected_table *t);

#endif
