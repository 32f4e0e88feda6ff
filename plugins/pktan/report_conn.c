/* -z pktan,conn: TCP segments and UDP datagrams, and the headers ICMP
 * errors quote, into the connection-attempt tracker; the report is drawn
 * from it at the end. */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/dissectors/packet-ip.h>

#include "conn_feed.h"
#include "conn_report.h"
#include "reports.h"

typedef struct conn_report conn_report;

/* One per tap: register_tap_listener identifies listeners by tapdata. */
typedef struct {
    conn_report *report;
    int tap;
} conn_listener;

enum { TAP_IP, TAP_IPV6, TAP_TCP, TAP_UDP, TAP_COUNT };

struct conn_report {
    pktan_report_output output;
    pktan_conn *conn;
    pktan_conn_feed feed;
    int listeners;  /* registered listeners; the last one's finish frees */
    conn_listener by_tap[TAP_COUNT];
};

static tap_packet_status conn_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                     const void *data, tap_flags_t flags _U_)
{
    conn_listener *l = tapdata;
    pktan_conn_feed *feed = &l->report->feed;
    gboolean completed;

    switch (l->tap) {
    case TAP_IP: {
        const ws_ip4 *ip = data;
        pktan_conn_feed_ip(feed, pinfo, &ip->ip_src, &ip->ip_dst, ip->ip_proto);
        return TAP_PACKET_DONT_REDRAW;
    }
    case TAP_IPV6: {
        const ws_ip6 *ip = data;
        pktan_conn_feed_ip(feed, pinfo, &ip->ip6_src, &ip->ip6_dst, ip->ip6_nxt);
        return TAP_PACKET_DONT_REDRAW;
    }
    case TAP_TCP:
        pktan_conn_feed_tcp(feed, pinfo, data, &completed);
        return TAP_PACKET_REDRAW;
    default:
        pktan_conn_feed_udp(feed, pinfo, data);
        return TAP_PACKET_REDRAW;
    }
}

static void conn_reset(void *tapdata)
{
    pktan_conn_feed_reset(&((conn_listener *)tapdata)->report->feed);
}

static void conn_draw(void *tapdata)
{
    conn_report *r = ((conn_listener *)tapdata)->report;
    pktan_report_context ctx = pktan_report_output_context(&r->output);

    pktan_conn_report_write(r->conn, &ctx);
    fflush(ctx.out);
}

/* Each listener's finish runs when Wireshark removes it; the last frees. */
static void conn_finish(void *tapdata)
{
    conn_report *r = ((conn_listener *)tapdata)->report;

    if (--r->listeners > 0)
        return;
    pktan_report_output_close(&r->output);
    pktan_conn_free(r->conn);
    g_free(r);
}

void pktan_conn_start(pktan_args *args, FILE *out)
{
    static const char *const taps[TAP_COUNT] = {"ip", "ipv6", "tcp", "udp"};
    conn_report *r = g_new0(conn_report, 1);

    r->output = (pktan_report_output){args, out};
    r->conn = pktan_conn_new();
    pktan_conn_feed_init(&r->feed, r->conn);
    /* The IP listeners also see the headers ICMP errors quote; the TCP and
     * UDP ones only real segments and datagrams. The ip listener resets
     * and draws the report. */
    for (int t = 0; t < TAP_COUNT; t++) {
        gboolean ip = t == TAP_IP || t == TAP_IPV6;
        r->by_tap[t] = (conn_listener){r, t};
        pktan_listen_with_flags(taps[t], &r->by_tap[t], args,
                                ip ? TL_REQUIRES_ERROR_PACKETS : TL_REQUIRES_NOTHING,
                                t == TAP_IP ? conn_reset : NULL, conn_packet,
                                t == TAP_IP ? conn_draw : NULL, conn_finish);
        r->listeners++;
    }
}
