/* -z pktan,conn: TCP segments and UDP datagrams, and the headers ICMP
 * errors quote, into the connection-attempt tracker; the report is drawn
 * from it at the end. */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/dissectors/packet-ip.h>

#include "conn_feed.h"
#include "conn_report.h"
#include "report_taps.h"
#include "reports.h"

typedef struct {
    pktan_report_output output;
    pktan_conn *conn;
    pktan_conn_feed feed;
} conn_report;

/* ip and ipv6 also give the headers ICMP errors quote; udp only real
 * datagrams. TCP segments reach the tracker through report_taps. */
static void conn_packet(void *report, int tap, packet_info *pinfo, const void *data)
{
    pktan_conn_feed *feed = &((conn_report *)report)->feed;

    switch (tap) {
    case PKTAN_TAP_IP: {
        const ws_ip4 *ip = data;
        pktan_conn_feed_ip(feed, pinfo, &ip->ip_src, &ip->ip_dst, ip->ip_proto);
        break;
    }
    case PKTAN_TAP_IPV6: {
        const ws_ip6 *ip = data;
        pktan_conn_feed_ip(feed, pinfo, &ip->ip6_src, &ip->ip6_dst, ip->ip6_nxt);
        break;
    }
    default:
        pktan_conn_feed_udp(feed, pinfo, data);
    }
}

static void conn_frame(void *report, const pktan_frame_record *frame)
{
    pktan_conn_feed_frame(&((conn_report *)report)->feed, frame);
}

static void conn_reset(void *report)
{
    pktan_conn_feed_reset(&((conn_report *)report)->feed);
}

static void conn_draw(void *report)
{
    conn_report *r = report;
    pktan_report_context ctx = pktan_report_output_context(&r->output);

    pktan_conn_report_write(r->conn, &ctx);
    pktan_report_output_drawn(&r->output);
}

static void conn_finish(void *report)
{
    conn_report *r = report;

    pktan_report_output_close(&r->output);
    pktan_conn_free(r->conn);
    g_free(r);
}

char *pktan_conn_start(const pktan_report_output *output)
{
    static const pktan_report_reader reader = {
        PKTAN_TAP_BIT(PKTAN_TAP_IP) | PKTAN_TAP_BIT(PKTAN_TAP_IPV6) | PKTAN_TAP_BIT(PKTAN_TAP_UDP),
        TRUE, conn_packet, conn_frame, conn_reset, conn_draw, conn_finish, NULL};
    conn_report *r = g_new0(conn_report, 1);

    r->output = *output;
    r->conn = pktan_conn_new_sharing(pktan_report_handshakes(output));
    pktan_conn_feed_init(&r->feed, r->conn);
    pktan_report_listen(output, r, &reader);
    return NULL;
}
