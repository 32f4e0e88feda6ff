/* Min, median, 95th percentile, max and mean of a set of times, computed
 * at draw time. Percentiles use the nearest-rank method: the p-th
 * percentile of n sorted values is the value at rank ceil(p/100 * n), so
 * every reported value is one that was measured. */
#ifndef PKTAN_TIME_STATS_H
#define PKTAN_TIME_STATS_H

#include <glib.h>
#include "time_format.h"

typedef struct {
    guint count;
    pktan_ns min;
    pktan_ns median;
    pktan_ns p95;
    pktan_ns max;
    pktan_ns mean; /* rounded toward zero */
} pktan_time_stats;

/* Sorts values in place, ascending. */
void pktan_time_sort(pktan_ns *values, guint count);

/* Sorts values in place and summarises them; all zero when count is 0. */
void pktan_time_stats_compute(pktan_ns *values, guint count, pktan_time_stats *stats);

#endif
