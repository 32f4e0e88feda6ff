/* The first n items of a stream in an order, kept as they come.
 *
 * A text report prints top= rows of lists that hold hundreds of thousands
 * of items (failed attempts, slowest handshakes): copying them all into an
 * array only to sort it made those arrays, and the page faults of their
 * fresh memory, most of the report's drawing. (dests orders a
 * destination's ports in place instead, sort_first in dests.c: that array
 * exists anyway, because every report form lists every port.)
 * Kept sorted, the n first cost one comparison with the last kept for most
 * items; an item equal to one kept goes after it, as in a stable sort. */
#ifndef PKTAN_FIRST_N_H
#define PKTAN_FIRST_N_H

#include <glib.h>

typedef struct pktan_first_n pktan_first_n;

/* n 0: keeps every item, sorted (stably) when finished. */
pktan_first_n *pktan_first_n_new(guint item_size, guint n, GCompareDataFunc order,
                                 gpointer order_data);
void pktan_first_n_offer(pktan_first_n *f, gconstpointer item);
/* How many items were offered, kept or not. */
guint pktan_first_n_offered(const pktan_first_n *f);
/* The kept items in order; frees the keeper. */
GArray *pktan_first_n_finish(pktan_first_n *f);

#endif
