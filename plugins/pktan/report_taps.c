#include "report_taps.h"

#include <wireshark.h>

#include "batch.h"
#include "epan_glue.h"
#include "reports.h"

/* TCP segments wait in a queue (see batch.h) and reach the handshake
 * tracker in runs; a set's reports read the tracker only when drawn. */
#define QUEUED_SEGMENTS 128

typedef struct tap_set tap_set;

typedef struct {
    void *report;
    pktan_report_reader reader;
} subscriber;

/* What a listener calls for each record: copied here rather than reached
 * through the subscriber, one cache line fewer per record and reader. */
typedef struct {
    void *report;
    pktan_report_packet_fn packet;
} reader_call;

/* One registered listener: a tap, with or without ICMP-quoted headers,
 * and the subscribers that read it. */
typedef struct {
    tap_set *set;
    int tap;
    gboolean registered;
    gboolean dirty; /* took a record or a reset since the set was drawn */
    pktan_handshakes *handshakes; /* the tcp listener's: fed before the readers, */
    pktan_batch *segments;        /* through this queue */
    guint count;
    reader_call *readers;
} listener;

/* A set's listeners: one per tap, and for ip and ipv6 a second one with
 * the ICMP-quoted headers (the others' second is never registered). */
#define SET_LISTENERS (PKTAN_REPORT_TAPS * 2)

/* The listeners of one display filter (and watcher). The first one
 * registered also resets every subscriber; each draws them all, but only
 * the first one a draw pass reaches while one of them is dirty: in a live
 * capture Wireshark redraws only listeners that took a packet. (The flag
 * is the listener's own, not the set's, which a record would otherwise
 * touch as one more cache line.) */
struct tap_set {
    char *filter;
    const pktan_report_watcher *watcher;
    listener listeners[SET_LISTENERS]; /* see listener_of() */
    guint live; /* registered listeners; the last one's finish frees the set */
    GPtrArray *subscribers; /* of subscriber *, in subscription order */
    pktan_handshakes *handshakes; /* the reports' shared tracker, or NULL, */
    pktan_batch *segments;        /* and the segments queued for it */
};

static GPtrArray *sets; /* of tap_set *, one per distinct filter and watcher */

static void add_segment(void *handshakes, void *segment)
{
    gboolean completed;

    pktan_handshakes_add(handshakes, segment, &completed);
}

static void queue_segment(listener *l, const struct tcpheader *th, const packet_info *pinfo)
{
    if (pktan_handshakes_segment_of_tap(l->handshakes, th, pinfo, pktan_batch_slot(l->segments)))
        pktan_batch_push(l->segments);
}

static tap_packet_status dispatch(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                  const void *data, tap_flags_t flags _U_)
{
    listener *l = tapdata;

    l->dirty = TRUE;
    if (l->handshakes)
        queue_segment(l, data, pinfo);
    for (guint i = 0; i < l->count; i++)
        l->readers[i].packet(l->readers[i].report, l->tap, pinfo, data);
    return TAP_PACKET_REDRAW;
}

static listener *listener_of(tap_set *set, int tap, gboolean quoted)
{
    return &set->listeners[tap * 2 + (quoted ? 1 : 0)];
}

/* Marks every listener of the set dirty (TRUE) or clean. */
static void set_dirty(tap_set *set, gboolean dirty)
{
    for (int i = 0; i < SET_LISTENERS; i++)
        set->listeners[i].dirty = dirty;
}

static gboolean any_dirty(const tap_set *set)
{
    for (int i = 0; i < SET_LISTENERS; i++)
        if (set->listeners[i].dirty)
            return TRUE;
    return FALSE;
}

static void reset_all(void *tapdata)
{
    tap_set *set = ((const listener *)tapdata)->set;

    set_dirty(set, TRUE);
    if (set->handshakes) {
        pktan_batch_discard(set->segments);
        pktan_handshakes_reset(set->handshakes);
    }
    for (guint i = 0; i < set->subscribers->len; i++) {
        const subscriber *s = g_ptr_array_index(set->subscribers, i);
        if (s->reader.reset)
            s->reader.reset(s->report);
    }
}

/* tshark draws its listeners newest first; so are the reports here. */
static void draw_all(tap_set *set)
{
    if (set->segments)
        pktan_batch_flush(set->segments);
    for (guint i = set->subscribers->len; i-- > 0;) {
        const subscriber *s = g_ptr_array_index(set->subscribers, i);
        if (s->reader.draw)
            s->reader.draw(s->report);
    }
}

/* Wireshark frees listeners one by one (4.6's tshark at exit, in whichever
 * order): the last one frees the reports and the set. */
static void draw_once(void *tapdata)
{
    tap_set *set = ((const listener *)tapdata)->set;

    if (!any_dirty(set))
        return;
    set_dirty(set, FALSE);
    draw_all(set);
}

static void finish_one(void *tapdata)
{
    listener *l = tapdata;
    tap_set *set = l->set;

    l->registered = FALSE;
    if (--set->live > 0)
        return;
    for (guint i = 0; i < set->subscribers->len; i++) {
        subscriber *s = g_ptr_array_index(set->subscribers, i);
        if (s->reader.finish)
            s->reader.finish(s->report);
        g_free(s);
    }
    for (int i = 0; i < SET_LISTENERS; i++)
        g_free(set->listeners[i].readers);
    g_ptr_array_free(set->subscribers, TRUE);
    pktan_batch_free(set->segments);
    pktan_handshakes_free(set->handshakes);
    g_ptr_array_remove(sets, set);
    g_free(set->filter);
    g_free(set);
}

static tap_set *find_set(const char *filter, const pktan_report_watcher *watcher)
{
    for (guint i = 0; sets && i < sets->len; i++) {
        tap_set *set = g_ptr_array_index(sets, i);
        if (set->watcher == watcher && g_strcmp0(set->filter, filter) == 0)
            return set;
    }
    return NULL;
}

static tap_set *set_for(const pktan_report_output *output)
{
    tap_set *set = find_set(output->args->filter, output->watcher);

    if (set)
        return set;
    if (sets == NULL)
        sets = g_ptr_array_new();
    set = g_new0(tap_set, 1);
    set->filter = g_strdup(output->args->filter);
    set->watcher = output->watcher;
    set->subscribers = g_ptr_array_new();
    for (int i = 0; i < SET_LISTENERS; i++)
        set->listeners[i] = (listener){set, i / 2, FALSE, TRUE, NULL, NULL, 0, NULL}; /* never drawn */
    g_ptr_array_add(sets, set);
    return set;
}

static const char *tap_name(int tap)
{
    return tap == PKTAN_TAP_FRAME ? "frame" : pktan_tap_names[tap];
}

/* Registers l if it is not yet; the set's first listener resets it. The
 * filter was compiled before, so Wireshark refuses a listener only when a
 * tap is missing: a broken installation. */
static void ensure_registered(listener *l, gboolean quoted, const pktan_args *args)
{
    tap_set *set = l->set;
    GString *error;

    if (l->registered)
        return;
    error = register_tap_listener(tap_name(l->tap), l, set->filter,
                                  quoted ? TL_REQUIRES_ERROR_PACKETS : TL_REQUIRES_NOTHING,
                                  set->live == 0 ? reset_all : NULL, dispatch, draw_once,
                                  finish_one);
    if (error)
        pktan_fail("-z %s: cannot listen on the %s tap: %s", pktan_report_cli(args->report),
                   tap_name(l->tap), error->str);
    l->registered = TRUE;
    set->live++;
}

void pktan_report_listen(const pktan_report_output *output, void *report,
                         const pktan_report_reader *reader)
{
    tap_set *set = set_for(output);
    subscriber *s = g_new(subscriber, 1);

    s->report = report;
    s->reader = *reader;
    g_ptr_array_add(set->subscribers, s);
    for (int t = 0; t < PKTAN_REPORT_TAPS; t++) {
        gboolean quoted = reader->quoted && (t == PKTAN_TAP_IP || t == PKTAN_TAP_IPV6);
        listener *l = listener_of(set, t, quoted);

        if (!(reader->taps & PKTAN_TAP_BIT(t)))
            continue;
        l->readers = g_renew(reader_call, l->readers, l->count + 1);
        l->readers[l->count++] = (reader_call){report, reader->packet};
        ensure_registered(l, quoted, output->args);
    }
}

pktan_handshakes *pktan_report_handshakes(const pktan_report_output *output)
{
    tap_set *set = set_for(output);
    listener *tcp = listener_of(set, PKTAN_TAP_TCP, FALSE);

    if (set->handshakes == NULL) {
        set->handshakes = pktan_handshakes_new();
        set->segments = pktan_batch_new(sizeof(pktan_tcp_segment), QUEUED_SEGMENTS, add_segment,
                                        set->handshakes);
        tcp->handshakes = set->handshakes;
        tcp->segments = set->segments;
        ensure_registered(tcp, FALSE, output->args);
    }
    return set->handshakes;
}

void pktan_report_redraw(const pktan_report_watcher *watcher)
{
    for (guint i = 0; sets && i < sets->len; i++) {
        tap_set *set = g_ptr_array_index(sets, i);
        if (set->watcher == watcher) {
            set_dirty(set, FALSE);
            draw_all(set);
        }
    }
}

/* Removing the set's last listener frees it (finish_one), so the set is
 * looked up again after each. */
void pktan_report_unlisten(const pktan_report_watcher *watcher)
{
    for (guint i = 0; sets && i < sets->len;) {
        tap_set *set = g_ptr_array_index(sets, i);
        listener *l = NULL;

        for (int j = 0; j < SET_LISTENERS && l == NULL; j++)
            if (set->listeners[j].registered)
                l = &set->listeners[j];
        if (set->watcher != watcher || l == NULL)
            i++;
        else
            remove_tap_listener(l);
    }
}
