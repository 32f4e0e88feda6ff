/* Tools > PktAn > REPORT (live): the -z report's text in a window of
 * Wireshark's (the funnel text window Lua's TextWindow also uses) that
 * redraws as packets arrive.
 *
 * Why not the Statistics dialogs: Wireshark's stats-tree dialogs let go of
 * their tap once filled, so during a capture they change only on Apply. A
 * listener that stays registered is drawn by Wireshark's tap update timer
 * (the preference statistics.update_interval, 3 s by default) whenever it
 * took packets since the last draw. */
#include "live_window.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <wireshark.h>
#include <epan/funnel.h>

#include "report_taps.h"
#include "reports.h"

typedef struct {
    const funnel_ops_t *ops;
    funnel_text_window_t *text_window;
    pktan_report_watcher watcher;
    FILE *out; /* the report's stream: a memory stream over buffer */
    char *buffer;
    size_t length;
} live_window;

/* A memory stream's size is its position at the flush, so rewinding after
 * each draw makes the text what the last draw wrote. */
static void show_drawn(void *data)
{
    live_window *w = data;
    char *text = g_strndup(w->buffer, w->length);

    w->ops->set_text(w->text_window, text);
    g_free(text);
    fseek(w->out, 0, SEEK_SET);
}

static void free_window(live_window *w)
{
    free(w->buffer);
    g_free(w);
}

static void window_closed(void *data)
{
    live_window *w = data;

    /* The report's finish closes the stream; its buffer stays ours. */
    pktan_report_unlisten(&w->watcher);
    free_window(w);
}

/* The report with its default options on the whole capture, drawing into
 * the window; NULL, or why it cannot (to g_free). */
static char *start_report(live_window *w, pktan_report_kind kind)
{
    pktan_args *args = g_new(pktan_args, 1);
    pktan_report_output output;
    char *error = NULL;

    if (!pktan_args_parse(pktan_report_cli(kind), args, &error)) {
        g_free(args);
        return error;
    }
    w->out = open_memstream(&w->buffer, &w->length);
    if (w->out == NULL)
        error = g_strdup(g_strerror(errno));
    output = (pktan_report_output){args, w->out, &w->watcher};
    if (error == NULL)
        error = pktan_report_starts[kind](&output);
    if (error) {
        if (w->out)
            fclose(w->out);
        pktan_args_clear(args);
        g_free(args);
    }
    return error;
}

static void open_window(gpointer data)
{
    pktan_report_kind kind = (pktan_report_kind)GPOINTER_TO_INT(data);
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    char *title = g_strdup_printf("PktAn %s (live)", pktan_report_titles[kind]);
    live_window *w;
    char *error;

    if (ops == NULL || ops->new_text_window == NULL)
        return;
    w = g_new0(live_window, 1);
    w->ops = ops;
    w->text_window = ops->new_text_window(ops->ops_id, title);
    w->watcher = (pktan_report_watcher){show_drawn, w};
    g_free(title);
    error = start_report(w, kind);
    if (error) {
        ops->set_text(w->text_window, error);
        g_free(error);
        free_window(w);
        return;
    }
    ops->set_close_cb(w->text_window, window_closed, w);
    ops->retap_packets(ops->ops_id);
    pktan_report_redraw(&w->watcher);
}

void pktan_live_windows_register(void)
{
    for (int kind = 0; kind < PKTAN_REPORT_COUNT; kind++) {
        char *name = g_strdup_printf("PktAn/%s (live)", pktan_report_titles[kind]);

        funnel_register_menu(name, REGISTER_TOOLS_GROUP_UNSORTED, open_window,
                             GINT_TO_POINTER(kind), NULL, FALSE);
        g_free(name);
    }
}
