/* prefault: the whole pages inside the range become resident (mincore),
 * the partial pages at its ends and anything below the minimum size are
 * left alone. Fresh anonymous memory has no resident page until written,
 * so residency can only come from pktan_prefault. */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>

#include "prefault.h"

#define PAGES 64

static gsize page;

static guint8 *fresh_pages(void)
{
    void *p = mmap(NULL, PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    g_assert_true(p != MAP_FAILED);
    return p;
}

static gboolean resident(guint8 *pages, guint i)
{
    unsigned char v;

    g_assert_cmpint(mincore(pages + i * page, page, &v), ==, 0);
    return v & 1;
}

/* 64 KiB or more from the middle of page 1 to the middle of page 40: pages
 * 2 to 39 are resident, 0, 1, 40 and the rest are not. */
static void test_whole_pages_inside(void)
{
    guint8 *p = fresh_pages();

    pktan_prefault(p + page + page / 2, 39 * page);
    for (guint i = 0; i < PAGES; i++)
        g_assert_cmpint(resident(p, i), ==, i >= 2 && i <= 39);
    munmap(p, PAGES * page);
}

static void test_small_range_untouched(void)
{
    guint8 *p = fresh_pages();

    pktan_prefault(p, 4 * page);
    for (guint i = 0; i < PAGES; i++)
        g_assert_false(resident(p, i));
    munmap(p, PAGES * page);
}

int main(int argc, char **argv)
{
    page = (gsize)sysconf(_SC_PAGESIZE);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/prefault/small_range_untouched", test_small_range_untouched);
#ifdef MADV_POPULATE_WRITE
    {
        guint8 *probe = fresh_pages();
        gboolean supported = madvise(probe, page, MADV_POPULATE_WRITE) == 0 || errno != EINVAL;

        munmap(probe, PAGES * page);
        if (supported)
            g_test_add_func("/prefault/whole_pages_inside", test_whole_pages_inside);
        else
            g_test_message("kernel without MADV_POPULATE_WRITE: residency not checked");
    }
#endif
    return g_test_run();
}
