/* slabs: pieces are zero-filled, 64-byte aligned, resident and disjoint;
 * a piece that does not fit the newest slab starts a new one, aligned on
 * a huge page; the bytes in use are counted and given back by free. */
#define _DEFAULT_SOURCE

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>

#include "slabs.h"

#define HUGE_PAGE ((gsize)2 * 1024 * 1024)
#define PIECE ((gsize)4096 * 120) /* a chunk of 120-byte records (handshakes) */

static gboolean all_zero(const guint8 *p, gsize len)
{
    for (gsize i = 0; i < len; i++)
        if (p[i] != 0)
            return FALSE;
    return TRUE;
}

static gboolean resident(const guint8 *p, gsize len)
{
    gsize page = (gsize)sysconf(_SC_PAGESIZE);
    gsize pages = len / page;
    unsigned char *v = g_malloc(pages);
    gboolean all = TRUE;

    g_assert_cmpint(mincore((void *)p, pages * page, v), ==, 0);
    for (gsize i = 0; i < pages; i++)
        all = all && (v[i] & 1);
    g_free(v);
    return all;
}

/* Pieces are made resident where the kernel has MADV_POPULATE_WRITE
 * (prefault.h); elsewhere they fault in as they are written. */
static gboolean populates;

static void test_pieces(void)
{
    pktan_slabs s = {0};
    guint8 *prev = NULL;
    gsize before = pktan_slabs_in_use();

    for (guint i = 0; i < 200; i++) { /* 96 MB: several slabs */
        guint8 *p = pktan_slabs_alloc(&s, PIECE);

        g_assert_cmpuint((uintptr_t)p % 64, ==, 0);
        g_assert_true(all_zero(p, PIECE));
        g_assert_true(!populates || resident(p, PIECE));
        memset(p, 0xa5, PIECE); /* a later piece overlapping this one would not be zero */
        if (prev != NULL && p != prev + PIECE) /* a new slab */
            g_assert_cmpuint((uintptr_t)p % HUGE_PAGE, ==, 0);
        prev = p;
    }
    g_assert_cmpuint(s.n_slabs, >, 1);
    g_assert_cmpuint(pktan_slabs_in_use() - before, ==, 200 * PIECE);
    pktan_slabs_free(&s);
    g_assert_cmpuint(pktan_slabs_in_use(), ==, before);
    g_assert_cmpuint(s.n_slabs, ==, 0);
    g_assert_null(s.slabs);
}

/* Freed and used again, as a record_map is on a retap. */
static void test_free_and_again(void)
{
    pktan_slabs s = {0};

    pktan_slabs_free(&s); /* nothing yet */
    memset(pktan_slabs_alloc(&s, 64), 1, 64);
    pktan_slabs_free(&s);
    g_assert_true(all_zero(pktan_slabs_alloc(&s, 64), 64));
    pktan_slabs_free(&s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#ifdef MADV_POPULATE_WRITE
    {
        gsize page = (gsize)sysconf(_SC_PAGESIZE);
        void *probe = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        g_assert_true(probe != MAP_FAILED);
        populates = madvise(probe, page, MADV_POPULATE_WRITE) == 0;
        munmap(probe, page);
    }
#endif
    if (!populates)
        g_test_message("kernel without MADV_POPULATE_WRITE: residency not checked");
    g_test_add_func("/slabs/pieces", test_pieces);
    g_test_add_func("/slabs/free-and-again", test_free_and_again);
    return g_test_run();
}
