/* mmap and madvise are not ISO C. */
#define _DEFAULT_SOURCE

#include "slabs.h"

#include <stdint.h>
#include <sys/mman.h>

#include "prefault.h"

#define HUGE_PAGE ((gsize)2 * 1024 * 1024)
/* Address space, not memory: only the pages handed out become resident. */
#define SLAB_BYTES (16 * HUGE_PAGE)

static gsize in_use;

/* A huge page backs only a 2 MiB range aligned on 2 MiB: the mapping is
 * made one huge page larger and trimmed to the alignment. */
static guint8 *map_slab(void)
{
    gsize mapped = SLAB_BYTES + HUGE_PAGE;
    guint8 *start = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    guint8 *slab;
    gsize before;

    if (start == MAP_FAILED)
        g_error("pktan: out of memory (a slab of %" G_GSIZE_FORMAT " bytes of records)", SLAB_BYTES);
    slab = (guint8 *)(((uintptr_t)start + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    before = (gsize)(slab - start);
    if (before > 0)
        (void)munmap(start, before);
    (void)munmap(slab + SLAB_BYTES, mapped - before - SLAB_BYTES);
#ifdef MADV_HUGEPAGE
    (void)madvise(slab, SLAB_BYTES, MADV_HUGEPAGE);
#endif
    return slab;
}

void *pktan_slabs_alloc(pktan_slabs *s, gsize size)
{
    guint8 *piece;

    g_return_val_if_fail(size > 0 && size <= SLAB_BYTES && size % 64 == 0, NULL);
    if (s->left < size) { /* the rest of the newest slab stays address space */
        s->slabs = g_renew(guint8 *, s->slabs, s->n_slabs + 1);
        s->slabs[s->n_slabs++] = s->next = map_slab();
        s->left = SLAB_BYTES;
    }
    piece = s->next;
    s->next += size;
    s->left -= size;
    s->used += size;
    in_use += size;
    /* Faults in the huge pages the piece begins, or its 4 KiB pages. */
    pktan_prefault(piece, size);
    return piece;
}

void pktan_slabs_free(pktan_slabs *s)
{
    for (guint i = 0; i < s->n_slabs; i++)
        (void)munmap(s->slabs[i], SLAB_BYTES);
    in_use -= s->used;
    g_free(s->slabs);
    *s = (pktan_slabs){0};
}

gsize pktan_slabs_in_use(void)
{
    return in_use;
}
