/* CSV per RFC 4180: CRLF line ends; a field holding a comma, a double
 * quote, CR or LF is quoted and its quotes doubled. One header row, then
 * rows of exactly as many fields. */
#ifndef PKTAN_CSV_WRITER_H
#define PKTAN_CSV_WRITER_H

#include <stdio.h>
#include <glib.h>
#include "time_format.h"

typedef struct {
    FILE *out;
    guint ncolumns;
    guint column;  /* fields written in the current row */
    guint64 rows;  /* data rows finished */
    gboolean short_row; /* a row ended with too few fields: a caller bug */
} pktan_csv;

void pktan_csv_begin(pktan_csv *csv, FILE *out, guint ncolumns,
                     const char *const *headers);

/* NULL writes an empty field. */
void pktan_csv_field(pktan_csv *csv, const char *value);
void pktan_csv_field_uint(pktan_csv *csv, guint64 value);
void pktan_csv_field_seconds(pktan_csv *csv, pktan_ns value);

/* Ends the row, padding it with empty fields if the caller wrote too few
 * (and recording that in short_row, which the tests check). */
void pktan_csv_end_row(pktan_csv *csv);

#endif
