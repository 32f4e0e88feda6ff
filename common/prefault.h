/* Memory a tracker is about to fill, made resident in one call.
 *
 * A record chunk or the part a stream array grows by is fresh memory,
 * and each of its 4 KiB pages would otherwise fault on its first write,
 * one trap per page. On this project's VMs a page took 10 to 13 us by
 * faulting and 5 to 7 us through MADV_POPULATE_WRITE (109 MB either way).
 * With the four reports on at 250 000 connections, this takes about
 * 22 000 of the 31 000 faults they add to tshark's 377 000 (see
 * docs/resources.md). */
#ifndef PKTAN_PREFAULT_H
#define PKTAN_PREFAULT_H

#include <glib.h>

/* Best effort: the pages of [start, start + len) that lie wholly inside
 * it are made resident and writable; on a kernel without
 * MADV_POPULATE_WRITE (before Linux 5.14) nothing happens and the pages
 * fault in as they are written. */
void pktan_prefault(void *start, gsize len);

#endif
