#include "time_stats.h"

#include <stdlib.h>
#include <string.h>

static int cmp_ns(const void *a, const void *b)
{
    pktan_ns x = *(const pktan_ns *)a, y = *(const pktan_ns *)b;
    return (x > y) - (x < y);
}

/* Value at nearest rank ceil(percent/100 * count), 1-based. */
static pktan_ns nearest_rank(const pktan_ns *sorted, guint count, guint percent)
{
    guint64 rank = ((guint64)percent * count + 99) / 100;
    return sorted[rank ? rank - 1 : 0];
}

void pktan_time_stats_compute(pktan_ns *values, guint count, pktan_time_stats *stats)
{
    /* Summed as a double: 2^63 ns is 292 years, but a sum of many is not. */
    double sum = 0.0;

    memset(stats, 0, sizeof *stats);
    if (count == 0)
        return;
    qsort(values, count, sizeof *values, cmp_ns);
    for (guint i = 0; i < count; i++)
        sum += (double)values[i];
    stats->count = count;
    stats->min = values[0];
    stats->max = values[count - 1];
    stats->median = nearest_rank(values, count, 50);
    stats->p95 = nearest_rank(values, count, 95);
    stats->mean = (pktan_ns)(sum / count);
}
