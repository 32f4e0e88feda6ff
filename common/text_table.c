#include "text_table.h"

#include <string.h>

#define FRAME_WIDTH 80
#define COLUMN_GAP "  "

struct pktan_text_table {
    char *caption;
    guint ncolumns;
    const pktan_text_column *columns;
    guint limit;
    GPtrArray *rows;  /* of char ** (ncolumns strings each) */
    guint64 omitted;  /* rows counted past limit */
};

static void free_row(gpointer row)
{
    g_strfreev(row);
}

pktan_text_table *pktan_text_table_new(const char *caption, guint ncolumns,
                                       const pktan_text_column *columns,
                                       guint limit)
{
    pktan_text_table *t = g_new0(pktan_text_table, 1);
    t->caption = g_strdup(caption);
    t->ncolumns = ncolumns;
    t->columns = columns;
    t->limit = limit;
    t->rows = g_ptr_array_new_with_free_func(free_row);
    return t;
}

void pktan_text_table_free(pktan_text_table *table)
{
    if (table == NULL)
        return;
    g_free(table->caption);
    g_ptr_array_free(table->rows, TRUE);
    g_free(table);
}

void pktan_text_table_add_row(pktan_text_table *table, const char *const *cells)
{
    char **row;

    if (table->limit != 0 && table->rows->len >= table->limit) {
        table->omitted++;
        return;
    }
    row = g_new0(char *, table->ncolumns + 1);
    for (guint c = 0; c < table->ncolumns; c++)
        row[c] = g_strdup(cells[c] ? cells[c] : "-");
    g_ptr_array_add(table->rows, row);
}

guint pktan_text_table_rows_kept(pktan_text_table *table, guint n)
{
    guint room = table->limit == 0                  ? n
                 : table->rows->len < table->limit ? table->limit - table->rows->len
                                                    : 0;
    guint kept = MIN(n, room);

    table->omitted += n - kept;
    return kept;
}

void pktan_text_table_add_omitted(pktan_text_table *table, guint64 n)
{
    table->omitted += n;
}

/* Display width: characters, not bytes, so names in UTF-8 line up. */
static gsize text_width(const char *s)
{
    return (gsize)g_utf8_strlen(s, -1);
}

static void write_padded(FILE *out, const char *s, gsize width, pktan_align align,
                         gboolean last)
{
    gsize pad = width - text_width(s);

    if (align == PKTAN_ALIGN_RIGHT)
        fprintf(out, "%*s", (int)pad, "");
    fputs(s, out);
    /* No trailing blanks after the last column. */
    if (align == PKTAN_ALIGN_LEFT && !last)
        fprintf(out, "%*s", (int)pad, "");
}

static void write_line(const pktan_text_table *t, const char *const *cells,
                       const gsize *widths, FILE *out)
{
    for (guint c = 0; c < t->ncolumns; c++) {
        if (c > 0)
            fputs(COLUMN_GAP, out);
        write_padded(out, cells[c], widths[c], t->columns[c].align,
                     c + 1 == t->ncolumns);
    }
    fputc('\n', out);
}

void pktan_text_table_write(const pktan_text_table *t, FILE *out)
{
    gsize *widths = g_new0(gsize, t->ncolumns);
    const char **headers = g_new0(const char *, t->ncolumns);
    char **rules = g_new0(char *, t->ncolumns + 1);

    for (guint c = 0; c < t->ncolumns; c++) {
        headers[c] = t->columns[c].header;
        widths[c] = text_width(headers[c]);
    }
    for (guint r = 0; r < t->rows->len; r++) {
        char **row = g_ptr_array_index(t->rows, r);
        for (guint c = 0; c < t->ncolumns; c++)
            widths[c] = MAX(widths[c], text_width(row[c]));
    }
    for (guint c = 0; c < t->ncolumns; c++) {
        rules[c] = g_malloc(widths[c] + 1);
        memset(rules[c], '-', widths[c]);
        rules[c][widths[c]] = '\0';
    }

    if (t->caption && *t->caption)
        fprintf(out, "%s\n", t->caption);
    write_line(t, headers, widths, out);
    write_line(t, (const char *const *)rules, widths, out);
    for (guint r = 0; r < t->rows->len; r++)
        write_line(t, g_ptr_array_index(t->rows, r), widths, out);
    if (t->rows->len == 0)
        fputs("(none)\n", out);
    if (t->omitted)
        fprintf(out, "... %" G_GUINT64_FORMAT " more row%s not shown (top=0 shows all)\n",
                t->omitted, t->omitted == 1 ? "" : "s");

    g_strfreev(rules);
    g_free(headers);
    g_free(widths);
}

static void write_rule(FILE *out, char c)
{
    for (int i = 0; i < FRAME_WIDTH; i++)
        fputc(c, out);
    fputc('\n', out);
}

void pktan_text_report_begin(FILE *out, const char *title, const char *filter)
{
    write_rule(out, '=');
    fprintf(out, "%s\n", title);
    fprintf(out, "Filter: %s\n", filter && *filter ? filter : "<No Filter>");
    write_rule(out, '-');
}

void pktan_text_report_end(FILE *out)
{
    write_rule(out, '=');
}
