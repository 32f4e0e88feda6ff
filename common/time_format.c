#include "time_format.h"

#include <stdio.h>

/* |ns| without overflowing on G_MININT64, whose magnitude has no gint64. */
static guint64 magnitude(pktan_ns ns)
{
    return ns < 0 ? (guint64)0 - (guint64)ns : (guint64)ns;
}

const char *pktan_format_seconds(pktan_ns ns, char *buf)
{
    guint64 mag = magnitude(ns);
    snprintf(buf, PKTAN_TIME_STRLEN, "%s%" G_GUINT64_FORMAT ".%09" G_GUINT64_FORMAT,
             ns < 0 ? "-" : "", mag / (guint64)PKTAN_NS_PER_SEC,
             mag % (guint64)PKTAN_NS_PER_SEC);
    return buf;
}

/* ns / unit with three decimals, rounded half away from zero. */
static const char *format_thousandths(pktan_ns ns, guint64 unit, char *buf)
{
    guint64 mag = magnitude(ns);
    guint64 step = unit / 1000;
    guint64 n = mag / step + (mag % step >= step / 2);
    snprintf(buf, PKTAN_TIME_STRLEN, "%s%" G_GUINT64_FORMAT ".%03" G_GUINT64_FORMAT,
             ns < 0 && n != 0 ? "-" : "", n / 1000, n % 1000);
    return buf;
}

const char *pktan_format_seconds_short(pktan_ns ns, char *buf)
{
    return format_thousandths(ns, (guint64)PKTAN_NS_PER_SEC, buf);
}

const char *pktan_format_ms(pktan_ns ns, char *buf)
{
    return format_thousandths(ns, 1000000, buf);
}
