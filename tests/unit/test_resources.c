/* Resource bounds (docs/resources.md): the bytes each tracked item costs,
 * measured, against the numbers the document states.
 *
 * The document's table is read here (rows whose first cell is a `name`),
 * so neither the structures nor the document can change without the other.
 * Each tracker is fed N distinct items and the heap in use (glibc
 * mallinfo2: arena plus mmapped blocks, and the record chunks cut from
 * slabs, which malloc does not see) is compared before and after:
 * bytes per item = record + its index: record_map slots (N a power of two
 * leaves the slot array exactly 2N x 8 bytes, 16 bytes per item) or a
 * stream_map's array (N entries of 8 bytes, streams 0 to N-1). Feeding the
 * same items again with more packets must not allocate at all: nothing is
 * kept per packet. */
#include <glib.h>
#include <malloc.h>
#include <string.h>

#include "conn.h"
#include "dests.h"
#include "handshake.h"
#include "slabs.h"
#include "unexpected.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#define N 65536u /* items fed: a power of two */

typedef struct {
    gsize record; /* bytes */
    gsize index;  /* bytes per item of the map that finds it */
} documented_row;

static GHashTable *documented; /* name -> documented_row, from docs/resources.md */

static void read_document(void)
{
    char *path = g_build_filename(PKTAN_SOURCE_DIR, "docs", "resources.md", NULL);
    char *text;
    char **lines;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        g_error("cannot read %s", path);
    documented = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        char **cells;
        if (!g_str_has_prefix(*l, "| `"))
            continue;
        cells = g_strsplit(*l, "|", -1);
        /* | `name` | what | bytes | index bytes | ... */
        if (g_strv_length(cells) >= 5) {
            char *name = g_strstrip(g_strdup(cells[1]));
            gsize len = strlen(name);
            if (len > 2 && name[len - 1] == '`') {
                documented_row *row = g_new(documented_row, 1);
                row->record = g_ascii_strtoull(g_strstrip(cells[3]), NULL, 10);
                row->index = g_ascii_strtoull(g_strstrip(cells[4]), NULL, 10);
                name[len - 1] = '\0';
                g_hash_table_insert(documented, g_strdup(name + 1), row);
            }
            g_free(name);
        }
        g_strfreev(cells);
    }
    g_strfreev(lines);
    g_free(text);
    g_free(path);
}

static const documented_row *doc_row(const char *name)
{
    const documented_row *row = g_hash_table_lookup(documented, name);
    if (row == NULL)
        g_error("docs/resources.md has no row for `%s`", name);
    return row;
}

static gsize doc_bytes(const char *name)
{
    return doc_row(name)->record;
}

static gsize heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd + pktan_slabs_in_use();
}

/* Bytes per item measured for one tracker, and that a second pass over the
 * same items allocates nothing. */
typedef void (*feed_fn)(void *tracker, guint32 i, guint32 pass);

static void check_per_item(const char *name, void *tracker, feed_fn feed)
{
    gsize before, after, again;
    double per_item;
    gsize record = doc_row(name)->record;
    gsize index = doc_row(name)->index;

    before = heap_in_use();
    for (guint32 i = 0; i < N; i++)
        feed(tracker, i, 0);
    after = heap_in_use();
    for (guint32 pass = 1; pass <= 3; pass++)
        for (guint32 i = 0; i < N; i++)
            feed(tracker, i, pass);
    again = heap_in_use();

    per_item = (double)(after - before) / N;
    g_test_message("%s: %.2f bytes per item measured, %zu + %zu documented", name, per_item,
                   record, index);
    /* The initial 1024 slots and the chunk list cost well under a byte per item. */
    if (per_item < record + index - 1 || per_item > record + index + 1)
        g_error("%s: %.2f bytes per item, docs/resources.md says %zu + %zu", name, per_item,
                record, index);
    if (again != after)
        g_error("%s: more packets of the same items allocated %zd bytes", name,
                (gssize)(again - after));
}

static void addr4(pktan_addr *a, guint32 host)
{
    guint8 b[4] = {10, (guint8)(host >> 16), (guint8)(host >> 8), (guint8)host};
    pktan_addr_set_ipv4(a, b);
}

/* ---- trackers ------------------------------------------------------------ */

static void feed_handshake(void *tracker, guint32 i, guint32 pass)
{
    static const guint16 flags[] = {PKTAN_TCP_SYN, PKTAN_TCP_SYN | PKTAN_TCP_ACK, PKTAN_TCP_ACK,
                                    PKTAN_TCP_ACK};
    pktan_tcp_segment seg = {0};
    gboolean completed;

    seg.stream = i;
    seg.frame = pass * N + i + 1;
    seg.time = (pktan_ns)seg.frame * 1000;
    addr4(&seg.src, 1 + i % 16);
    addr4(&seg.dst, 0x100000 + i % 64);
    seg.src_port = (guint16)(32768 + i / 16);
    seg.dst_port = 443;
    seg.flags = flags[pass];
    if (pass == 1) { /* the SYN/ACK comes from the server */
        pktan_addr t = seg.src;
        seg.src = seg.dst;
        seg.dst = t;
        seg.dst_port = seg.src_port;
        seg.src_port = 443;
    }
    pktan_handshakes_add(tracker, &seg, &completed);
}

static void feed_conn_tcp(void *tracker, guint32 i, guint32 pass)
{
    pktan_tcp_segment seg = {0};
    gboolean completed;

    seg.stream = i;
    seg.frame = pass * N + i + 1;
    addr4(&seg.src, 1 + i % 16);
    addr4(&seg.dst, 0x100000 + i % 64);
    seg.src_port = (guint16)(32768 + i / 16);
    seg.dst_port = 80;
    seg.flags = PKTAN_TCP_SYN; /* retransmitted SYNs: an unanswered attempt */
    pktan_handshakes_add(pktan_conn_handshakes(tracker), &seg, &completed);
}

static void feed_udp(void *tracker, guint32 i, guint32 pass)
{
    pktan_udp_datagram d = {0};

    d.stream = i;
    d.frame = pass * N + i + 1;
    addr4(&d.src, 1 + i % 16);
    addr4(&d.dst, 0x100000 + i % 64);
    d.src_port = (guint16)(32768 + i / 16);
    d.dst_port = 53;
    if (pass % 2) { /* replies */
        pktan_addr t = d.src;
        d.src = d.dst;
        d.dst = t;
        d.dst_port = d.src_port;
        d.src_port = 53;
    }
    pktan_conn_add_udp(tracker, &d);
}

static void feed_icmp(void *tracker, guint32 i, guint32 pass)
{
    pktan_icmp_error e = {0};

    e.transport = PKTAN_IPPROTO_UDP;
    e.type = 3;
    e.code = 3;
    e.stream = PKTAN_STREAM_UNKNOWN;
    e.frame = pass * N + i + 1;
    addr4(&e.quoted_src, 1 + i % 16);
    addr4(&e.quoted_dst, 0x100000 + i % 64);
    e.from = e.quoted_dst;
    e.quoted_src_port = (guint16)(32768 + i / 16);
    e.quoted_dst_port = 53;
    pktan_conn_add_icmp(tracker, &e);
}

static void feed_dest_row(void *tracker, guint32 i, guint32 pass)
{
    pktan_dest_key key;
    pktan_addr a;

    addr4(&a, 1 + i % 16);
    pktan_dest_key_make(&key, &a, PKTAN_IPPROTO_TCP, TRUE, (guint16)(32768 + i / 16));
    pktan_dests_add_packet(tracker, &key, 60 + pass, (pktan_ns)(pass * N + i));
}

static void feed_conversation(void *tracker, guint32 i, guint32 pass)
{
    pktan_dest_key client, server;
    pktan_addr c, s;

    addr4(&c, 1 + i % 16);
    addr4(&s, 0x100000 + i % 64);
    pktan_dest_key_make(&client, &c, PKTAN_IPPROTO_TCP, TRUE, (guint16)(32768 + i / 16));
    pktan_dest_key_make(&server, &s, PKTAN_IPPROTO_TCP, TRUE, 443);
    if (pass % 2)
        pktan_dests_add_conversation_packet(tracker, &server, &client, i, 60, pass);
    else
        pktan_dests_add_conversation_packet(tracker, &client, &server, i, 60, pass);
}

/* One TCP conversation per item, each frame carrying HTTP (flagged under
 * an empty allowlist, so the per-frame walk and the chain are exercised). */
static int resolve_http(const char *name, void *user_data G_GNUC_UNUSED)
{
    return strcmp(name, "http") == 0 ? 7 : strcmp(name, "tcp") == 0 ? 6 : -1;
}

static void feed_unexpected(void *tracker, guint32 i, guint32 pass)
{
    static const int layers[] = {6, 7};
    pktan_unexpected_frame f = {0};

    addr4(&f.src, 1 + i % 16);
    addr4(&f.dst, 0x100000 + i % 64);
    f.transport = PKTAN_IPPROTO_TCP;
    f.has_ports = TRUE;
    f.src_port = (guint16)(32768 + i / 16);
    f.dst_port = 80;
    f.stream = i;
    f.frame = pass * N + i + 1;
    f.bytes = 60;
    f.layers = layers;
    f.n_layers = 2;
    pktan_unexpected_add(tracker, &f);
}

/* ---- tests --------------------------------------------------------------- */

static void test_public_records(void)
{
    g_assert_cmpuint(sizeof(pktan_handshake), ==, doc_bytes("handshake"));
    g_assert_cmpuint(sizeof(pktan_dest_row), ==, doc_bytes("dest_row"));
    g_assert_cmpuint(sizeof(pktan_flagged_conversation), ==, doc_bytes("unexpected_conversation"));
}

static gboolean skip_under_asan(void)
{
#ifdef UNDER_ASAN
    g_test_skip("AddressSanitizer replaces malloc: mallinfo2 says nothing");
    return TRUE;
#else
    return FALSE;
#endif
}

static void test_handshake(void)
{
    if (skip_under_asan())
        return;
    pktan_handshakes *hs = pktan_handshakes_new();
    check_per_item("handshake", hs, feed_handshake);
    g_assert_cmpuint(pktan_handshakes_count(hs), ==, N);
    pktan_handshakes_free(hs);
}

static void test_conn(void)
{
    if (skip_under_asan())
        return;
    pktan_conn *conn = pktan_conn_new();
    check_per_item("handshake", conn, feed_conn_tcp);
    check_per_item("udp_flow", conn, feed_udp);
    check_per_item("icmp_evidence", conn, feed_icmp);
    pktan_conn_free(conn);
}

static void test_dests(void)
{
    if (skip_under_asan())
        return;
    pktan_dests *packets = pktan_dests_new(PKTAN_VIEW_PACKETS);
    pktan_dests *servers = pktan_dests_new(PKTAN_VIEW_SERVERS);
    check_per_item("dest_row", packets, feed_dest_row);
    check_per_item("conversation", servers, feed_conversation);
    pktan_dests_free(packets);
    pktan_dests_free(servers);
}

static void test_unexpected(void)
{
    if (skip_under_asan())
        return;
    pktan_unexpected *u = pktan_unexpected_new(
        pktan_policy_new(pktan_allowlist_new("none"), TRUE, resolve_http, NULL));
    check_per_item("unexpected_conversation", u, feed_unexpected);
    g_assert_cmpuint(pktan_unexpected_conversations(u), ==, N);
    g_assert_cmpint(pktan_unexpected_nth(u, 0)->flag, ==, PKTAN_FLAG_NAMED);
    pktan_unexpected_free(u);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* glibc serves large blocks with mmap, rounded up to pages, above a
     * threshold that moves as blocks are freed: the first tracker would
     * pay page rounding the later ones do not. One fixed threshold makes
     * every measurement the bytes asked for. */
    mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
    read_document();
    g_test_add_func("/resources/public_records", test_public_records);
    g_test_add_func("/resources/handshake", test_handshake);
    g_test_add_func("/resources/conn", test_conn);
    g_test_add_func("/resources/dests", test_dests);
    g_test_add_func("/resources/unexpected", test_unexpected);
    int rc = g_test_run();
    g_hash_table_destroy(documented);
    return rc;
}
