/* Times in the core are signed nanoseconds (gint64 covers +-292 years, so
 * absolute capture times fit as well as deltas). These turn them into the
 * text every writer prints, at draw time only. */
#ifndef PKTAN_TIME_FORMAT_H
#define PKTAN_TIME_FORMAT_H

#include <glib.h>

typedef gint64 pktan_ns;

#define PKTAN_NS_PER_SEC G_GINT64_CONSTANT(1000000000)
#define PKTAN_TIME_STRLEN 32

/* Seconds with nine decimals: "0.030512000", "-1.000000001" (JSON, CSV). */
const char *pktan_format_seconds(pktan_ns ns, char *buf);

/* Seconds with three decimals: "12.346" (text tables). */
const char *pktan_format_seconds_short(pktan_ns ns, char *buf);

/* Milliseconds with three decimals: "30.512" (text tables). */
const char *pktan_format_ms(pktan_ns ns, char *buf);

#endif
