/* The Destinations and Ports core: aggregation, order, server attribution. */
#include <glib.h>

#include "dests.h"

static pktan_dest_key key(const char *addr, guint8 proto, gboolean has_port, guint16 port)
{
    pktan_addr a;
    pktan_dest_key k;
    g_assert_true(pktan_addr_parse(addr, &a));
    pktan_dest_key_make(&k, &a, proto, has_port, port);
    return k;
}

static const pktan_dest_group *group(const pktan_dests_table *t, guint i)
{
    return g_ptr_array_index(t->groups, i);
}

static const pktan_dest_row *port_row(const pktan_dest_group *g, guint i)
{
    return g_ptr_array_index(g->ports, i);
}

static void test_packets_view(void)
{
    pktan_dests *d = pktan_dests_new(PKTAN_VIEW_PACKETS);
    pktan_dest_key web = key("10.0.0.2", 6, TRUE, 80);
    pktan_dest_key dns = key("10.0.0.2", 17, TRUE, 53);
    pktan_dest_key ping = key("2001:db8::9", 1, FALSE, 0);
    pktan_dests_table *t;
    char buf[PKTAN_ADDR_STRLEN];

    pktan_dests_add_packet(d, &web, 100, 5);
    pktan_dests_add_packet(d, &web, 1500, 2);
    pktan_dests_add_packet(d, &dns, 80, 9);
    for (int i = 0; i < 4; i++)
        pktan_dests_add_packet(d, &ping, 60, 10 + i);

    t = pktan_dests_table_build(d, PKTAN_SORT_PACKETS, 0);
    g_assert_cmpuint(t->packets, ==, 7);
    g_assert_cmpuint(t->bytes, ==, 100 + 1500 + 80 + 240);
    g_assert_cmpuint(t->groups->len, ==, 2);
    /* By packets: the IPv6 host (4) before 10.0.0.2 (3). */
    g_assert_cmpstr(pktan_addr_to_str(&group(t, 0)->total.key.addr, buf), ==, "2001:db8::9");
    g_assert_cmpuint(group(t, 1)->total.packets, ==, 3);
    g_assert_cmpuint(group(t, 1)->total.bytes, ==, 1680);
    g_assert_cmpint(group(t, 1)->total.first, ==, 2);
    g_assert_cmpint(group(t, 1)->total.last, ==, 9);
    g_assert_cmpuint(port_row(group(t, 1), 0)->key.port, ==, 80);
    g_assert_cmpint(port_row(group(t, 1), 0)->first, ==, 2);
    g_assert_cmpint(port_row(group(t, 1), 0)->last, ==, 5);
    pktan_dests_table_free(t);

    /* By bytes: 10.0.0.2 (1680) before the IPv6 host (240). */
    t = pktan_dests_table_build(d, PKTAN_SORT_BYTES, 0);
    g_assert_cmpuint(group(t, 0)->total.bytes, ==, 1680);
    pktan_dests_table_free(t);

    pktan_dests_reset(d);
    t = pktan_dests_table_build(d, PKTAN_SORT_PACKETS, 0);
    g_assert_cmpuint(t->groups->len, ==, 0);
    g_assert_cmpuint(t->packets, ==, 0);
    pktan_dests_table_free(t);
    pktan_dests_free(d);
}

/* With top=N, the first N ports of the first N groups are in the order
 * they have when everything is sorted, and each group keeps all its ports. */
static void test_top_sorted(void)
{
    pktan_dests *d = pktan_dests_new(PKTAN_VIEW_PACKETS);
    const guint16 ports[] = {22, 443, 80, 53, 8080, 25, 110};
    pktan_dests_table *all;

    for (guint p = 0; p < G_N_ELEMENTS(ports); p++) {
        pktan_dest_key busy = key("10.0.0.2", 6, TRUE, ports[p]);
        pktan_dest_key quiet = key("10.0.0.3", 6, TRUE, ports[p]);
        for (guint n = 0; n <= (p * 3) % 7; n++)
            pktan_dests_add_packet(d, &busy, 100, n);
        pktan_dests_add_packet(d, &quiet, 100, p);
    }
    all = pktan_dests_table_build(d, PKTAN_SORT_PACKETS, 0);
    g_assert_cmpuint(group(all, 0)->total.packets, ==, 28);
    /* by packets: 80 (7), 8080 (6), 110 (5), 443 (4), 53 (3), 25 (2), 22 (1) */
    g_assert_cmpuint(port_row(group(all, 0), 0)->key.port, ==, 80);
    g_assert_cmpuint(port_row(group(all, 0), 1)->key.port, ==, 8080);
    g_assert_cmpuint(port_row(group(all, 0), 2)->key.port, ==, 110);
    g_assert_cmpuint(port_row(group(all, 0), 6)->key.port, ==, 22);
    for (guint top = 1; top <= G_N_ELEMENTS(ports) + 1; top++) {
        pktan_dests_table *t = pktan_dests_table_build(d, PKTAN_SORT_PACKETS, top);
        guint64 packets = 0;

        g_assert_cmpuint(t->groups->len, ==, 2);
        g_assert_cmpuint(group(t, 0)->total.packets, ==, group(all, 0)->total.packets);
        g_assert_cmpuint(group(t, 0)->ports->len, ==, G_N_ELEMENTS(ports));
        for (guint p = 0; p < MIN(top, G_N_ELEMENTS(ports)); p++)
            g_assert_true(port_row(group(t, 0), p) == port_row(group(all, 0), p));
        for (guint p = 0; p < G_N_ELEMENTS(ports); p++)
            packets += port_row(group(t, 0), p)->packets;
        g_assert_cmpuint(packets, ==, group(all, 0)->total.packets);
        if (top >= 2)
            for (guint p = 0; p < MIN(top, G_N_ELEMENTS(ports)); p++)
                g_assert_true(port_row(group(t, 1), p) == port_row(group(all, 1), p));
        pktan_dests_table_free(t);
    }
    pktan_dests_table_free(all);
    pktan_dests_free(d);
}

/* Adds one packet of a conversation (stream 0) in the servers view. */
static pktan_conversation_ref conv_packet(pktan_dests *d, const char *src, guint16 sport,
                                          const char *dst, guint16 dport, guint8 proto)
{
    pktan_dest_key from = key(src, proto, proto != 1, sport);
    pktan_dest_key to = key(dst, proto, proto != 1, dport);
    return pktan_dests_add_conversation_packet(d, &from, &to, 0, 100, 0);
}

static void assert_single_server(pktan_dests *d, const char *addr, guint16 port,
                                 guint64 packets, guint64 conversations)
{
    pktan_dests_table *t = pktan_dests_table_build(d, PKTAN_SORT_PACKETS, 0);
    char buf[PKTAN_ADDR_STRLEN];

    g_assert_cmpuint(t->groups->len, ==, 1);
    g_assert_cmpstr(pktan_addr_to_str(&group(t, 0)->total.key.addr, buf), ==, addr);
    g_assert_cmpuint(group(t, 0)->ports->len, ==, 1);
    g_assert_cmpuint(port_row(group(t, 0), 0)->key.port, ==, port);
    g_assert_cmpuint(port_row(group(t, 0), 0)->packets, ==, packets);
    g_assert_cmpuint(port_row(group(t, 0), 0)->conversations, ==, conversations);
    pktan_dests_table_free(t);
}

static void test_server_from_syn(void)
{
    /* The server listens on a port above the client's: the SYN decides. */
    pktan_dests *d = pktan_dests_new(PKTAN_VIEW_SERVERS);
    pktan_conversation_ref syn = conv_packet(d, "10.0.0.1", 1000, "10.0.0.2", 50000, 6);
    pktan_dests_conversation_hint(syn, PKTAN_SERVER_HINT_DST);
    conv_packet(d, "10.0.0.2", 50000, "10.0.0.1", 1000, 6);
    conv_packet(d, "10.0.0.1", 1000, "10.0.0.2", 50000, 6);
    assert_single_server(d, "10.0.0.2", 50000, 3, 1);
    pktan_dests_free(d);

    /* Only the SYN/ACK captured: its source is the server. */
    d = pktan_dests_new(PKTAN_VIEW_SERVERS);
    syn = conv_packet(d, "10.0.0.2", 50000, "10.0.0.1", 1000, 6);
    pktan_dests_conversation_hint(syn, PKTAN_SERVER_HINT_SRC);
    assert_single_server(d, "10.0.0.2", 50000, 1, 1);
    pktan_dests_free(d);
}

static void test_server_without_handshake(void)
{
    /* Mid-stream: the lower port is the server, whoever sent first. */
    pktan_dests *d = pktan_dests_new(PKTAN_VIEW_SERVERS);
    conv_packet(d, "10.0.0.2", 443, "10.0.0.1", 51000, 6);
    conv_packet(d, "10.0.0.1", 51000, "10.0.0.2", 443, 6);
    conv_packet(d, "10.0.0.3", 52000, "10.0.0.2", 443, 6);
    assert_single_server(d, "10.0.0.2", 443, 3, 2);
    pktan_dests_free(d);

    /* No ports (ICMP): where the first packet went. */
    d = pktan_dests_new(PKTAN_VIEW_SERVERS);
    conv_packet(d, "10.0.0.1", 0, "10.0.0.9", 0, 1);
    conv_packet(d, "10.0.0.9", 0, "10.0.0.1", 0, 1);
    assert_single_server(d, "10.0.0.9", 0, 2, 1);
    pktan_dests_free(d);
}

static void test_reused_ports_are_two_conversations(void)
{
    pktan_dests *d = pktan_dests_new(PKTAN_VIEW_SERVERS);
    pktan_dest_key from = key("10.0.0.1", 6, TRUE, 40001);
    pktan_dest_key to = key("10.0.0.2", 6, TRUE, 8080);

    for (guint32 stream = 0; stream < 2; stream++) {
        pktan_dests_conversation_hint(
            pktan_dests_add_conversation_packet(d, &from, &to, stream, 100, 0),
            PKTAN_SERVER_HINT_DST);
        pktan_dests_add_conversation_packet(d, &to, &from, stream, 100, 0);
    }
    assert_single_server(d, "10.0.0.2", 8080, 4, 2);
    pktan_dests_free(d);
}

/* Packets found by their stream end count exactly as hashed ones; a stream
 * end that names another key (a filter, odd numbering) is not trusted; a
 * stream number far past the rows held is hashed without an array. */
static void test_stream_packets(void)
{
    pktan_dests *by_stream = pktan_dests_new(PKTAN_VIEW_PACKETS);
    pktan_dests *hashed = pktan_dests_new(PKTAN_VIEW_PACKETS);
    pktan_dest_key server = key("10.0.0.2", 6, TRUE, 80);
    pktan_dest_key client = key("10.0.0.1", 6, TRUE, 40000);
    pktan_dest_key other = key("10.0.0.3", 6, TRUE, 443);
    pktan_dests_table *a, *b;

    for (guint32 stream = 0; stream < 3; stream++) {
        for (int i = 0; i < 4; i++) {
            gboolean to_server = i % 2 == 0;
            const pktan_dest_key *k = to_server ? &server : &client;
            pktan_dests_add_stream_packet(by_stream, k, PKTAN_STREAMS_TCP, stream, to_server,
                                          100 + i, 10 * stream + i);
            pktan_dests_add_packet(hashed, k, 100 + i, 10 * stream + i);
        }
    }
    /* Stream 1's server end now claims another key: it must count there. */
    pktan_dests_add_stream_packet(by_stream, &other, PKTAN_STREAMS_TCP, 1, TRUE, 60, 50);
    pktan_dests_add_packet(hashed, &other, 60, 50);
    pktan_dests_add_stream_packet(by_stream, &server, PKTAN_STREAMS_UDP, G_MAXUINT32, FALSE, 70,
                                  60);
    pktan_dests_add_packet(hashed, &server, 70, 60);

    a = pktan_dests_table_build(by_stream, PKTAN_SORT_PACKETS, 0);
    b = pktan_dests_table_build(hashed, PKTAN_SORT_PACKETS, 0);
    g_assert_cmpuint(a->packets, ==, 14);
    g_assert_cmpuint(a->groups->len, ==, b->groups->len);
    for (guint i = 0; i < a->groups->len; i++) {
        const pktan_dest_row *x = &group(a, i)->total, *y = &group(b, i)->total;
        g_assert_true(pktan_addr_equal(&x->key.addr, &y->key.addr));
        g_assert_cmpuint(x->packets, ==, y->packets);
        g_assert_cmpuint(x->bytes, ==, y->bytes);
        g_assert_cmpint(x->first, ==, y->first);
        g_assert_cmpint(x->last, ==, y->last);
        g_assert_cmpuint(group(a, i)->ports->len, ==, group(b, i)->ports->len);
    }
    g_assert_cmpuint(group(a, 0)->total.packets, ==, 7); /* 10.0.0.2: 6 + the UDP-stream one */
    pktan_dests_table_free(a);
    pktan_dests_table_free(b);
    pktan_dests_free(by_stream);
    pktan_dests_free(hashed);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/dests/packets_view", test_packets_view);
    g_test_add_func("/dests/stream_packets", test_stream_packets);
    g_test_add_func("/dests/top_sorted", test_top_sorted);
    g_test_add_func("/dests/server_from_syn", test_server_from_syn);
    g_test_add_func("/dests/server_without_handshake", test_server_without_handshake);
    g_test_add_func("/dests/reused_ports_are_two_conversations",
                    test_reused_ports_are_two_conversations);
    return g_test_run();
}
