/* -z pktan,dests: listens on the ip and ipv6 taps, as Wireshark's own
 * Destinations and Ports does, and hands binary keys to the core. */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/dissectors/packet-ip.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/dissectors/packet-udp.h>

#include "batch.h"
#include "dests.h"
#include "dests_report.h"
#include "epan_glue.h"
#include "report_taps.h"
#include "reports.h"

/* The counts wait in a queue (see batch.h) and are added in runs:
 * nothing in a -z report reads a row before the report is drawn. */
#define QUEUED_COUNTS 128

typedef enum { COUNT_PACKET, COUNT_STREAM_PACKET, COUNT_CONVERSATION } count_kind;

/* One pktan_dests_add_*() call, with its arguments. */
typedef struct {
    count_kind kind;
    pktan_dest_key key; /* a conversation's source end */
    pktan_dest_key to;  /* COUNT_CONVERSATION: its destination end */
    guint32 hash;       /* COUNT_PACKET: the key's */
    pktan_streams streams;
    guint32 stream;
    gboolean to_lower_end;
    pktan_server_hint hint;
    guint32 bytes;
    pktan_ns when;
} queued_count;

typedef struct {
    pktan_report_output output;
    pktan_dests *dests;
    pktan_batch *queue; /* of queued_count */
} dests_report;

static void add_count(void *dests, void *record)
{
    const queued_count *q = record;

    switch (q->kind) {
    case COUNT_PACKET:
        pktan_dests_add_hashed_packet(dests, &q->key, q->hash, q->bytes, q->when);
        break;
    case COUNT_STREAM_PACKET:
        pktan_dests_add_stream_packet(dests, &q->key, q->streams, q->stream, q->to_lower_end,
                                      q->bytes, q->when);
        break;
    default:
        pktan_dests_conversation_hint(pktan_dests_add_conversation_packet(
                                          dests, &q->key, &q->to, q->stream, q->bytes, q->when),
                                      q->hint);
        break;
    }
}

static void prefetch_count(void *dests, const void *record, pktan_prefetch_stage stage)
{
    const queued_count *q = record;

    /* A stream packet's count comes from a frame record, never queued. */
    if (q->kind == COUNT_PACKET)
        pktan_dests_prefetch_row(dests, q->hash, stage);
    else if (q->kind == COUNT_CONVERSATION)
        pktan_dests_prefetch_conversation(dests, q->key.ip_proto, q->stream, stage);
}

static void queue_count(dests_report *r, const queued_count *count)
{
    *(queued_count *)pktan_batch_slot(r->queue) = *count;
    pktan_batch_push(r->queue);
}

/* The protocol after this IP header, from the header's tap data. */
static guint8 header_protocol(int tap, const void *data)
{
    return tap == PKTAN_TAP_IPV6 ? ((const ws_ip6 *)data)->ip6_nxt : ((const ws_ip4 *)data)->ip_proto;
}

static const address *header_address(int tap, const void *data, gboolean source)
{
    if (tap == PKTAN_TAP_IPV6)
        return source ? &((const ws_ip6 *)data)->ip6_src : &((const ws_ip6 *)data)->ip6_dst;
    return source ? &((const ws_ip4 *)data)->ip_src : &((const ws_ip4 *)data)->ip_dst;
}

/* packets view: the destination, transport and port Wireshark's
 * Destinations and Ports reads from pinfo once the frame is dissected
 * (header_proto names transports without ports). FALSE when the packet does
 * not count: not IP, or not sent by args->host. */
static gboolean packet_key(packet_info *pinfo, guint8 header_proto,
                           const pktan_args *args, pktan_dest_key *key)
{
    pktan_addr dst, src;
    guint8 transport = pktan_ip_proto_of_port_type(pinfo->ptype);

    if (!pktan_addr_from_address(&pinfo->net_dst, &dst))
        return FALSE;
    if (args->has_host &&
        (!pktan_addr_from_address(&pinfo->net_src, &src) || !pktan_addr_equal(&src, &args->host)))
        return FALSE;
    if (transport)
        pktan_dest_key_make(key, &dst, transport, TRUE, (guint16)pinfo->destport);
    else
        pktan_dest_key_make(key, &dst, header_proto, FALSE, 0);
    return TRUE;
}

/* Every IP header of a frame counts at the key pinfo gives once the frame
 * is dissected, found by the key's hash. (Found by the frame's TCP or UDP
 * stream instead, it took a second tap callback a packet, whose code
 * tshark's dissection evicts between any two: that cost more than the
 * hash, docs/performance-notes.md.) Written in the queue's slot, not
 * copied there. */
static void packets_view_packet(void *report, int tap, packet_info *pinfo, const void *data)
{
    dests_report *r = report;
    queued_count *q = pktan_batch_slot(r->queue);

    if (!packet_key(pinfo, header_protocol(tap, data), r->output.args, &q->key))
        return;
    q->kind = COUNT_PACKET;
    q->hash = pktan_dests_key_hash(&q->key);
    q->bytes = pinfo->fd->pkt_len;
    q->when = pktan_ns_from_nstime(&pinfo->rel_ts);
    pktan_batch_push(r->queue);
}

/* servers view: one packet of a conversation, both directions counted at
 * its server; FALSE when args->host is neither end. */
static gboolean conversation_count(const dests_report *r, guint32 bytes, pktan_ns when,
                                   const pktan_addr *src, const pktan_addr *dst, guint8 proto,
                                   gboolean has_ports, guint16 src_port, guint16 dst_port,
                                   guint32 stream, pktan_server_hint hint, queued_count *count)
{
    const pktan_args *args = r->output.args;

    if (args->has_host && !pktan_addr_equal(src, &args->host) && !pktan_addr_equal(dst, &args->host))
        return FALSE;
    *count = (queued_count){.kind = COUNT_CONVERSATION, .stream = stream, .hint = hint,
                            .bytes = bytes, .when = when};
    pktan_dest_key_make(&count->key, src, proto, has_ports, src_port);
    pktan_dest_key_make(&count->to, dst, proto, has_ports, dst_port);
    return TRUE;
}

/* The same from Wireshark's addresses; none for other than IPv4 and IPv6. */
static void count_conversation(dests_report *r, packet_info *pinfo, const address *src_address,
                               const address *dst_address, guint8 proto, gboolean has_ports,
                               guint16 src_port, guint16 dst_port, guint32 stream,
                               pktan_server_hint hint)
{
    pktan_addr src, dst;
    queued_count count;

    if (pktan_addr_from_address(src_address, &src) && pktan_addr_from_address(dst_address, &dst) &&
        conversation_count(r, pinfo->fd->pkt_len, pktan_ns_from_nstime(&pinfo->rel_ts), &src,
                           &dst, proto, has_ports, src_port, dst_port, stream, hint, &count))
        queue_count(r, &count);
}

/* servers view, IP header: conversations of transports other than TCP and
 * UDP (those come from their own taps); SCTP and DCCP ports from
 * pinfo, as Wireshark's own Destinations and Ports reads them. */
static void count_ip_conversation(dests_report *r, int tap, packet_info *pinfo,
                                  const void *data)
{
    guint8 proto = header_protocol(tap, data);
    gboolean has_ports = proto != 0 && pktan_ip_proto_of_port_type(pinfo->ptype) == proto;

    if (proto == PKTAN_IPPROTO_TCP || proto == PKTAN_IPPROTO_UDP)
        return;
    count_conversation(r, pinfo, header_address(tap, data, TRUE), header_address(tap, data, FALSE),
                       proto, has_ports, (guint16)pinfo->srcport, (guint16)pinfo->destport, 0,
                       PKTAN_SERVER_HINT_NONE);
}

/* Headers quoted in ICMP errors never reach this report. */
static void count_transport_conversation(dests_report *r, int tap, packet_info *pinfo,
                                         const void *data)
{
    const struct tcpheader *th = data;
    const e_udphdr *uh = data;

    if (tap == PKTAN_TAP_UDP)
        count_conversation(r, pinfo, &uh->ip_src, &uh->ip_dst, PKTAN_IPPROTO_UDP, TRUE,
                           uh->uh_sport, uh->uh_dport, uh->uh_stream, PKTAN_SERVER_HINT_NONE);
    else
        count_conversation(r, pinfo, &th->ip_src, &th->ip_dst, PKTAN_IPPROTO_TCP, TRUE,
                           th->th_sport, th->th_dport, th->th_stream,
                           pktan_server_hint_of_tcp(th->th_flags));
}

static void servers_view_packet(void *report, int tap, packet_info *pinfo, const void *data)
{
    if (tap == PKTAN_TAP_TCP || tap == PKTAN_TAP_UDP)
        count_transport_conversation(report, tap, pinfo, data);
    else
        count_ip_conversation(report, tap, pinfo, data);
}

/* A frame record: its IP header counts at its TCP or UDP header's stream
 * end, found by the stream after the first time (the record has it for
 * free). The set's queue already runs frame records together, so a frame
 * record's count is added at once, not queued again. */
static void packets_view_frame(void *report, const pktan_frame_record *frame)
{
    dests_report *r = report;
    const pktan_args *args = r->output.args;
    queued_count count = {.kind = COUNT_STREAM_PACKET,
                          .streams = pktan_streams_of_transport(frame->transport),
                          .stream = frame->stream,
                          .to_lower_end = frame->to_lower_end,
                          .bytes = frame->bytes,
                          .when = frame->rel_time};

    if (args->has_host && !pktan_addr_equal(&frame->src, &args->host))
        return;
    pktan_dest_key_make(&count.key, &frame->dst, frame->transport, TRUE, frame->dst_port);
    pktan_batch_process_now(r->queue, &count);
}

static void packets_view_prefetch(void *report, const pktan_frame_record *frame,
                                  pktan_prefetch_stage stage)
{
    const dests_report *r = report;
    pktan_dest_key key;

    if (pktan_dests_prefetch_stream_end(r->dests, pktan_streams_of_transport(frame->transport),
                                        frame->stream, frame->to_lower_end, stage)) {
        pktan_dest_key_make(&key, &frame->dst, frame->transport, TRUE, frame->dst_port);
        pktan_dests_prefetch_new_row(r->dests, &key);
    }
}

static void servers_view_prefetch(void *report, const pktan_frame_record *frame,
                                  pktan_prefetch_stage stage)
{
    const dests_report *r = report;

    pktan_dests_prefetch_conversation(r->dests, frame->transport, frame->stream, stage);
}

static void servers_view_frame(void *report, const pktan_frame_record *frame)
{
    dests_report *r = report;
    queued_count count;

    if (conversation_count(r, frame->bytes, frame->rel_time, &frame->src, &frame->dst,
                           frame->transport, TRUE, frame->src_port, frame->dst_port, frame->stream,
                           frame->hint, &count))
        pktan_batch_process_now(r->queue, &count);
}

static void dests_reset(void *report)
{
    dests_report *r = report;

    pktan_dests_reset(r->dests);
    pktan_batch_discard(r->queue);
}

static void dests_draw(void *report)
{
    dests_report *r = report;
    pktan_report_context ctx = pktan_report_output_context(&r->output);

    pktan_batch_flush(r->queue);
    pktan_dests_report_write(r->dests, &ctx);
    pktan_report_output_drawn(&r->output);
}

static void dests_finish(void *report)
{
    dests_report *r = report;

    pktan_report_output_close(&r->output);
    pktan_batch_free(r->queue);
    pktan_dests_free(r->dests);
    g_free(r);
}

/* The servers view reads TCP and UDP conversations from their own taps,
 * whose records hold each header's own ports and stream (pinfo holds only
 * the innermost ones, wrong for the outer header of a tunnel); the packets
 * view only IP headers, and the frame records of a set that makes them. */
char *pktan_dests_start(const pktan_report_output *output)
{
    pktan_report_reader reader = {
        PKTAN_TAP_BIT(PKTAN_TAP_IP) | PKTAN_TAP_BIT(PKTAN_TAP_IPV6), FALSE, packets_view_packet,
        packets_view_frame, dests_reset, dests_draw, dests_finish, packets_view_prefetch};
    dests_report *r = g_new0(dests_report, 1);

    if (output->args->view != PKTAN_VIEW_PACKETS) {
        reader.taps |= PKTAN_TAP_BIT(PKTAN_TAP_TCP) | PKTAN_TAP_BIT(PKTAN_TAP_UDP);
        reader.packet = servers_view_packet;
        reader.frame = servers_view_frame;
        reader.prefetch = servers_view_prefetch;
    }

    r->output = *output;
    r->dests = pktan_dests_new(output->args->view);
    r->queue = pktan_batch_new(sizeof(queued_count), QUEUED_COUNTS, add_count, r->dests);
    pktan_batch_set_prefetch(r->queue, prefetch_count);
    pktan_report_listen(output, r, &reader);
    return NULL;
}
