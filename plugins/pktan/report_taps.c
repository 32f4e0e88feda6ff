#include "report_taps.h"

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/dissectors/packet-ip.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/dissectors/packet-udp.h>

#include "batch.h"
#include "epan_glue.h"
#include "flow_key.h"
#include "reports.h"
#include "unexpected_feed.h"

/* TCP segments wait in a queue (see batch.h) and reach the handshake
 * tracker in runs; a set's reports read the tracker only when drawn. */
#define QUEUED_SEGMENTS 128

typedef struct tap_set tap_set;
typedef struct listener listener;

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

/* What a set calls for a frame record (frame_record.h). */
typedef struct {
    void *report;
    pktan_report_frame_fn frame;
    pktan_report_prefetch_fn prefetch; /* or NULL */
} frame_call;

/* In a set with a frame listener, a frame's other records wait here for
 * its frame record, which Wireshark queues after all of them, exception or
 * not; their data lives until the frame's last listener has run. A frame
 * with more records than this is no common shape: they are released at
 * once and the frame's later records go straight to their readers. */
#define HELD_RECORDS 8

typedef struct {
    listener *l;
    const void *data;
} held_record;

/* Frame records wait in a queue (see batch.h), and any other record of
 * the set's listeners waits until it has been read. */
#define QUEUED_FRAMES 64

typedef struct {
    pktan_frame_record record;
    int layers[PKTAN_FEED_MAX_LAYERS];
} queued_frame;

typedef struct {
    guint32 frame; /* of the held records; 0: none */
    gboolean released;
    guint count;
    held_record held[HELD_RECORDS];
    pktan_batch *frames; /* of queued_frame */
} frame_hold;

/* One registered listener: a tap, with or without ICMP-quoted headers,
 * and the subscribers that read it. */
struct listener {
    tap_set *set;
    int tap;
    gboolean registered;
    gboolean dirty; /* took a record or a reset since the set was drawn */
    frame_hold *hold; /* the set's, while it holds frames; else NULL */
    pktan_handshakes *handshakes; /* the tcp listener's: fed before the readers, */
    pktan_batch *segments;        /* through this queue */
    guint count;
    reader_call *readers;
};

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
    frame_hold hold;
    guint frame_count;
    frame_call *frame_readers; /* every subscriber that reads a tap */
    gboolean all_read_frames;  /* all of them read frame records */
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

/* One tap record to the listener's readers. */
static void deliver(listener *l, packet_info *pinfo, const void *data)
{
    if (l->handshakes)
        queue_segment(l, data, pinfo);
    for (guint i = 0; i < l->count; i++)
        l->readers[i].packet(l->readers[i].report, l->tap, pinfo, data);
}

/* The held records, one by one, after the frames queued before them. */
static G_GNUC_NO_INLINE void release(frame_hold *h, packet_info *pinfo)
{
    pktan_batch_flush(h->frames);
    for (guint i = 0; i < h->count; i++)
        deliver(h->held[i].l, pinfo, h->held[i].data);
    h->count = 0;
    h->released = TRUE;
}

/* The held records themselves are not cleared: count says which are. */
static void start_hold(frame_hold *h, guint32 frame)
{
    h->frame = frame;
    h->released = FALSE;
    h->count = 0;
}

/* Held records of an earlier frame are dropped unread: that frame's
 * record never came, which happens only when Wireshark's tap queue
 * overflowed (it warns), and their data is gone with the frame. */
static void hold(listener *l, packet_info *pinfo, const void *data)
{
    frame_hold *h = l->hold;

    if (h->frame != pinfo->num)
        start_hold(h, pinfo->num);
    if (!h->released && h->count == HELD_RECORDS)
        release(h, pinfo);
    if (h->released)
        deliver(l, pinfo, data);
    else
        h->held[h->count++] = (held_record){l, data};
}

static gboolean is_ip_tap(int tap)
{
    return tap == PKTAN_TAP_IP || tap == PKTAN_TAP_IPV6;
}

static guint8 upper_protocol(int tap, const void *data)
{
    return tap == PKTAN_TAP_IPV6 ? ((const ws_ip6 *)data)->ip6_nxt : ((const ws_ip4 *)data)->ip_proto;
}

static gboolean transport_record(pktan_frame_record *r, const packet_info *pinfo, port_type ptype,
                                 const address *src, const address *dst, guint16 src_port,
                                 guint16 dst_port, guint32 stream)
{
    if (!pktan_is_pinfo_transport(pinfo, ptype, src, dst, src_port, dst_port) ||
        !pktan_addr_from_address(src, &r->src) || !pktan_addr_from_address(dst, &r->dst))
        return FALSE;
    r->to_lower_end = pktan_to_lower_end(src, dst, src_port, dst_port);
    r->src_port = src_port;
    r->dst_port = dst_port;
    r->stream = stream;
    return TRUE;
}

/* The frame record of the held records, if they are of the common shape:
 * an IP or IPv6 header (given twice when the quoted listener takes it too),
 * then the TCP or UDP header it carries, which is pinfo's. */
static gboolean common_shape(const frame_hold *h, const packet_info *pinfo, pktan_frame_record *r)
{
    const held_record *ip = &h->held[0], *transport;
    guint8 upper;

    if (h->count < 2 || h->count > 3 || !is_ip_tap(ip->l->tap) ||
        (h->count == 3 && h->held[1].data != ip->data))
        return FALSE;
    transport = &h->held[h->count - 1];
    upper = upper_protocol(ip->l->tap, ip->data);
    if (transport->l->tap == PKTAN_TAP_TCP && upper == PKTAN_IPPROTO_TCP) {
        const struct tcpheader *th = transport->data;
        r->transport = PKTAN_IPPROTO_TCP;
        r->tcp_flags = th->th_flags;
        r->hint = pktan_server_hint_of_tcp(th->th_flags);
        return transport_record(r, pinfo, PT_TCP, &th->ip_src, &th->ip_dst, th->th_sport,
                                th->th_dport, th->th_stream);
    }
    if (transport->l->tap == PKTAN_TAP_UDP && upper == PKTAN_IPPROTO_UDP) {
        const e_udphdr *uh = transport->data;
        r->transport = PKTAN_IPPROTO_UDP;
        r->tcp_flags = 0;
        r->hint = PKTAN_SERVER_HINT_NONE;
        return transport_record(r, pinfo, PT_UDP, &uh->ip_src, &uh->ip_dst, uh->uh_sport,
                                uh->uh_dport, uh->uh_stream);
    }
    return FALSE;
}

/* What the frame record has from pinfo itself. */
static void frame_fields(pktan_frame_record *r, packet_info *pinfo, int *layers)
{
    r->frame = pinfo->num;
    r->bytes = pinfo->fd->pkt_len;
    r->rel_time = pktan_ns_from_nstime(&pinfo->rel_ts);
    r->abs_time = pktan_ns_from_nstime(&pinfo->abs_ts);
    r->n_layers = pktan_unexpected_feed_layers(pinfo, layers);
}

static void read_frame_record(void *set_data, void *queued)
{
    tap_set *set = set_data;
    queued_frame *q = queued;
    const pktan_frame_record *r = &q->record;
    pktan_tcp_segment segment;

    q->record.layers = q->layers;
    /* Already in a run of frames: added at once, after the queued segments. */
    if (set->handshakes && r->transport == PKTAN_IPPROTO_TCP &&
        pktan_handshakes_segment_of_frame(set->handshakes, r, &segment))
        pktan_batch_process_now(set->segments, &segment);
    for (guint i = 0; i < set->frame_count; i++)
        set->frame_readers[i].frame(set->frame_readers[i].report, r);
}

static void prefetch_frame_record(void *set_data, const void *queued, pktan_prefetch_stage stage)
{
    const tap_set *set = set_data;
    const pktan_frame_record *r = &((const queued_frame *)queued)->record;

    if (set->handshakes && r->transport == PKTAN_IPPROTO_TCP)
        pktan_handshakes_prefetch(set->handshakes, r->stream, stage);
    for (guint i = 0; i < set->frame_count; i++)
        if (set->frame_readers[i].prefetch)
            set->frame_readers[i].prefetch(set->frame_readers[i].report, r, stage);
}

/* The frame tap's record: the frame's held records as one frame record,
 * or else one by one, then the frame's own record. (Not inlined: dispatch
 * runs for every record, and would save and restore the registers this
 * needs each time.) */
static G_GNUC_NO_INLINE void end_frame(listener *frame, packet_info *pinfo)
{
    frame_hold *h = frame->hold;
    queued_frame *q = pktan_batch_slot(h->frames);

    if (h->frame == pinfo->num && !h->released && common_shape(h, pinfo, &q->record)) {
        frame_fields(&q->record, pinfo, q->layers);
        pktan_batch_push(h->frames);
    } else if (h->frame == pinfo->num) {
        release(h, pinfo);
        deliver(frame, pinfo, NULL);
    } else {
        pktan_batch_flush(h->frames);
        deliver(frame, pinfo, NULL);
    }
    start_hold(h, 0);
}

static tap_packet_status dispatch(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                  const void *data, tap_flags_t flags _U_)
{
    listener *l = tapdata;

    l->dirty = TRUE;
    if (l->hold == NULL)
        deliver(l, pinfo, data);
    else if (l->tap == PKTAN_TAP_FRAME)
        end_frame(l, pinfo);
    else
        hold(l, pinfo, data);
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
    start_hold(&set->hold, 0);
    if (set->hold.frames)
        pktan_batch_discard(set->hold.frames);
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
    if (set->hold.frames)
        pktan_batch_flush(set->hold.frames);
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
    g_free(set->frame_readers);
    pktan_batch_free(set->hold.frames);
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
    set->all_read_frames = TRUE;
    for (int i = 0; i < SET_LISTENERS; i++) /* dirty: never drawn */
        set->listeners[i] = (listener){set, i / 2, FALSE, TRUE, NULL, NULL, NULL, 0, NULL};
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

/* A set holds frames once it has a frame listener, if every report that
 * reads its taps reads frame records too. */
static void update_holding(tap_set *set)
{
    gboolean holding = set->all_read_frames && listener_of(set, PKTAN_TAP_FRAME, FALSE)->registered;

    if (holding && set->hold.frames == NULL) {
        set->hold.frames = pktan_batch_new(sizeof(queued_frame), QUEUED_FRAMES, read_frame_record, set);
        pktan_batch_set_prefetch(set->hold.frames, prefetch_frame_record);
    }

    for (int i = 0; i < SET_LISTENERS; i++)
        set->listeners[i].hold = holding ? &set->hold : NULL;
}

static void add_frame_reader(tap_set *set, void *report, const pktan_report_reader *reader)
{
    if (reader->taps == 0)
        return;
    if (reader->frame == NULL) {
        set->all_read_frames = FALSE;
        return;
    }
    set->frame_readers = g_renew(frame_call, set->frame_readers, set->frame_count + 1);
    set->frame_readers[set->frame_count++] = (frame_call){report, reader->frame, reader->prefetch};
}

void pktan_report_listen(const pktan_report_output *output, void *report,
                         const pktan_report_reader *reader)
{
    tap_set *set = set_for(output);
    subscriber *s = g_new(subscriber, 1);

    s->report = report;
    s->reader = *reader;
    g_ptr_array_add(set->subscribers, s);
    add_frame_reader(set, report, reader);
    for (int t = 0; t < PKTAN_REPORT_TAPS; t++) {
        gboolean quoted = reader->quoted && (t == PKTAN_TAP_IP || t == PKTAN_TAP_IPV6);
        listener *l = listener_of(set, t, quoted);

        if (!(reader->taps & PKTAN_TAP_BIT(t)))
            continue;
        l->readers = g_renew(reader_call, l->readers, l->count + 1);
        l->readers[l->count++] = (reader_call){report, reader->packet};
        ensure_registered(l, quoted, output->args);
    }
    update_holding(set);
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
        update_holding(set);
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
