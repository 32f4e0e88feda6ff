#include "csv_writer.h"

#include <string.h>

static void write_field(pktan_csv *csv, const char *value)
{
    if (csv->column > 0)
        fputc(',', csv->out);
    csv->column++;
    if (value == NULL)
        return;
    if (strpbrk(value, ",\"\r\n") == NULL) {
        fputs(value, csv->out);
        return;
    }
    fputc('"', csv->out);
    for (const char *p = value; *p; p++) {
        if (*p == '"')
            fputc('"', csv->out);
        fputc(*p, csv->out);
    }
    fputc('"', csv->out);
}

static void finish_line(pktan_csv *csv)
{
    fputs("\r\n", csv->out);
    csv->column = 0;
}

void pktan_csv_begin(pktan_csv *csv, FILE *out, guint ncolumns,
                     const char *const *headers)
{
    memset(csv, 0, sizeof *csv);
    csv->out = out;
    csv->ncolumns = ncolumns;
    for (guint c = 0; c < ncolumns; c++)
        write_field(csv, headers[c]);
    finish_line(csv);
}

void pktan_csv_field(pktan_csv *csv, const char *value)
{
    g_return_if_fail(csv->column < csv->ncolumns);
    write_field(csv, value);
}

void pktan_csv_field_uint(pktan_csv *csv, guint64 value)
{
    char buf[24];
    g_snprintf(buf, sizeof buf, "%" G_GUINT64_FORMAT, value);
    pktan_csv_field(csv, buf);
}

void pktan_csv_field_seconds(pktan_csv *csv, pktan_ns value)
{
    char buf[PKTAN_TIME_STRLEN];
    pktan_csv_field(csv, pktan_format_seconds(value, buf));
}

void pktan_csv_end_row(pktan_csv *csv)
{
    if (csv->column < csv->ncolumns) {
        csv->short_row = TRUE;
        while (csv->column < csv->ncolumns)
            write_field(csv, NULL);
    }
    finish_line(csv);
    csv->rows++;
}
