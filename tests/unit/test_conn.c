/* Connection outcomes from packet sequences: each outcome, the ICMP cases
 * (server, router, lost on the way back, an 8-byte quote with no stream,
 * an error about the server's own reply, path-MTU errors) and the verdict
 * sentences built from them. */
#include <string.h>

#include <glib.h>

#include "conn.h"
#include "conn_verdict.h"
#include "flow_key.h"

#define SYN PKTAN_TCP_SYN
#define ACK PKTAN_TCP_ACK
#define RST PKTAN_TCP_RST
#define MS(x) ((pktan_ns)(x) * 1000000)

static const char *const CLIENT = "10.0.0.1", *const SERVER = "10.0.0.2";

typedef struct {
    pktan_conn *conn;
    guint32 frame;
} trace;

static void tcp(trace *t, guint32 stream, gboolean to_server, guint16 flags, pktan_ns time)
{
    pktan_tcp_segment s = {0};
    gboolean completed;

    g_assert_true(pktan_addr_parse(to_server ? CLIENT : SERVER, &s.src));
    g_assert_true(pktan_addr_parse(to_server ? SERVER : CLIENT, &s.dst));
    s.stream = stream;
    s.src_port = to_server ? 40000 + stream : 443;
    s.dst_port = to_server ? 443 : 40000 + stream;
    s.flags = flags;
    s.time = time;
    s.frame = ++t->frame;
    pktan_handshakes_add(pktan_conn_handshakes(t->conn), &s, &completed);
}

static void udp(trace *t, const char *src, guint16 sport, const char *dst, guint16 dport,
                pktan_ns time)
{
    pktan_udp_datagram d = {0};

    g_assert_true(pktan_addr_parse(src, &d.src));
    g_assert_true(pktan_addr_parse(dst, &d.dst));
    d.stream = 7;
    d.src_port = sport;
    d.dst_port = dport;
    d.time = time;
    d.frame = ++t->frame;
    pktan_conn_add_udp(t->conn, &d);
}

/* An error from `from` quoting a packet src:sport -> dst:dport of stream. */
static void icmp(trace *t, guint8 transport, guint32 stream, const char *from, guint8 type,
                 guint8 code, const char *src, guint16 sport, const char *dst, guint16 dport,
                 pktan_ns time)
{
    pktan_icmp_error e = {0};

    g_assert_true(pktan_addr_parse(from, &e.from));
    g_assert_true(pktan_addr_parse(src, &e.quoted_src));
    g_assert_true(pktan_addr_parse(dst, &e.quoted_dst));
    e.transport = transport;
    e.stream = stream;
    e.type = type;
    e.code = code;
    e.quoted_src_port = sport;
    e.quoted_dst_port = dport;
    e.time = time;
    e.frame = ++t->frame;
    pktan_conn_add_icmp(t->conn, &e);
}

typedef struct {
    pktan_attempt attempts[8];
    guint n;
} collected;

static void collect(const pktan_attempt *a, void *user)
{
    collected *c = user;
    g_assert_cmpuint(c->n, <, G_N_ELEMENTS(c->attempts));
    c->attempts[c->n++] = *a;
}

static collected attempts_of(trace *t)
{
    collected c;

    memset(&c, 0, sizeof c);
    pktan_conn_foreach_attempt(t->conn, collect, &c);
    return c;
}

/* The verdict of the destination of a single attempt (freed by the caller). */
static char *verdict_of(const pktan_attempt *a)
{
    pktan_destination d;

    pktan_destination_init(&d, a);
    pktan_destination_add(&d, a);
    return pktan_destination_verdict(&d);
}

static void assert_verdict(const pktan_attempt *a, const char *phrase)
{
    char *v = verdict_of(a);
    if (strstr(v, phrase) == NULL)
        g_error("verdict \"%s\" lacks \"%s\"", v, phrase);
    g_free(v);
}

static void test_tcp_outcomes(void)
{
    trace t = {pktan_conn_new(), 0};
    collected c;

    tcp(&t, 0, TRUE, SYN, MS(0));                      /* established */
    tcp(&t, 0, FALSE, SYN | ACK, MS(10));
    tcp(&t, 0, TRUE, ACK, MS(11));
    tcp(&t, 1, TRUE, SYN, MS(100));                    /* after retry */
    tcp(&t, 1, TRUE, SYN, MS(1100));
    tcp(&t, 1, FALSE, SYN | ACK, MS(1110));
    tcp(&t, 1, TRUE, ACK, MS(1111));
    tcp(&t, 2, TRUE, SYN, MS(2000));                   /* refused */
    tcp(&t, 2, FALSE, RST | ACK, MS(2000) + 400000);
    tcp(&t, 3, TRUE, SYN, MS(3000));                   /* unanswered */
    tcp(&t, 3, TRUE, SYN, MS(4000));
    tcp(&t, 3, TRUE, SYN, MS(6000));
    tcp(&t, 4, TRUE, SYN, MS(7000));                   /* half-open */
    tcp(&t, 4, FALSE, SYN | ACK, MS(7010));
    tcp(&t, 4, FALSE, SYN | ACK, MS(8010));
    tcp(&t, 5, TRUE, SYN, MS(9000));                   /* half-open, client resets */
    tcp(&t, 5, FALSE, SYN | ACK, MS(9010));
    tcp(&t, 5, TRUE, RST, MS(9011));
    tcp(&t, 6, TRUE, ACK, MS(9500));                   /* midstream */
    tcp(&t, 6, FALSE, ACK, MS(9501));

    c = attempts_of(&t);
    g_assert_cmpuint(c.n, ==, 7);
    g_assert_cmpint(c.attempts[0].outcome, ==, PKTAN_OUTCOME_ESTABLISHED);
    g_assert_cmpuint(c.attempts[0].decisive_frame, ==, 3);
    g_assert_cmpint(c.attempts[1].outcome, ==, PKTAN_OUTCOME_ESTABLISHED_AFTER_RETRY);
    g_assert_cmpuint(c.attempts[1].syn_count, ==, 2);
    assert_verdict(&c.attempts[1], "only after retransmitted SYNs (up to 1.0 s lost)");
    g_assert_cmpint(c.attempts[2].outcome, ==, PKTAN_OUTCOME_REFUSED);
    g_assert_cmpuint(c.attempts[2].decisive_frame, ==, 9);
    g_assert_cmpint(c.attempts[2].answer_delay, ==, 400000);
    assert_verdict(&c.attempts[2], "1 of 1 attempts refused by 10.0.0.2 (RST in 0.400 ms): "
                                   "nothing listens on port 443 or a firewall resets");
    g_assert_cmpint(c.attempts[3].outcome, ==, PKTAN_OUTCOME_UNANSWERED);
    g_assert_cmpuint(c.attempts[3].decisive_frame, ==, 12);
    assert_verdict(&c.attempts[3], "unanswered (3 SYNs over 3.0 s): SYNs dropped on the path "
                                   "or by a firewall (no RST, no ICMP seen)");
    g_assert_cmpint(c.attempts[4].outcome, ==, PKTAN_OUTCOME_HALF_OPEN);
    g_assert_cmpuint(c.attempts[4].decisive_frame, ==, 15);
    g_assert_cmpuint(c.attempts[4].synack_count, ==, 2);
    assert_verdict(&c.attempts[4], "SYN/ACK sent but no final ACK");
    g_assert_cmpint(c.attempts[5].outcome, ==, PKTAN_OUTCOME_HALF_OPEN);
    g_assert_true(c.attempts[5].client_reset);
    assert_verdict(&c.attempts[5], "the client answered the SYN/ACK with RST");
    g_assert_cmpint(c.attempts[6].outcome, ==, PKTAN_OUTCOME_MIDSTREAM);
    assert_verdict(&c.attempts[6], "already open when the capture started");
    pktan_conn_free(t.conn);
}

static void test_icmp_rejections(void)
{
    trace t = {pktan_conn_new(), 0};
    collected c;
    pktan_attempt a;

    /* Rejected by the server; it keeps coming: the errors were lost. */
    tcp(&t, 0, TRUE, SYN, MS(0));
    icmp(&t, PKTAN_IPPROTO_TCP, 0, SERVER, 3, 3, CLIENT, 40000, SERVER, 443, MS(1));
    tcp(&t, 0, TRUE, SYN, MS(1000));
    icmp(&t, PKTAN_IPPROTO_TCP, 0, SERVER, 3, 3, CLIENT, 40000, SERVER, 443, MS(1001));
    /* Rejected by a router, and a path-MTU error that rejects nothing. */
    tcp(&t, 1, TRUE, SYN, MS(2000));
    icmp(&t, PKTAN_IPPROTO_TCP, 1, "192.0.2.1", 3, 4, CLIENT, 40001, SERVER, 443, MS(2001));
    icmp(&t, PKTAN_IPPROTO_TCP, 1, "192.0.2.1", 3, 13, CLIENT, 40001, SERVER, 443, MS(2002));

    c = attempts_of(&t);
    g_assert_cmpuint(c.n, ==, 2);
    g_assert_cmpint(c.attempts[0].outcome, ==, PKTAN_OUTCOME_ICMP_REJECTED);
    g_assert_cmpuint(c.attempts[0].decisive_frame, ==, 2);
    g_assert_cmpuint(c.attempts[0].icmp_count, ==, 2);
    g_assert_true(c.attempts[0].retried_after_icmp);
    assert_verdict(&c.attempts[0], "rejected by 10.0.0.2 itself (ICMP port unreachable): a firewall "
                                   "on the server rejects them; the client kept retrying after the "
                                   "ICMP errors");
    g_assert_cmpint(c.attempts[1].outcome, ==, PKTAN_OUTCOME_ICMP_REJECTED);
    g_assert_cmpuint(c.attempts[1].icmp_code, ==, 13);
    g_assert_cmpuint(c.attempts[1].decisive_frame, ==, 7);
    g_assert_false(c.attempts[1].retried_after_icmp);
    assert_verdict(&c.attempts[1], "rejected by router 192.0.2.1 (ICMP communication "
                                   "administratively prohibited)");
    {
        /* Both at one destination: the router's code is named as the router's. */
        pktan_destination d;
        char *v;

        pktan_destination_init(&d, &c.attempts[0]);
        pktan_destination_add(&d, &c.attempts[0]);
        pktan_destination_add(&d, &c.attempts[1]);
        v = pktan_destination_verdict(&d);
        g_assert_nonnull(strstr(v, "2 of 2 attempts rejected by router 192.0.2.1 (ICMP communication "
                                   "administratively prohibited): a router or firewall on the path "
                                   "blocks them (1 by the server itself); the client kept retrying"));
        g_free(v);
    }
    g_assert_true(pktan_conn_tcp_attempt(t.conn, 1, &a));
    g_assert_cmpint(a.outcome, ==, PKTAN_OUTCOME_ICMP_REJECTED);
    g_assert_false(pktan_conn_tcp_attempt(t.conn, 9, &a));
    pktan_conn_free(t.conn);

    /* An error whose attempt was not captured still counts, from the quote. */
    t = (trace){pktan_conn_new(), 0};
    icmp(&t, PKTAN_IPPROTO_TCP, PKTAN_STREAM_UNKNOWN, "fd00::9", 1, 1, "fd00::1", 40000, "fd00::2", 22, MS(5));
    c = attempts_of(&t);
    g_assert_cmpuint(c.n, ==, 1);
    g_assert_cmpint(c.attempts[0].outcome, ==, PKTAN_OUTCOME_ICMP_REJECTED);
    g_assert_cmpuint(c.attempts[0].server_port, ==, 22);
    assert_verdict(&c.attempts[0], "rejected by router fd00::9 (ICMP communication administratively "
                                   "prohibited)");
    pktan_conn_free(t.conn);
}

static void test_udp(void)
{
    trace t = {pktan_conn_new(), 0};
    collected c;

    udp(&t, CLIENT, 5353, "224.0.0.251", 5353, MS(0));   /* multicast: no attempt */
    udp(&t, CLIENT, 40000, SERVER, 53, MS(1));           /* answered */
    udp(&t, SERVER, 53, CLIENT, 40000, MS(2));
    /* The client has gone; a late reply is rejected by the client: that
     * rejects nothing anybody tried. */
    icmp(&t, PKTAN_IPPROTO_UDP, 7, CLIENT, 3, 3, SERVER, 53, CLIENT, 40000, MS(3));

    c = attempts_of(&t);
    g_assert_cmpuint(c.n, ==, 1);
    g_assert_cmpint(c.attempts[0].outcome, ==, PKTAN_OUTCOME_ESTABLISHED);
    g_assert_false(c.attempts[0].has_icmp);
    pktan_conn_free(t.conn);

    t = (trace){pktan_conn_new(), 0};
    udp(&t, CLIENT, 40001, SERVER, 9083, MS(0));
    icmp(&t, PKTAN_IPPROTO_UDP, 7, SERVER, 3, 3, CLIENT, 40001, SERVER, 9083, MS(1));
    c = attempts_of(&t);
    g_assert_cmpuint(c.n, ==, 1);
    g_assert_cmpint(c.attempts[0].outcome, ==, PKTAN_OUTCOME_ICMP_REJECTED);
    g_assert_cmpuint(c.attempts[0].syn_count, ==, 0);
    assert_verdict(&c.attempts[0], "nothing listens on UDP port 9083");
    pktan_conn_free(t.conn);

    t = (trace){pktan_conn_new(), 0};
    udp(&t, CLIENT, 40002, SERVER, 9085, MS(0));
    c = attempts_of(&t);
    g_assert_cmpint(c.attempts[0].outcome, ==, PKTAN_OUTCOME_UNANSWERED);
    assert_verdict(&c.attempts[0], "no reply and no ICMP error seen");
    pktan_conn_free(t.conn);
}

static void test_mixed_destination(void)
{
    trace t = {pktan_conn_new(), 0};
    collected c;
    pktan_destination d;
    char *v;

    for (guint32 s = 0; s < 3; s++) {
        tcp(&t, s, TRUE, SYN, MS(10 * s));
        tcp(&t, s, FALSE, RST | ACK, MS(10 * s + 1));
    }
    tcp(&t, 3, TRUE, SYN, MS(100));
    tcp(&t, 4, TRUE, SYN, MS(200));
    tcp(&t, 4, FALSE, SYN | ACK, MS(210));
    tcp(&t, 4, TRUE, ACK, MS(211));
    c = attempts_of(&t);
    pktan_destination_init(&d, &c.attempts[0]);
    for (guint i = 0; i < c.n; i++)
        pktan_destination_add(&d, &c.attempts[i]);
    g_assert_cmpuint(pktan_destination_failures(&d), ==, 4);
    v = pktan_destination_verdict(&d);
    g_assert_cmpstr(v, ==, "3 of 5 attempts refused by 10.0.0.2 (RST in 1.0 ms): nothing listens on "
                           "port 443 or a firewall resets; also 1 unanswered");
    g_free(v);
    pktan_conn_free(t.conn);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/conn/tcp_outcomes", test_tcp_outcomes);
    g_test_add_func("/conn/icmp_rejections", test_icmp_rejections);
    g_test_add_func("/conn/udp", test_udp);
    g_test_add_func("/conn/mixed_destination", test_mixed_destination);
    return g_test_run();
}
