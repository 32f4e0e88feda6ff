/* Plain-text tables laid out like tshark's own statistics: a frame of '='
 * around the report, a caption per table, a header row, a rule, aligned
 * columns. Only the rows that will be printed are kept. */
#ifndef PKTAN_TEXT_TABLE_H
#define PKTAN_TEXT_TABLE_H

#include <stdio.h>
#include <glib.h>

typedef enum { PKTAN_ALIGN_LEFT, PKTAN_ALIGN_RIGHT } pktan_align;

typedef struct {
    const char *header;
    pktan_align align;
} pktan_text_column;

typedef struct pktan_text_table pktan_text_table;

/* columns must outlive the table. limit: rows kept and printed (0: all);
 * rows added beyond it are only counted. */
pktan_text_table *pktan_text_table_new(const char *caption, guint ncolumns,
                                       const pktan_text_column *columns,
                                       guint limit);
void pktan_text_table_free(pktan_text_table *table);

/* cells: ncolumns strings, copied; a NULL cell prints as "-". */
void pktan_text_table_add_row(pktan_text_table *table, const char *const *cells);

/* Counts n more rows in the "not shown" line without building them. */
void pktan_text_table_add_omitted(pktan_text_table *table, guint64 n);

/* Of n rows about to be added, how many the table keeps; the rest are
 * counted as not shown, so that only printed rows are built. */
guint pktan_text_table_rows_kept(pktan_text_table *table, guint n);

void pktan_text_table_write(const pktan_text_table *table, FILE *out);

/* The frame around one report: title and the display filter in use. */
void pktan_text_report_begin(FILE *out, const char *title, const char *filter);
void pktan_text_report_end(FILE *out);

#endif
