#include "time_stats.h"

#include <stdlib.h>
#include <string.h>

static int cmp_ns(const void *a, const void *b)
{
    pktan_ns x = *(const pktan_ns *)a, y = *(const pktan_ns *)b;
    return (x > y) - (x < y);
}

/* As unsigned, in the same order as signed. */
static guint64 radix_key(pktan_ns v)
{
    return (guint64)v ^ G_GUINT64_CONSTANT(0x8000000000000000);
}

/* Least significant byte first, skipping bytes every value shares (most
 * of them: times are small): the servers of a big capture hold hundreds of
 * thousands of handshakes, where qsort's comparisons were most of the
 * report's drawing. */
static void radix_sort(pktan_ns *values, guint count)
{
    pktan_ns *scratch = g_new(pktan_ns, count);
    pktan_ns *from = values, *to = scratch, *swap;

    for (guint shift = 0; shift < 64; shift += 8) {
        guint offsets[256] = {0};
        guint sum = 0;

        for (guint i = 0; i < count; i++)
            offsets[(radix_key(from[i]) >> shift) & 0xff]++;
        if (offsets[(radix_key(from[0]) >> shift) & 0xff] == count)
            continue;
        for (guint b = 0; b < 256; b++) {
            guint n = offsets[b];
            offsets[b] = sum;
            sum += n;
        }
        for (guint i = 0; i < count; i++)
            to[offsets[(radix_key(from[i]) >> shift) & 0xff]++] = from[i];
        swap = from;
        from = to;
        to = swap;
    }
    if (from != values)
        memcpy(values, from, count * sizeof *values);
    g_free(scratch);
}

/* Small sets are not worth radix_sort's passes. */
#define RADIX_FROM 256

void pktan_time_sort(pktan_ns *values, guint count)
{
    if (count >= RADIX_FROM)
        radix_sort(values, count);
    else if (count > 1)
        qsort(values, count, sizeof *values, cmp_ns);
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
    pktan_time_sort(values, count);
    for (guint i = 0; i < count; i++)
        sum += (double)values[i];
    stats->count = count;
    stats->min = values[0];
    stats->max = values[count - 1];
    stats->median = nearest_rank(values, count, 50);
    stats->p95 = nearest_rank(values, count, 95);
    stats->mean = (pktan_ns)(sum / count);
}
