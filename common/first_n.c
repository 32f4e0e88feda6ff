#include "first_n.h"

#include <string.h>

/* Above this many, items are kept as they come and sorted when finished:
 * an insertion moves up to n kept items, and a top= of thousands (or
 * 4294967295) must cost no more than sorting them all did, nor reserve
 * memory for n items before any comes. */
#define KEPT_IN_ORDER_MAX 256

struct pktan_first_n {
    GArray *kept; /* in order while n <= KEPT_IN_ORDER_MAX */
    guint n;      /* 0: no limit */
    guint offered;
    GCompareDataFunc order;
    gpointer order_data;
};

pktan_first_n *pktan_first_n_new(guint item_size, guint n, GCompareDataFunc order,
                                 gpointer order_data)
{
    pktan_first_n *f = g_new(pktan_first_n, 1);

    f->kept = g_array_sized_new(FALSE, FALSE, item_size, MIN(n, KEPT_IN_ORDER_MAX));
    f->n = n;
    f->offered = 0;
    f->order = order;
    f->order_data = order_data;
    return f;
}

static gboolean keeps_in_order(const pktan_first_n *f)
{
    return f->n != 0 && f->n <= KEPT_IN_ORDER_MAX;
}

static gchar *item_at(GArray *a, guint i)
{
    return a->data + (gsize)i * g_array_get_element_size(a);
}

void pktan_first_n_offer(pktan_first_n *f, gconstpointer item)
{
    guint size = g_array_get_element_size(f->kept);
    guint len = f->kept->len;
    guint place;

    f->offered++;
    if (!keeps_in_order(f)) {
        g_array_append_vals(f->kept, item, 1);
        return;
    }
    if (len == f->n) {
        if (f->order(item, item_at(f->kept, len - 1), f->order_data) >= 0)
            return;
        len--; /* the last one kept gives way */
    } else {
        g_array_set_size(f->kept, len + 1);
    }
    for (place = len; place > 0; place--)
        if (f->order(item, item_at(f->kept, place - 1), f->order_data) >= 0)
            break;
    memmove(item_at(f->kept, place + 1), item_at(f->kept, place), (gsize)(len - place) * size);
    memcpy(item_at(f->kept, place), item, size);
}

guint pktan_first_n_offered(const pktan_first_n *f)
{
    return f->offered;
}

GArray *pktan_first_n_finish(pktan_first_n *f)
{
    GArray *kept = f->kept;

    if (!keeps_in_order(f)) {
        g_array_sort_with_data(kept, f->order, f->order_data); /* stable since GLib 2.32 */
        if (f->n != 0 && kept->len > f->n)
            g_array_set_size(kept, f->n);
    }
    g_free(f);
    return kept;
}
