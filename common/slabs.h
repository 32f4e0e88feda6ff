/* Where a record_map's chunks come from once the map is large: slabs of
 * address space on transparent huge pages, cut into the chunks in turn.
 *
 * With the four reports on at 250 000 connections the records take some
 * 100 MB, and each 4 KiB page of it cost a trap (or a share of
 * MADV_POPULATE_WRITE) of 5 to 13 us on this project's VMs. On 2 MiB
 * pages the run took 20 000 fewer faults and 0.1 s less system time
 * (README, "Record chunks on huge pages"). A slab's pages become resident as
 * its chunks are handed out, so a map holds at most one huge page more
 * than it uses. Where the kernel gives no huge pages (its setting
 * "never", or none free) the slab has 4 KiB pages, as a chunk of its own
 * would. */
#ifndef PKTAN_SLABS_H
#define PKTAN_SLABS_H

#include <glib.h>

typedef struct {
    guint8 *next; /* the newest slab's first byte not handed out */
    gsize left;   /* bytes from next to that slab's end */
    gsize used;   /* bytes handed out */
    guint8 **slabs;
    guint n_slabs;
} pktan_slabs;

/* size bytes (a multiple of 64, at most a slab), zero-filled, resident,
 * aligned to 64 bytes; they live until pktan_slabs_free. s starts zeroed. */
void *pktan_slabs_alloc(pktan_slabs *s, gsize size);

/* Every slab of s, and what was cut from them; s is zeroed again. */
void pktan_slabs_free(pktan_slabs *s);

/* The bytes handed out by every pktan_slabs of the process and not yet
 * freed: what mallinfo2 does not see (tests/unit/test_resources.c). */
gsize pktan_slabs_in_use(void);

#endif
