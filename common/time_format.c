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

const char *pktan_format_ms(pktan_ns ns, char *buf)
{
    /* Rounded to the nearest microsecond, halves away from zero. */
    guint64 mag = magnitude(ns);
    guint64 us = mag / 1000 + (mag % 1000 >= 500);
    snprintf(buf, PKTAN_TIME_STRLEN, "%s%" G_GUINT64_FORMAT ".%03" G_GUINT64_FORMAT,
             ns < 0 && us != 0 ? "-" : "", us / 1000, us % 1000);
    return buf;
}
