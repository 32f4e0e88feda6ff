/* MADV_POPULATE_WRITE and sysconf are not ISO C. */
#define _DEFAULT_SOURCE

#include "prefault.h"

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/* Below this the faults are too few to be worth a system call. */
#define PREFAULT_MIN (64u * 1024u)

void pktan_prefault(void *start, gsize len)
{
#ifdef MADV_POPULATE_WRITE
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t first, end;

    if (len < PREFAULT_MIN)
        return;
    /* Whole pages only: madvise takes page-aligned ranges, and a page
     * shared with other allocations is probably resident already. */
    first = ((uintptr_t)start + page - 1) & ~(page - 1);
    end = ((uintptr_t)start + len) & ~(page - 1);
    if (end > first)
        (void)madvise((void *)first, end - first, MADV_POPULATE_WRITE);
#else
    (void)start;
    (void)len;
#endif
}
