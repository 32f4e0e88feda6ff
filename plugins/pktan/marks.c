/* Packet marks from the same connection-attempt tracker the reports use,
 * fed by a postdissector from the tap records the frame's dissection
 * queued (fetch_tapped_data), so that no protocol tree is needed.
 *
 * When: the tracker reads each frame once, the first time its tap records
 * exist (Wireshark's first pass as it reads the file; tshark's only pass).
 * Marks that later packets cannot change (a RST, an ICMP rejection, a slow
 * handshake's final ACK) appear at once; "unanswered" and "half_open" only
 * on later passes (in Wireshark: after the file is read, when a packet is
 * shown, filtered or Expert Information is opened). The same holds for
 * pktan.unexpected: a conversation's packets before the one that broke the
 * allowlist are marked on later passes, so in Wireshark only; tshark marks
 * from that packet on (its -2 first pass queues no tap records to read).
 *
 * Cost: a postdissector costs Wireshark about 1% of dissection time even
 * when it returns at once, and reading every frame into the tracker about
 * 2.5% more (callgrind, 10 000 connections). Marks are for people looking
 * at packets, so by default (mark_packets: auto) the postdissector exists
 * only in Wireshark's GUI; tshark, whose -z reports do not need it, pays
 * nothing unless asked (-o pktan.mark_packets:always). */
#include "marks.h"

#include <gmodule.h>
#include <wireshark.h>
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/dissectors/packet-ip.h>

#include "conn_feed.h"
#include "conn_verdict.h"
#include "epan_glue.h"
#include "flow_key.h"
#include "policy_prefs.h"
#include "unexpected_feed.h"

static int proto = -1;
static int hf_conn_outcome = -1;
static int hf_rtt_slow = -1;
static int hf_unexpected = -1;
static gint ett_pktan = -1;
static expert_field ei_conn_failed = EI_INIT;
static expert_field ei_rtt_slow = EI_INIT;
static expert_field ei_unexpected = EI_INIT;
static guint slow_handshake_ms = 200;
enum { MARK_AUTO, MARK_ALWAYS, MARK_NEVER };
static gint mark_packets = MARK_AUTO;
static gboolean in_gui;

/* What marks a frame, kept with the frame for later passes: the attempt
 * it may decide and its conversation's allowlist state. */
typedef struct {
    guint8 transport;  /* 0: no attempt */
    guint32 stream;
    const pktan_flagged_conversation *conversation; /* NULL: none */
} frame_marks;

static struct {
    pktan_conn *conn;
    pktan_conn_feed feed;
    pktan_unexpected *unexpected; /* NULL when the allowlist is broken */
    pktan_unexpected_feed unexpected_feed;
    guint policy_generation;
    gboolean marking;      /* the postdissector is registered */
    guint32 tracked_up_to; /* frames are read in order, once */
    int tap_ip, tap_ipv6, tap_tcp, tap_udp, tap_eth;
} marks;

/* Tracking a frame again (after a reset) overwrites all of it, so that no
 * pointer into a cleared tracker survives. */
static frame_marks *frame_marks_of(packet_info *pinfo, gboolean fresh)
{
    frame_marks *f = p_get_proto_data(wmem_file_scope(), pinfo, proto, 0);

    if (f == NULL && fresh) {
        f = wmem_new(wmem_file_scope(), frame_marks);
        p_add_proto_data(wmem_file_scope(), pinfo, proto, 0, f);
    }
    if (f != NULL && fresh)
        memset(f, 0, sizeof *f);
    return f;
}

static void remember(packet_info *pinfo, guint8 transport, guint32 stream)
{
    frame_marks *f = frame_marks_of(pinfo, FALSE);

    f->transport = transport;
    f->stream = stream;
}

/* The IP headers in order; TRUE if one carries ICMP (then every TCP or
 * UDP header in the frame is one the error quotes). *tunnel: the first
 * header carries UDP and another IP header follows (VXLAN and the like). */
static gboolean track_ip(packet_info *pinfo, gboolean *tunnel)
{
    gboolean icmp = FALSE;
    guint8 first = 0;
    int headers = 0;
    const ws_ip4 *ip;
    const ws_ip6 *ip6;

    for (int i = 0; (ip = fetch_tapped_data(marks.tap_ip, i)) != NULL; i++, headers++) {
        pktan_conn_feed_ip(&marks.feed, pinfo, &ip->ip_src, &ip->ip_dst, ip->ip_proto);
        icmp |= ip->ip_proto == PKTAN_IPPROTO_ICMP;
        first = headers == 0 ? ip->ip_proto : first;
    }
    for (int i = 0; (ip6 = fetch_tapped_data(marks.tap_ipv6, i)) != NULL; i++, headers++) {
        pktan_conn_feed_ip(&marks.feed, pinfo, &ip6->ip6_src, &ip6->ip6_dst, ip6->ip6_nxt);
        icmp |= ip6->ip6_nxt == PKTAN_IPPROTO_ICMPV6;
        first = headers == 0 ? ip6->ip6_nxt : first;
    }
    *tunnel = headers > 1 && first == PKTAN_IPPROTO_UDP;
    return icmp;
}

static void track_transports(packet_info *pinfo, gboolean tunnel)
{
    const struct tcpheader *th;
    const e_udphdr *uh;
    gboolean completed;

    for (int i = 0; (th = fetch_tapped_data(marks.tap_tcp, i)) != NULL; i++) {
        pktan_conn_feed_tcp(&marks.feed, pinfo, th, &completed);
        if (completed || (th->th_flags & (TH_SYN | TH_RST)))
            remember(pinfo, PKTAN_IPPROTO_TCP, th->th_stream);
    }
    for (int i = 0; (uh = fetch_tapped_data(marks.tap_udp, i)) != NULL; i++) {
        pktan_conn_feed_udp(&marks.feed, pinfo, uh);
        if (i == 0 && tunnel)
            pktan_conn_mark_tunnel(marks.conn, uh->uh_stream);
        else
            remember(pinfo, PKTAN_IPPROTO_UDP, uh->uh_stream);
    }
}

/* The frame's innermost conversation into the allowlist tracker: IP
 * headers up to one carrying ICMP (what an error quotes is not traffic),
 * then, in frames without ICMP, the TCP and UDP headers. */
static void track_unexpected(packet_info *pinfo, frame_marks *f)
{
    pktan_unexpected_feed *feed = &marks.unexpected_feed;
    gboolean icmp = FALSE;
    const ws_ip4 *ip;
    const ws_ip6 *ip6;
    const struct tcpheader *th;
    const e_udphdr *uh;

    if (marks.unexpected == NULL)
        return;
    for (int i = 0; !icmp && (ip = fetch_tapped_data(marks.tap_ip, i)) != NULL; i++) {
        pktan_unexpected_feed_ip(feed, pinfo, &ip->ip_src, &ip->ip_dst, ip->ip_proto);
        icmp = ip->ip_proto == PKTAN_IPPROTO_ICMP;
    }
    for (int i = 0; !icmp && (ip6 = fetch_tapped_data(marks.tap_ipv6, i)) != NULL; i++) {
        pktan_unexpected_feed_ip(feed, pinfo, &ip6->ip6_src, &ip6->ip6_dst, ip6->ip6_nxt);
        icmp = ip6->ip6_nxt == PKTAN_IPPROTO_ICMPV6;
    }
    for (int i = 0; !icmp && (uh = fetch_tapped_data(marks.tap_udp, i)) != NULL; i++)
        pktan_unexpected_feed_udp(feed, pinfo, uh);
    for (int i = 0; !icmp && (th = fetch_tapped_data(marks.tap_tcp, i)) != NULL; i++)
        pktan_unexpected_feed_tcp(feed, pinfo, th);
    f->conversation = pktan_unexpected_feed_frame(feed, marks.unexpected, pinfo);
}

/* Feeds the frame to the trackers unless it was read before; TRUE if it
 * is being read now. Only frames whose tap records exist can be read. */
static gboolean track(packet_info *pinfo)
{
    gboolean has_ip = fetch_tapped_data(marks.tap_ip, 0) != NULL ||
                      fetch_tapped_data(marks.tap_ipv6, 0) != NULL;
    gboolean tunnel;
    frame_marks *f;

    /* (Tap records exist only on passes that tap; eth covers non-IP frames.) */
    if (pinfo->num <= marks.tracked_up_to ||
        (!has_ip && fetch_tapped_data(marks.tap_eth, 0) == NULL))
        return FALSE;
    marks.tracked_up_to = pinfo->num;
    f = frame_marks_of(pinfo, TRUE);
    track_unexpected(pinfo, f);
    if (!has_ip)
        return TRUE;
    if (!track_ip(pinfo, &tunnel)) {
        track_transports(pinfo, tunnel);
    } else if (marks.feed.quoted_transport != 0 && marks.feed.quoted_stream != PKTAN_STREAM_UNKNOWN) {
        remember(pinfo, marks.feed.quoted_transport, marks.feed.quoted_stream);
    }
    return TRUE;
}

static proto_tree *pktan_subtree(proto_tree *tree, tvbuff_t *tvb, proto_tree **sub)
{
    if (*sub == NULL)
        *sub = proto_item_add_subtree(proto_tree_add_item(tree, proto, tvb, 0, 0, ENC_NA), ett_pktan);
    return *sub;
}

static void mark_outcome(packet_info *pinfo, proto_tree *sub, tvbuff_t *tvb, const pktan_attempt *a)
{
    const char *outcome = pktan_outcome_name(a->outcome);
    char detail[160];
    proto_item *item = proto_tree_add_string(sub, hf_conn_outcome, tvb, 0, 0, outcome);

    proto_item_set_generated(item);
    expert_add_info_format(pinfo, item, &ei_conn_failed, "Connection attempt %s: %s", outcome,
                           pktan_attempt_detail(a, detail, sizeof detail));
}

static void mark_slow(packet_info *pinfo, proto_tree *sub, tvbuff_t *tvb, const pktan_attempt *a)
{
    nstime_t irtt;
    proto_item *item;

    nstime_set_zero(&irtt);
    irtt.secs = (time_t)(a->answer_delay / PKTAN_NS_PER_SEC);
    irtt.nsecs = (int)(a->answer_delay % PKTAN_NS_PER_SEC);
    item = proto_tree_add_time(sub, hf_rtt_slow, tvb, 0, 0, &irtt);
    proto_item_set_generated(item);
    expert_add_info_format(pinfo, item, &ei_rtt_slow,
                           "Slow TCP handshake: iRTT %.3f ms (slow threshold %u ms, stream %u)",
                           (double)a->answer_delay / 1e6, slow_handshake_ms, a->stream);
}

static gboolean is_slow_handshake(const pktan_attempt *a, guint32 frame)
{
    return a->transport == PKTAN_IPPROTO_TCP && a->decisive_frame == frame &&
           (a->outcome == PKTAN_OUTCOME_ESTABLISHED ||
            a->outcome == PKTAN_OUTCOME_ESTABLISHED_AFTER_RETRY) &&
           a->answer_delay > (pktan_ns)slow_handshake_ms * 1000000;
}

static void mark_unexpected(packet_info *pinfo, proto_tree *sub, tvbuff_t *tvb,
                            const pktan_flagged_conversation *c)
{
    const char *name = proto_get_protocol_filter_name(c->protocol);
    proto_item *item = proto_tree_add_string(sub, hf_unexpected, tvb, 0, 0, name);

    proto_item_set_generated(item);
    if (c->flag_frame == pinfo->num)
        expert_add_info_format(pinfo, item, &ei_unexpected,
                               "Unexpected protocol: %s (%s) is not in the allowlist; the whole "
                               "conversation is marked", name, proto_get_protocol_name(c->protocol));
}

static void mark_attempt(packet_info *pinfo, proto_tree *tree, tvbuff_t *tvb, proto_tree **sub,
                         const frame_marks *f, gboolean settled)
{
    pktan_attempt a;
    gboolean known = f->transport == PKTAN_IPPROTO_TCP
                         ? pktan_conn_tcp_attempt(marks.conn, f->stream, &a)
                         : pktan_conn_udp_attempt(marks.conn, f->stream, &a);

    if (!known)
        return;
    if (pktan_attempt_marks_frame(&a, pinfo->num, settled))
        mark_outcome(pinfo, pktan_subtree(tree, tvb, sub), tvb, &a);
    if (is_slow_handshake(&a, pinfo->num))
        mark_slow(pinfo, pktan_subtree(tree, tvb, sub), tvb, &a);
}

static int dissect_marks(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    gboolean settled;
    const frame_marks *f;
    proto_tree *sub = NULL;

    if (mark_packets == MARK_NEVER)
        return 0;
    settled = !track(pinfo);
    f = frame_marks_of(pinfo, FALSE);
    if (f == NULL || tree == NULL)
        return 0;
    if (f->transport != 0)
        mark_attempt(pinfo, tree, tvb, &sub, f, settled);
    if (f->conversation != NULL && pktan_flagged_counts(f->conversation))
        mark_unexpected(pinfo, pktan_subtree(tree, tvb, &sub), tvb, f->conversation);
    return 0;
}

/* The allowlist as the preferences give it now; a broken one marks nothing
 * and says why once. */
static void rebuild_unexpected(void)
{
    char *error = NULL;
    pktan_policy *policy;

    pktan_unexpected_free(marks.unexpected);
    marks.unexpected = NULL;
    marks.policy_generation = pktan_policy_prefs_generation();
    policy = pktan_policy_from_prefs(NULL, &error);
    if (policy == NULL) {
        ws_warning("pktan: no pktan.unexpected marks: %s", error);
        g_free(error);
        return;
    }
    marks.unexpected = pktan_unexpected_new(policy);
}

static void marks_init(void)
{
    pktan_conn_feed_reset(&marks.feed);
    pktan_unexpected_feed_reset(&marks.unexpected_feed);
    marks.tracked_up_to = 0;
    if (!marks.marking)
        return;
    if (marks.unexpected == NULL || marks.policy_generation != pktan_policy_prefs_generation())
        rebuild_unexpected();
    else
        pktan_unexpected_reset(marks.unexpected);
}

void pktan_marks_register(int proto_pktan, module_t *prefs)
{
    static hf_register_info hf[] = {
        {&hf_conn_outcome,
         {"Connection outcome", "pktan.conn.outcome", FT_STRING, BASE_NONE, NULL, 0x0,
          "Outcome of the failed connection attempt this packet decided (the RST, the ICMP "
          "error, the last unanswered SYN, the last unanswered SYN/ACK)", HFILL}},
        {&hf_unexpected,
         {"Unexpected protocol", "pktan.unexpected", FT_STRING, BASE_NONE, NULL, 0x0,
          "This packet's conversation carries a protocol the allowlist does not allow (its "
          "filter name: bittorrent, rdp...)", HFILL}},
        {&hf_rtt_slow,
         {"Slow handshake iRTT", "pktan.rtt.slow", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "This packet completed a TCP handshake slower than the slow-handshake preference "
          "(value: the iRTT, SYN to final ACK)", HFILL}},
    };
    static gint *ett[] = {&ett_pktan};
    static ei_register_info ei[] = {
        {&ei_conn_failed, {"pktan.conn.failed", PI_SEQUENCE, PI_WARN,
                           "Connection attempt failed", EXPFILL}},
        {&ei_rtt_slow, {"pktan.rtt.slow_handshake", PI_SEQUENCE, PI_WARN,
                        "Slow TCP handshake", EXPFILL}},
        {&ei_unexpected, {"pktan.unexpected.protocol", PI_SECURITY, PI_WARN,
                          "Protocol not in the allowlist", EXPFILL}},
    };
    static const enum_val_t mark_modes[] = {
        {"auto", "Automatic", MARK_AUTO},
        {"always", "Always", MARK_ALWAYS},
        {"never", "Never", MARK_NEVER},
        {NULL, NULL, 0},
    };
    proto = proto_pktan;
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto), ei, array_length(ei));
    prefs_register_enum_preference(prefs, "mark_packets", "Mark packets",
                                   "Track connections as the file is read, to mark the packets "
                                   "that decided failed attempts (pktan.conn.outcome) and slow "
                                   "handshakes (pktan.rtt.slow) with expert info. auto: in "
                                   "Wireshark's GUI, not in tshark (about 3% of dissection time)",
                                   &mark_packets, mark_modes, FALSE);
    prefs_register_uint_preference(prefs, "slow_handshake_ms", "Slow handshake threshold (ms)",
                                   "Handshakes whose iRTT (SYN to final ACK) exceeds this carry "
                                   "pktan.rtt.slow and an expert-info warning",
                                   10, &slow_handshake_ms);
    marks.conn = pktan_conn_new();
    pktan_conn_feed_init(&marks.feed, marks.conn);
    register_init_routine(marks_init);
}

/* Wireshark's GUI (Qt) rather than tshark: only it has QApplication. */
static gboolean running_in_gui(void)
{
    GModule *self = g_module_open(NULL, 0);
    gpointer symbol = NULL;

    if (self == NULL)
        return FALSE;
    g_module_symbol(self, "_ZN12QApplication4execEv", &symbol);
    g_module_close(self);
    return symbol != NULL;
}

/* The postdissector, and the listener that keeps taps queued for it (taps
 * are queued only while some listener exists; as a dissector helper it is
 * no reason for tshark to dissect a file it would only copy). Once
 * registered, they stay: Wireshark exports no way to remove them. */
static void start_marking(void)
{
    static gboolean started;
    static int helper;
    GString *error;

    if (started)
        return;
    started = TRUE;
    marks.marking = TRUE;
    register_postdissector(create_dissector_handle(dissect_marks, proto));
    error = register_tap_listener("frame", &helper, NULL, TL_IS_DISSECTOR_HELPER, NULL, NULL,
                                  NULL, NULL);
    if (error != NULL) {
        ws_warning("pktan: packet marks disabled: %s", error->str);
        g_string_free(error, TRUE);
    }
}

/* Preferences are read after the handoff; -o values too. */
void pktan_marks_prefs_applied(void)
{
    if (mark_packets == MARK_ALWAYS || (mark_packets == MARK_AUTO && in_gui))
        start_marking();
}

void pktan_marks_handoff(void)
{
    marks.tap_ip = find_tap_id("ip");
    marks.tap_ipv6 = find_tap_id("ipv6");
    marks.tap_tcp = find_tap_id("tcp");
    marks.tap_udp = find_tap_id("udp");
    marks.tap_eth = find_tap_id("eth");
    in_gui = running_in_gui();
    pktan_marks_prefs_applied();
}
