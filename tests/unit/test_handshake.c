/* The handshake tracker on the cases real captures contain, and the
 * nearest-rank statistics of the RTT report. */
#include <stdlib.h>

#include <glib.h>

#include "handshake.h"
#include "time_stats.h"

#define SYN PKTAN_TCP_SYN
#define ACK PKTAN_TCP_ACK
#define RST PKTAN_TCP_RST
#define MS(x) ((pktan_ns)(x) * 1000000)

typedef struct {
    pktan_handshakes *hs;
    guint32 frame;
} trace;

/* One segment of stream 0 between 10.0.0.1:40000 (client) and
 * 10.0.0.2:443; to_server picks the direction. */
static const pktan_handshake *seg(trace *t, gboolean to_server, guint16 flags, pktan_ns time,
                                  gboolean *completed)
{
    pktan_tcp_segment s = {0};
    gboolean done;
    g_assert_true(pktan_addr_parse(to_server ? "10.0.0.1" : "10.0.0.2", &s.src));
    g_assert_true(pktan_addr_parse(to_server ? "10.0.0.2" : "10.0.0.1", &s.dst));
    s.src_port = to_server ? 40000 : 443;
    s.dst_port = to_server ? 443 : 40000;
    s.flags = flags;
    s.time = time;
    s.frame = ++t->frame;
    return pktan_handshakes_add(t->hs, &s, completed ? completed : &done);
}

static void test_plain_and_retransmitted(void)
{
    trace t = {pktan_handshakes_new(), 0};
    gboolean completed;
    const pktan_handshake *h;

    seg(&t, TRUE, SYN, MS(0), NULL);
    seg(&t, TRUE, SYN, MS(1000), NULL);          /* retransmitted SYN */
    seg(&t, FALSE, SYN | ACK, MS(1030), NULL);
    seg(&t, FALSE, SYN | ACK, MS(2030), NULL);   /* retransmitted SYN/ACK */
    h = seg(&t, TRUE, ACK, MS(2031), &completed);
    g_assert_true(completed);
    g_assert_cmpint(h->state, ==, PKTAN_HS_COMPLETE);
    g_assert_cmpuint(h->syn_count, ==, 2);
    g_assert_cmpuint(h->synack_count, ==, 2);
    g_assert_cmpuint(h->first_syn_frame, ==, 1);
    g_assert_cmpuint(h->syn_frame, ==, 2);
    g_assert_cmpuint(h->synack_frame, ==, 4);
    g_assert_cmpuint(h->ack_frame, ==, 5);
    g_assert_cmpint(pktan_handshake_irtt(h), ==, MS(1031));
    g_assert_cmpint(pktan_handshake_syn_synack(h), ==, MS(1030));
    g_assert_cmpint(pktan_handshake_synack_ack(h), ==, MS(1));
    g_assert_cmpint(pktan_handshake_connect_time(h), ==, MS(2031));
    /* Later segments change nothing. */
    h = seg(&t, TRUE, ACK, MS(3000), &completed);
    g_assert_false(completed);
    g_assert_cmpuint(h->ack_frame, ==, 5);
    pktan_handshakes_free(t.hs);
}

static void test_synack_captured_before_syn(void)
{
    trace t = {pktan_handshakes_new(), 0};
    gboolean completed;
    const pktan_handshake *h;

    seg(&t, FALSE, SYN | ACK, MS(10), NULL);
    h = seg(&t, TRUE, SYN, MS(9), NULL);
    g_assert_cmpint(h->state, ==, PKTAN_HS_SYNACK_SEEN);
    h = seg(&t, TRUE, ACK, MS(20), &completed);
    g_assert_true(completed);
    g_assert_cmpint(pktan_handshake_irtt(h), ==, MS(11));
    g_assert_cmpuint(h->client_port, ==, 40000);
    pktan_handshakes_free(t.hs);
}

static void test_not_handshakes(void)
{
    trace t = {pktan_handshakes_new(), 0};
    gboolean completed;
    const pktan_handshake *h;

    /* Mid-stream: data first; a later SYN does not make it a handshake. */
    h = seg(&t, TRUE, ACK, MS(0), NULL);
    g_assert_cmpint(h->state, ==, PKTAN_HS_MIDSTREAM);
    seg(&t, TRUE, SYN, MS(1), NULL);
    seg(&t, FALSE, SYN | ACK, MS(2), NULL);
    h = seg(&t, TRUE, ACK, MS(3), &completed);
    g_assert_false(completed);
    g_assert_cmpint(h->state, ==, PKTAN_HS_MIDSTREAM);
    pktan_handshakes_free(t.hs);

    /* Refused: SYN, RST/ACK. Wireshark's initial_rtt times the RST; this
     * is no handshake. */
    t = (trace){pktan_handshakes_new(), 0};
    seg(&t, TRUE, SYN, MS(0), NULL);
    h = seg(&t, FALSE, RST | ACK, MS(1), &completed);
    g_assert_false(completed);
    g_assert_cmpint(h->rst, ==, PKTAN_HS_RST_BY_SERVER);
    g_assert_cmpint(h->state, ==, PKTAN_HS_SYN_SENT);
    pktan_handshakes_free(t.hs);

    /* Half-open: SYN/ACK, then the client's RST (no final ACK). */
    t = (trace){pktan_handshakes_new(), 0};
    seg(&t, TRUE, SYN, MS(0), NULL);
    seg(&t, FALSE, SYN | ACK, MS(1), NULL);
    h = seg(&t, TRUE, RST, MS(2), &completed);
    g_assert_false(completed);
    g_assert_cmpint(h->state, ==, PKTAN_HS_SYNACK_SEEN);
    /* An ACK from the server side never completes it either. */
    h = seg(&t, FALSE, ACK, MS(3), &completed);
    g_assert_false(completed);
    pktan_handshakes_free(t.hs);
}

/* Settled: a connection whose record can no longer change (complete, or
 * begun mid-stream) says so, and only then; the bit follows the record
 * through resets, and streams far past the connections seen are never
 * settled (their segments are fed, to no effect). */
static void test_settled(void)
{
    trace t = {pktan_handshakes_new(), 0};
    pktan_tcp_segment far = {0};
    gboolean completed;

    g_assert_false(pktan_handshakes_settled(t.hs, 0));
    seg(&t, TRUE, SYN, MS(0), NULL);
    seg(&t, FALSE, SYN | ACK, MS(1), NULL);
    g_assert_false(pktan_handshakes_settled(t.hs, 0));
    seg(&t, TRUE, RST, MS(2), NULL); /* an RST before the ACK: recorded, */
    g_assert_false(pktan_handshakes_settled(t.hs, 0)); /* the record still open */
    seg(&t, TRUE, ACK, MS(3), &completed);
    g_assert_true(completed);
    g_assert_true(pktan_handshakes_settled(t.hs, 0));
    g_assert_false(pktan_handshakes_settled(t.hs, 1));
    pktan_handshakes_reset(t.hs);
    g_assert_false(pktan_handshakes_settled(t.hs, 0));

    seg(&t, TRUE, ACK, MS(0), NULL); /* mid-stream */
    g_assert_true(pktan_handshakes_settled(t.hs, 0));

    far.stream = G_MAXUINT32 - 1;
    far.flags = ACK;
    g_assert_true(pktan_addr_parse("10.0.0.3", &far.src));
    g_assert_true(pktan_addr_parse("10.0.0.4", &far.dst));
    pktan_handshakes_add(t.hs, &far, &completed);
    g_assert_false(pktan_handshakes_settled(t.hs, far.stream));
    g_assert_cmpint(pktan_handshakes_lookup(t.hs, far.stream)->state, ==, PKTAN_HS_MIDSTREAM);
    pktan_handshakes_free(t.hs);
}

static void test_simultaneous_open(void)
{
    trace t = {pktan_handshakes_new(), 0};
    gboolean completed;
    const pktan_handshake *h;

    seg(&t, TRUE, SYN, MS(0), NULL);
    h = seg(&t, FALSE, SYN, MS(1), NULL);
    g_assert_true(h->simultaneous_open);
    seg(&t, TRUE, SYN | ACK, MS(2), NULL);  /* the client's SYN/ACK: ignored */
    seg(&t, FALSE, SYN | ACK, MS(3), NULL);
    h = seg(&t, TRUE, ACK, MS(4), &completed);
    g_assert_true(completed);
    g_assert_cmpuint(h->synack_frame, ==, 4);
    g_assert_cmpint(pktan_handshake_irtt(h), ==, MS(4));
    pktan_handshakes_free(t.hs);
}

/* Port reuse: a new SYN on the same 4-tuple after a close is a new
 * connection. Wireshark gives it a new tcp.stream; the tracker keys on it. */
static void test_port_reuse(void)
{
    trace t = {pktan_handshakes_new(), 0};
    pktan_tcp_segment s = {0};
    gboolean completed;
    const pktan_handshake *first, *second;

    seg(&t, TRUE, SYN, MS(0), NULL);
    seg(&t, FALSE, SYN | ACK, MS(10), NULL);
    first = seg(&t, TRUE, ACK, MS(11), &completed);
    g_assert_true(completed);
    /* The same endpoints again as stream 1, 5 s later, 30 ms away. */
    g_assert_true(pktan_addr_parse("10.0.0.1", &s.src));
    g_assert_true(pktan_addr_parse("10.0.0.2", &s.dst));
    s.stream = 1;
    s.src_port = 40000;
    s.dst_port = 443;
    s.flags = SYN;
    s.time = MS(5000);
    s.frame = ++t.frame;
    pktan_handshakes_add(t.hs, &s, &completed);
    s = (pktan_tcp_segment){.stream = 1, .src = s.dst, .dst = s.src, .src_port = 443,
                            .dst_port = 40000, .flags = SYN | ACK, .time = MS(5030),
                            .frame = ++t.frame};
    pktan_handshakes_add(t.hs, &s, &completed);
    s = (pktan_tcp_segment){.stream = 1, .src = s.dst, .dst = s.src, .src_port = 40000,
                            .dst_port = 443, .flags = ACK, .time = MS(5031), .frame = ++t.frame};
    second = pktan_handshakes_add(t.hs, &s, &completed);
    g_assert_true(completed);
    g_assert_cmpuint(pktan_handshakes_count(t.hs), ==, 2);
    g_assert_cmpint(pktan_handshake_irtt(first), ==, MS(11));
    g_assert_cmpint(pktan_handshake_irtt(second), ==, MS(31));
    g_assert_cmpuint(second->syn_count, ==, 1);
    pktan_handshakes_free(t.hs);
}

/* TCP Fast Open: the SYN carries data and the server's SYN/ACK may
 * acknowledge it; the handshake is timed the same way (flags decide). */
static void test_fast_open(void)
{
    trace t = {pktan_handshakes_new(), 0};
    gboolean completed;
    const pktan_handshake *h;

    seg(&t, TRUE, SYN | 0x08 /* PSH, data in the SYN */, MS(0), NULL);
    seg(&t, FALSE, SYN | ACK, MS(20), NULL);
    seg(&t, FALSE, ACK | 0x08, MS(21), NULL);   /* the server's data before the final ACK */
    h = seg(&t, TRUE, ACK, MS(40), &completed);
    g_assert_true(completed);
    g_assert_cmpuint(h->ack_frame, ==, 4);
    g_assert_cmpint(pktan_handshake_irtt(h), ==, MS(40));
    pktan_handshakes_free(t.hs);
}

static void test_time_stats(void)
{
    pktan_ns values[] = {50, 10, 40, 20, 30, 60, 70, 80, 90, 100,
                         110, 120, 130, 140, 150, 160, 170, 180, 190, 200};
    pktan_ns one[] = {7};
    pktan_time_stats s;

    pktan_time_stats_compute(values, G_N_ELEMENTS(values), &s);
    g_assert_cmpuint(s.count, ==, 20);
    g_assert_cmpint(s.min, ==, 10);
    g_assert_cmpint(s.max, ==, 200);
    g_assert_cmpint(s.median, ==, 100);  /* rank ceil(0.5 * 20) = 10 */
    g_assert_cmpint(s.p95, ==, 190);     /* rank ceil(0.95 * 20) = 19 */
    g_assert_cmpint(s.mean, ==, 105);
    pktan_time_stats_compute(one, 1, &s);
    g_assert_cmpint(s.median, ==, 7);
    g_assert_cmpint(s.p95, ==, 7);
    pktan_time_stats_compute(NULL, 0, &s);
    g_assert_cmpuint(s.count, ==, 0);
}

static int by_value(gconstpointer a, gconstpointer b)
{
    pktan_ns x = *(const pktan_ns *)a, y = *(const pktan_ns *)b;
    return (x > y) - (x < y);
}

/* Large sets take the radix path: the same order as a comparison sort,
 * negative times (a clock stepped back) and full 64-bit values included. */
static void test_time_sort(void)
{
    GRand *rand = g_rand_new_with_seed(7);

    for (guint count = 250; count <= 5000; count += 1250) {
        pktan_ns *a = g_new(pktan_ns, count), *b = g_new(pktan_ns, count);
        for (guint i = 0; i < count; i++) {
            guint64 r = ((guint64)g_rand_int(rand) << 32) | g_rand_int(rand);
            a[i] = i % 7 == 0 ? (pktan_ns)r : i % 5 == 0 ? -(pktan_ns)(r % 1000000) : (pktan_ns)(r % 3000000);
            b[i] = a[i];
        }
        pktan_time_sort(a, count);
        qsort(b, count, sizeof *b, by_value);
        g_assert_cmpmem(a, count * sizeof *a, b, count * sizeof *b);
        g_free(a);
        g_free(b);
    }
    g_rand_free(rand);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/handshake/plain_and_retransmitted", test_plain_and_retransmitted);
    g_test_add_func("/handshake/synack_captured_before_syn", test_synack_captured_before_syn);
    g_test_add_func("/handshake/not_handshakes", test_not_handshakes);
    g_test_add_func("/handshake/simultaneous_open", test_simultaneous_open);
    g_test_add_func("/handshake/settled", test_settled);
    g_test_add_func("/handshake/port_reuse", test_port_reuse);
    g_test_add_func("/handshake/fast_open", test_fast_open);
    g_test_add_func("/time_stats/nearest_rank", test_time_stats);
    g_test_add_func("/time_stats/sort", test_time_sort);
    return g_test_run();
}
