/* Binary addresses and direction-free conversation keys. */
#include <glib.h>
#include <string.h>

#include "addr.h"
#include "flow_key.h"
#include "record_map.h"

static pktan_addr addr(const char *text)
{
    pktan_addr a;
    if (!pktan_addr_parse(text, &a))
        g_error("cannot parse %s", text);
    return a;
}

static void test_addr_text(void)
{
    static const char *const good[] = {"10.0.0.1", "0.0.0.0", "255.255.255.255",
                                       "2001:db8::1", "::1", "fe80::1:2:3:4", "::ffff:10.0.0.1"};
    static const char *const bad[] = {"", "10.0.0", "10.0.0.1.2", "300.1.1.1", "2001:db8:::1",
                                      "host", "10.0.0.1/24", " 10.0.0.1"};
    char buf[PKTAN_ADDR_STRLEN];
    pktan_addr a;

    for (gsize i = 0; i < G_N_ELEMENTS(good); i++) {
        a = addr(good[i]);
        g_assert_cmpstr(pktan_addr_to_str(&a, buf), ==, good[i]);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(pktan_addr_parse(bad[i], &a));
        g_assert_cmpint(a.family, ==, PKTAN_AF_NONE);
    }
    g_assert_false(pktan_addr_parse(NULL, &a));
    g_assert_cmpstr(pktan_addr_to_str(&a, buf), ==, "-");
}

static void test_addr_binary(void)
{
    static const guint8 v4[4] = {192, 0, 2, 7};
    static const guint8 v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 9};
    pktan_addr a, b;
    char buf[PKTAN_ADDR_STRLEN];

    pktan_addr_set_ipv4(&a, v4);
    g_assert_cmpstr(pktan_addr_to_str(&a, buf), ==, "192.0.2.7");
    g_assert_true(pktan_addr_equal(&a, &(pktan_addr){0}) == FALSE);
    b = addr("192.0.2.7");
    g_assert_true(pktan_addr_equal(&a, &b));
    g_assert_cmpuint(pktan_addr_hash(&a), ==, pktan_addr_hash(&b));

    pktan_addr_set_ipv6(&a, v6);
    g_assert_cmpstr(pktan_addr_to_str(&a, buf), ==, "2001:db8::9");
    /* An IPv4 address never equals the IPv6 address with the same bytes. */
    memset(&b, 0, sizeof b);
    pktan_addr_set_ipv6(&b, (guint8[16]){192, 0, 2, 7});
    a = addr("192.0.2.7");
    g_assert_false(pktan_addr_equal(&a, &b));
    g_assert_cmpint(pktan_addr_cmp(&a, &b), <, 0);
}

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

/* The inline order and equality are memcmp's over the whole struct, the
 * order the reports' keys and ties have always had: checked on address
 * pairs that differ in the family, in one byte of either half, or not at
 * all. */
static void test_addr_order_is_memcmp(void)
{
    GRand *rand = g_rand_new_with_seed(9);

    for (int i = 0; i < 200000; i++) {
        pktan_addr a, b;

        for (gsize j = 0; j < sizeof a; j++)
            ((guint8 *)&a)[j] = (guint8)g_rand_int_range(rand, 0, 256);
        b = a;
        switch (i % 4) {
        case 0:
            b.family = (guint8)g_rand_int_range(rand, 0, 256);
            break;
        case 1:
            b.bytes[g_rand_int_range(rand, 0, 8)] ^= (guint8)g_rand_int_range(rand, 1, 256);
            break;
        case 2:
            b.bytes[g_rand_int_range(rand, 8, 16)] ^= (guint8)g_rand_int_range(rand, 1, 256);
            break;
        default:
            break;
        }
        g_assert_cmpint(sign(pktan_addr_cmp(&a, &b)), ==, sign(memcmp(&a, &b, sizeof a)));
        g_assert_cmpint(sign(pktan_addr_cmp(&b, &a)), ==, sign(memcmp(&b, &a, sizeof a)));
        g_assert_cmpint(pktan_addr_equal(&a, &b), ==, memcmp(&a, &b, sizeof a) == 0);
    }
    g_rand_free(rand);
}

static void test_flow_key_directions(void)
{
    pktan_addr client = addr("10.0.0.1"), server = addr("10.0.0.2");
    pktan_flow_key k1, k2, k3;
    gboolean swapped1, swapped2;

    swapped1 = pktan_flow_key_make(&k1, PKTAN_IPPROTO_TCP, &client, 40000, &server, 80);
    swapped2 = pktan_flow_key_make(&k2, PKTAN_IPPROTO_TCP, &server, 80, &client, 40000);
    g_assert_cmpmem(&k1, sizeof k1, &k2, sizeof k2);
    g_assert_cmpint(swapped1, !=, swapped2);

    /* Same endpoints, other transport: another conversation. */
    pktan_flow_key_make(&k3, PKTAN_IPPROTO_UDP, &client, 40000, &server, 80);
    g_assert_true(memcmp(&k1, &k3, sizeof k1) != 0);

    /* Same addresses, ports swapped between hosts: another conversation. */
    pktan_flow_key_make(&k3, PKTAN_IPPROTO_TCP, &client, 80, &server, 40000);
    g_assert_true(memcmp(&k1, &k3, sizeof k1) != 0);

    /* Same host both ends (loopback): ports decide the order. */
    swapped1 = pktan_flow_key_make(&k1, PKTAN_IPPROTO_TCP, &client, 5000, &client, 6000);
    swapped2 = pktan_flow_key_make(&k2, PKTAN_IPPROTO_TCP, &client, 6000, &client, 5000);
    g_assert_cmpmem(&k1, sizeof k1, &k2, sizeof k2);
    g_assert_false(swapped1);
    g_assert_true(swapped2);
}

/* Both directions of 2000 conversations find one record each. */
static void test_flow_key_in_record_map(void)
{
    typedef struct {
        pktan_flow_key key;
        guint16 port;
    } conversation;
    pktan_record_map *map = pktan_record_map_new(sizeof(pktan_flow_key), sizeof(conversation));
    pktan_addr a = addr("2001:db8::1"), b = addr("2001:db8::2");

    for (guint16 port = 1000; port < 3000; port++) {
        pktan_flow_key k;
        pktan_flow_key_make(&k, PKTAN_IPPROTO_TCP, &a, port, &b, 443);
        ((conversation *)pktan_record_map_get(map, &k, NULL))->port = port;
    }
    g_assert_cmpuint(pktan_record_map_size(map), ==, 2000);
    for (guint16 port = 1000; port < 3000; port++) {
        pktan_flow_key k;
        const conversation *c;
        pktan_flow_key_make(&k, PKTAN_IPPROTO_TCP, &b, 443, &a, port);
        c = pktan_record_map_lookup(map, &k);
        g_assert_nonnull(c);
        g_assert_cmpuint(c->port, ==, port);
    }
    pktan_record_map_free(map);
}

/* Equal bytes hash equal; keys that differ in one bit, or only in length,
 * spread over the buckets of a table as a good hash would. */
static void test_hash_bytes(void)
{
    enum { KEYS = 1 << 16, BUCKETS = 1 << 12 };
    guint *load = g_new0(guint, BUCKETS);
    guint max_load = 0;
    guint8 key[22] = {0};
    guint8 zeros[24] = {0};

    g_assert_cmpuint(pktan_hash_bytes(key, sizeof key), ==, pktan_hash_bytes(key, sizeof key));
    g_assert_cmpuint(pktan_hash_bytes(zeros, 22), !=, pktan_hash_bytes(zeros, 23));
    g_assert_cmpuint(pktan_hash_bytes(zeros, 8), !=, pktan_hash_bytes(zeros, 16));
    /* Every length takes its own path to its last bytes (a word ending at
     * the key's end, two halves, or single bytes): each bit counts. */
    for (gsize len = 1; len <= sizeof zeros; len++)
        for (guint i = 0; i < len * 8; i++) {
            guint8 flipped[sizeof zeros] = {0};
            flipped[i / 8] = (guint8)(1u << (i % 8));
            g_assert_cmpuint(pktan_hash_bytes(flipped, len), !=, pktan_hash_bytes(zeros, len));
        }
    /* Sequential ports of one address: the keys a capture really has. */
    for (guint i = 0; i < KEYS; i++) {
        guint32 bucket;
        key[19] = (guint8)(i >> 8);
        key[20] = (guint8)i;
        bucket = pktan_hash_bytes(key, sizeof key) & (BUCKETS - 1);
        load[bucket]++;
        max_load = MAX(max_load, load[bucket]);
    }
    /* 16 keys per bucket on average; a uniform hash stays well under 3x. */
    g_assert_cmpuint(max_load, <, 48);
    g_free(load);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/addr/text", test_addr_text);
    g_test_add_func("/addr/binary", test_addr_binary);
    g_test_add_func("/addr/order_is_memcmp", test_addr_order_is_memcmp);
    g_test_add_func("/flow_key/directions", test_flow_key_directions);
    g_test_add_func("/flow_key/record_map", test_flow_key_in_record_map);
    g_test_add_func("/flow_key/hash_bytes", test_hash_bytes);
    return g_test_run();
}
