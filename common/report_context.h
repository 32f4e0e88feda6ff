/* What every report writer is given at draw time: the parsed -z options,
 * where to write, and the names only Wireshark knows (supplied by the
 * plugin, so that the core needs no epan). */
#ifndef PKTAN_REPORT_CONTEXT_H
#define PKTAN_REPORT_CONTEXT_H

#include <stdio.h>
#include <glib.h>
#include "report_args.h"

typedef struct {
    /* Transport name by IP protocol number: "TCP", "UDP", "ICMP", ... */
    const char *(*transport)(guint8 ip_proto, void *ctx);
    /* Well-known service of a port ("http"), or NULL. */
    const char *(*service)(guint8 ip_proto, guint16 port, void *ctx);
    /* A protocol id's filter name ("rdp") or, with long_name, its name
     * ("Remote Desktop Protocol"). */
    const char *(*protocol)(int id, gboolean long_name, void *ctx);
    void *ctx;
} pktan_namer;

typedef struct {
    const pktan_args *args;
    FILE *out;
    const char *wireshark_version;
    const pktan_namer *namer;
} pktan_report_context;

#endif
