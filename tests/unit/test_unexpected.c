/* The allowlist parser (every error a user can make, with its line), rule
 * scopes, the policy's walk over a frame's layers (baseline, carried
 * inside, carriers, families, unidentified payload, ICMP quotes), the
 * per-conversation attribution, and the uTP recogniser. Protocol ids come
 * from a small resolver standing in for Wireshark's protocol table. */
#include <string.h>

#include <glib.h>

#include "allowlist.h"
#include "flow_key.h"
#include "policy.h"
#include "unexpected.h"
#include "unexpected_table.h"
#include "utp.h"

static const char *const known[] = {
    "frame", "eth", "ethertype", "ip", "ipv6", "tcp", "udp", "icmp", "icmpv6", "arp", "vxlan",
    "http", "data-text-lines", "tls", "x509sat", "tpkt", "cotp", "t125", "rdp", "rdpudp",
    "bittorrent", "bt-utp", "bt-dht", "bencode", "data", "ssh", "dns", "json", "smtp", NULL,
};

static int resolve(const char *name, void *user_data G_GNUC_UNUSED)
{
    for (int i = 0; known[i]; i++)
        if (strcmp(known[i], name) == 0)
            return 100 + i;
    return -1;
}

static int id(const char *name)
{
    int i = resolve(name, NULL);
    g_assert_cmpint(i, >=, 0);
    return i;
}

static pktan_allowlist *parse(const char *text)
{
    char *error = NULL;
    pktan_allowlist *list = pktan_allowlist_parse(text, strlen(text), "policy.txt", resolve,
                                                  NULL, &error);
    g_assert_null(error);
    g_assert_nonnull(list);
    return list;
}

static void parse_fails(const char *text, const char *expected)
{
    char *error = NULL;
    pktan_allowlist *list = pktan_allowlist_parse(text, strlen(text), "policy.txt", resolve,
                                                  NULL, &error);
    g_assert_null(list);
    g_assert_cmpstr(error, ==, expected);
    g_free(error);
}

static void test_parse(void)
{
    pktan_allowlist *list = parse("# a web server\n\n"
                                  "http  port=80,8000-8080   # the site\r\n"
                                  "\tssh port=22 addr=10.1.0.0/16,fd00:1::/48\n"
                                  "dns\n");
    const pktan_allow_rule *http = g_ptr_array_index(list->rules, 0);
    const pktan_allow_rule *ssh = g_ptr_array_index(list->rules, 1);
    char *text;

    g_assert_cmpuint(list->rules->len, ==, 3);
    g_assert_cmpstr(list->source, ==, "policy.txt");
    g_assert_cmpstr(http->protocol, ==, "http");
    g_assert_cmpint(http->protocol_id, ==, id("http"));
    g_assert_cmpstr(http->comment, ==, "the site");
    g_assert_cmpuint(http->ports->len, ==, 2);
    text = pktan_allow_rule_to_str(http);
    g_assert_cmpstr(text, ==, "http port=80,8000-8080");
    g_free(text);
    text = pktan_allow_rule_to_str(ssh);
    g_assert_cmpstr(text, ==, "ssh port=22 addr=10.1.0.0/16,fd00:1::/48");
    g_free(text);
    pktan_allowlist_free(list);
}

static void test_parse_errors(void)
{
    parse_fails("http\nhtp\n", "policy.txt:2: unknown protocol 'htp' (use a Wireshark display "
                               "filter protocol name, e.g. http, tls, dns, rdp)");
    parse_fails("http port=0", "policy.txt:1: bad port '0' (a port is 1 to 65535, a range LOW-HIGH)");
    parse_fails("http port=65536", "policy.txt:1: bad port '65536' (a port is 1 to 65535, a range "
                                   "LOW-HIGH)");
    parse_fails("http port=80,", "policy.txt:1: bad port '' (a port is 1 to 65535, a range "
                                 "LOW-HIGH)");
    parse_fails("http port=90-80", "policy.txt:1: bad port range '90-80' (LOW-HIGH)");
    parse_fails("http port=", "policy.txt:1: empty port list");
    parse_fails("http port=80 port=81", "policy.txt:1: 'port=' given twice");
    parse_fails("ssh addr=10.0.0.1/8", "policy.txt:1: '10.0.0.1/8' has bits set after the "
                                       "prefix length");
    parse_fails("ssh addr=10.0.0.0/33", "policy.txt:1: bad prefix length '/33' in '10.0.0.0' (0 "
                                        "to 32)");
    parse_fails("ssh addr=fd00::/129", "policy.txt:1: bad prefix length '/129' in 'fd00::' (0 "
                                       "to 128)");
    parse_fails("ssh addr=10.0.0.256", "policy.txt:1: bad address '10.0.0.256' (an IPv4 or IPv6 "
                                       "address, or a CIDR block like 10.0.0.0/8)");
    parse_fails("ssh prot=22", "policy.txt:1: unexpected 'prot=22' (after the protocol: "
                               "port=PORTS, addr=NETWORKS, # comment)");
    parse_fails("port=22 ssh", "policy.txt:1: a rule starts with a protocol name, not 'port=22'");
    parse_fails("ssh\n\nssh tls", "policy.txt:3: unexpected 'tls' (after the protocol: "
                                  "port=PORTS, addr=NETWORKS, # comment)");
    parse_fails("ssh\nht\xfftp\n", "policy.txt:2: not UTF-8 text");
    {
        char *error = NULL;
        g_assert_null(pktan_allowlist_parse("ssh\0x", 5, "bin", resolve, NULL, &error));
        g_assert_cmpstr(error, ==, "bin: contains a NUL byte: not a text file");
        g_free(error);
        g_assert_null(pktan_allowlist_load("/nonexistent/policy.txt", resolve, NULL, &error));
        g_assert_true(g_str_has_prefix(error, "/nonexistent/policy.txt: cannot read the allowlist: "));
        g_free(error);
    }
    /* the UAT's column checks */
    g_assert_null(pktan_allowlist_check_ports(""));
    g_assert_null(pktan_allowlist_check_networks(NULL));
    {
        char *p = pktan_allowlist_check_protocol("", resolve, NULL);
        g_assert_cmpstr(p, ==, "no protocol name");
        g_free(p);
    }
}

static void test_scope(void)
{
    pktan_allowlist *list = parse("ssh port=22,2200-2299 addr=10.1.0.0/16,fd00:1::/48\n"
                                  "dns addr=192.0.2.7\n");
    const pktan_allow_rule *ssh = g_ptr_array_index(list->rules, 0);
    const pktan_allow_rule *dns = g_ptr_array_index(list->rules, 1);
    pktan_addr in4, out4, in6, out6, host;

    g_assert_true(pktan_addr_parse("10.1.255.3", &in4));
    g_assert_true(pktan_addr_parse("10.2.0.1", &out4));
    g_assert_true(pktan_addr_parse("fd00:1:0:ffff::9", &in6));
    g_assert_true(pktan_addr_parse("fd00:2::9", &out6));
    g_assert_true(pktan_addr_parse("192.0.2.7", &host));
    g_assert_true(pktan_allow_rule_covers(ssh, 22, &in4, &out4));   /* client in the network */
    g_assert_true(pktan_allow_rule_covers(ssh, 2250, &out4, &in4)); /* server in it */
    g_assert_false(pktan_allow_rule_covers(ssh, 23, &in4, &out4));
    g_assert_false(pktan_allow_rule_covers(ssh, 2300, &in4, &out4));
    g_assert_false(pktan_allow_rule_covers(ssh, 22, &out4, &out4));
    g_assert_true(pktan_allow_rule_covers(ssh, 22, &in6, &out6));
    g_assert_false(pktan_allow_rule_covers(ssh, 22, &out6, &out6));
    g_assert_true(pktan_allow_rule_covers(dns, 53, &host, &out4));
    g_assert_false(pktan_allow_rule_covers(dns, 53, &in4, &out4));
    pktan_allowlist_free(list);
}

/* ---- the walk ------------------------------------------------------------ */

typedef struct {
    pktan_addr client, server;
    pktan_conversation_ends ends;
} conversation;

static void ends(conversation *c, guint16 port)
{
    g_assert_true(pktan_addr_parse("10.0.0.1", &c->client));
    g_assert_true(pktan_addr_parse("10.0.0.2", &c->server));
    c->ends = (pktan_conversation_ends){&c->client, &c->server, port};
}

/* "eth:ip:tcp:tpkt:cotp:rdp" into ids */
static guint layers_of(const char *chain, int *layers)
{
    char **names = g_strsplit(chain, ":", -1);
    guint n = 0;

    for (; names[n]; n++)
        layers[n] = id(names[n]);
    g_strfreev(names);
    return n;
}

static pktan_judgement judge(const pktan_policy *policy, const char *chain, guint16 port)
{
    int layers[16];
    guint n = layers_of(chain, layers);
    conversation c;
    pktan_judgement j;

    ends(&c, port);
    pktan_policy_judge(policy, layers, n, &c.ends, &j);
    return j;
}

static pktan_policy *policy_of(const char *text, gboolean baseline)
{
    return pktan_policy_new(parse(text), baseline, resolve, NULL);
}

static void assert_named(const pktan_policy *p, const char *chain, guint16 port,
                         const char *name, guint start, guint len)
{
    pktan_judgement j = judge(p, chain, port);

    g_assert_cmpint(j.kind, ==, PKTAN_JUDGED_NAMED);
    g_assert_cmpint(j.protocol, ==, id(name));
    g_assert_cmpuint(j.chain_start, ==, start);
    g_assert_cmpuint(j.chain_len, ==, len);
}

static void test_walk(void)
{
    pktan_policy *empty = policy_of("", TRUE);
    pktan_policy *web = policy_of("http port=80\ntls\nrdp port=3389\nbittorrent\n", TRUE);
    pktan_policy *bare = policy_of("eth\nethertype\nip\n", FALSE);
    pktan_judgement j;

    /* the baseline alone, and ICMP errors whatever they quote */
    g_assert_cmpint(judge(empty, "frame:eth:ethertype:ip:tcp", 80).kind, ==, PKTAN_JUDGED_ALLOWED);
    g_assert_cmpint(judge(empty, "frame:eth:ethertype:arp", 0).kind, ==, PKTAN_JUDGED_ALLOWED);
    g_assert_cmpint(judge(empty, "eth:ethertype:ip:icmp:ip:udp:bt-dht", 0).kind, ==,
                    PKTAN_JUDGED_ALLOWED);
    /* tunnels are baseline; the inner application is judged */
    assert_named(empty, "eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:tcp:http", 80, "http", 9, 1);
    /* the first protocol outside the policy names the frame; inner ones ride along */
    assert_named(empty, "eth:ethertype:ip:tcp:http:data-text-lines", 80, "http", 4, 2);
    assert_named(empty, "eth:ethertype:ip:tcp:tls:x509sat", 443, "tls", 4, 2);
    /* carriers: RDP is rdp */
    assert_named(empty, "eth:ethertype:ip:tcp:tpkt:cotp:rdp", 3389, "rdp", 4, 3);
    j = judge(empty, "eth:ethertype:ip:tcp:tpkt", 3389);
    g_assert_cmpint(j.kind, ==, PKTAN_JUDGED_CARRIER);
    g_assert_cmpint(j.protocol, ==, id("tpkt"));
    j = judge(empty, "eth:ethertype:ip:tcp:tpkt:data", 3389);
    g_assert_cmpint(j.kind, ==, PKTAN_JUDGED_CARRIER);
    /* families: reported as bittorrent / rdp, and allowed by their rule */
    assert_named(empty, "eth:ethertype:ip:udp:bt-utp", 6881, "bittorrent", 4, 1);
    assert_named(empty, "eth:ethertype:ip:udp:bt-dht", 6881, "bittorrent", 4, 1);
    assert_named(empty, "eth:ethertype:ip:udp:rdpudp", 3389, "rdp", 4, 1);
    g_assert_cmpint(judge(web, "eth:ethertype:ip:udp:bt-dht", 6881).kind, ==, PKTAN_JUDGED_RULE);
    g_assert_cmpint(judge(web, "eth:ethertype:ip:udp:rdpudp", 3389).kind, ==, PKTAN_JUDGED_RULE);
    /* unidentified payload */
    j = judge(empty, "eth:ethertype:ip:udp:data", 9085);
    g_assert_cmpint(j.kind, ==, PKTAN_JUDGED_UNIDENTIFIED);
    g_assert_cmpint(j.protocol, ==, id("data"));
    /* a rule allows what its protocol carries, and only in its scope */
    g_assert_cmpint(judge(web, "eth:ethertype:ip:tcp:http:data-text-lines", 80).kind, ==,
                    PKTAN_JUDGED_RULE);
    assert_named(web, "eth:ethertype:ip:tcp:http:data-text-lines", 8080, "http", 4, 2);
    g_assert_cmpint(judge(web, "eth:ethertype:ip:tcp:tpkt:cotp:rdp", 3389).kind, ==,
                    PKTAN_JUDGED_RULE);
    g_assert_cmpint(judge(web, "eth:ethertype:ip:tcp:tls:x509sat", 3389).kind, ==,
                    PKTAN_JUDGED_RULE);
    /* without the baseline, every layer needs a rule */
    assert_named(bare, "frame:eth:ethertype:ip:tcp:http", 80, "tcp", 4, 2);
    assert_named(bare, "frame:eth:ethertype:ip:icmp:ip:tcp", 80, "icmp", 4, 3);
    pktan_policy_free(empty);
    pktan_policy_free(web);
    pktan_policy_free(bare);
}

/* ---- attribution ---------------------------------------------------------- */

typedef struct {
    pktan_unexpected *u;
    guint32 frame;
} trace;

static const pktan_flagged_conversation *frame_port(trace *t, guint32 stream, guint16 port,
                                                    gboolean to_server, pktan_server_hint hint,
                                                    const char *chain)
{
    pktan_unexpected_frame f = {0};
    int layers[16];

    g_assert_true(pktan_addr_parse(to_server ? "10.0.0.1" : "10.0.0.2", &f.src));
    g_assert_true(pktan_addr_parse(to_server ? "10.0.0.2" : "10.0.0.1", &f.dst));
    f.transport = PKTAN_IPPROTO_TCP;
    f.has_ports = TRUE;
    f.src_port = to_server ? 50000 : port;
    f.dst_port = to_server ? port : 50000;
    f.stream = stream;
    f.hint = hint;
    f.frame = ++t->frame;
    f.bytes = 100;
    f.time = t->frame * G_GINT64_CONSTANT(1000000);
    f.n_layers = layers_of(chain, layers);
    f.layers = layers;
    return pktan_unexpected_add(t->u, &f);
}

static const pktan_flagged_conversation *frame(trace *t, guint32 stream, gboolean to_server,
                                               pktan_server_hint hint, const char *chain)
{
    return frame_port(t, stream, 3389, to_server, hint, chain);
}

static void test_attribution(void)
{
    trace t = {pktan_unexpected_new(policy_of("tls\n", TRUE)), 0};
    const pktan_flagged_conversation *c;
    pktan_unexpected_table *table;
    const pktan_protocol_row *row;
    const pktan_endpoint_row *endpoint;
    const pktan_addr *client, *server;
    guint16 client_port, server_port;
    char text[PKTAN_ADDR_STRLEN];

    /* RDP that switches to TLS: the SYNs and the TLS records count too */
    frame(&t, 0, TRUE, PKTAN_SERVER_HINT_DST, "eth:ethertype:ip:tcp");
    frame(&t, 0, FALSE, PKTAN_SERVER_HINT_SRC, "eth:ethertype:ip:tcp");
    frame(&t, 0, TRUE, PKTAN_SERVER_HINT_NONE, "eth:ethertype:ip:tcp:tpkt");
    c = frame(&t, 0, TRUE, PKTAN_SERVER_HINT_NONE, "eth:ethertype:ip:tcp:tpkt:cotp:rdp");
    g_assert_cmpint(c->flag, ==, PKTAN_FLAG_NAMED);
    g_assert_cmpint(c->protocol, ==, id("rdp"));
    g_assert_cmpuint(c->flag_frame, ==, 4);
    frame(&t, 0, FALSE, PKTAN_SERVER_HINT_NONE, "eth:ethertype:ip:tcp:tls");
    c = frame(&t, 0, TRUE, PKTAN_SERVER_HINT_NONE, "eth:ethertype:ip:tcp:http");
    g_assert_cmpint(c->protocol, ==, id("rdp")); /* the first name stays */
    g_assert_true(pktan_flagged_counts(c));
    g_assert_cmpuint(pktan_unexpected_chain(t.u, c->chain)->len, ==, 3);
    g_assert_cmpuint(c->packets, ==, 6);
    g_assert_cmpuint(c->bytes, ==, 600);
    g_assert_cmpuint(c->first_frame, ==, 1);
    pktan_flagged_ends(c, &client, &client_port, &server, &server_port);
    g_assert_cmpstr(pktan_addr_to_str(server, text), ==, "10.0.0.2");
    g_assert_cmpuint(server_port, ==, 3389);

    /* the same 4-tuple again (port reuse): another conversation; unidentified
     * first, then named */
    c = frame(&t, 7, TRUE, PKTAN_SERVER_HINT_NONE, "eth:ethertype:ip:tcp:data");
    g_assert_cmpint(c->flag, ==, PKTAN_FLAG_UNIDENTIFIED);
    c = frame(&t, 7, FALSE, PKTAN_SERVER_HINT_NONE, "eth:ethertype:ip:tcp:ssh");
    g_assert_cmpint(c->flag, ==, PKTAN_FLAG_NAMED);
    g_assert_cmpint(c->protocol, ==, id("ssh"));
    /* a longer chain under the same protocol is kept for the report */
    c = frame(&t, 7, FALSE, PKTAN_SERVER_HINT_NONE, "eth:ethertype:ip:tcp:ssh:data");
    g_assert_cmpuint(pktan_unexpected_chain(t.u, c->chain)->len, ==, 2);
    /* an allowed conversation */
    frame(&t, 8, TRUE, PKTAN_SERVER_HINT_NONE, "eth:ethertype:ip:tcp:tls:x509sat");
    g_assert_cmpuint(pktan_unexpected_conversations(t.u), ==, 3);

    table = pktan_unexpected_table_build(t.u);
    g_assert_cmpuint(table->conversations, ==, 3);
    g_assert_cmpuint(table->flagged, ==, 2);
    g_assert_cmpuint(table->protocols->len, ==, 2);
    row = g_ptr_array_index(table->protocols, 0);
    g_assert_cmpint(row->protocol, ==, id("rdp")); /* more packets: sorted first */
    g_assert_cmpuint(row->packets, ==, 6);
    g_assert_cmpuint(row->first_frame, ==, 4);
    g_assert_cmpuint(row->endpoints->len, ==, 1);
    endpoint = g_ptr_array_index(row->endpoints, 0);
    g_assert_cmpuint(endpoint->key.server_port, ==, 3389);
    g_assert_cmpuint(endpoint->key.transport, ==, PKTAN_IPPROTO_TCP);
    g_assert_cmpuint(table->unidentified->len, ==, 0);
    pktan_unexpected_table_free(table);

    pktan_unexpected_reset(t.u);
    g_assert_cmpuint(pktan_unexpected_conversations(t.u), ==, 0);
    pktan_unexpected_free(t.u);
}

/* RDP allowed, and its TLS records, which Wireshark 4.0 shows as bare TPKT:
 * a carrier in a conversation a rule allowed is not reported. Bare TPKT
 * alone is. */
static void test_carrier_in_allowed_conversation(void)
{
    trace t = {pktan_unexpected_new(policy_of("rdp port=3389\n", TRUE)), 0};
    const pktan_flagged_conversation *c;

    frame(&t, 1, TRUE, PKTAN_SERVER_HINT_DST, "eth:ethertype:ip:tcp");
    frame(&t, 1, TRUE, PKTAN_SERVER_HINT_NONE, "eth:ethertype:ip:tcp:tpkt:cotp:rdp");
    c = frame(&t, 1, TRUE, PKTAN_SERVER_HINT_NONE, "eth:ethertype:ip:tcp:tpkt");
    g_assert_cmpint(c->flag, ==, PKTAN_FLAG_CARRIER);
    g_assert_false(pktan_flagged_counts(c));
    /* and its TLS records as Wireshark 4.4 shows them */
    c = frame(&t, 1, FALSE, PKTAN_SERVER_HINT_NONE, "eth:ethertype:ip:tcp:tls:x509sat");
    g_assert_false(pktan_flagged_counts(c));
    c = frame(&t, 2, TRUE, PKTAN_SERVER_HINT_NONE, "eth:ethertype:ip:tcp:tpkt");
    g_assert_true(pktan_flagged_counts(c));
    g_assert_cmpint(c->protocol, ==, id("tpkt"));
    /* TLS where no rule allowed anything is TLS */
    c = frame(&t, 3, TRUE, PKTAN_SERVER_HINT_NONE, "eth:ethertype:ip:tcp:tls");
    g_assert_cmpint(c->protocol, ==, id("tls"));
    pktan_unexpected_free(t.u);
}

/* The tracker remembers the policy's answer for a chain of layers and
 * skips the walk when the next frame has the same chain, but only for
 * answers that did not depend on the conversation: a rule scoped to a port
 * must be asked again for every conversation. */
static void test_judgement_memo(void)
{
    trace t = {pktan_unexpected_new(policy_of("http port=8080\nssh\n", TRUE)), 0};
    const char *http = "eth:ethertype:ip:tcp:http";
    const pktan_flagged_conversation *c;

    for (guint32 round = 0; round < 3; round++) {
        c = frame_port(&t, 1, 8080, TRUE, PKTAN_SERVER_HINT_NONE, http);
        g_assert_cmpint(c->flag, ==, PKTAN_FLAG_NONE);
        c = frame_port(&t, 2, 80, TRUE, PKTAN_SERVER_HINT_NONE, http);
        g_assert_cmpint(c->flag, ==, PKTAN_FLAG_NAMED);
        g_assert_cmpint(c->protocol, ==, id("http"));
        c = frame_port(&t, 3 + round, 8080, TRUE, PKTAN_SERVER_HINT_NONE, http);
        g_assert_cmpint(c->flag, ==, PKTAN_FLAG_NONE);
    }
    /* unscoped answers, remembered, hold for every conversation: the same
     * chains in many conversations, many times over */
    for (guint32 i = 0; i < 200; i++) {
        guint32 stream = 10 + i % 7;
        c = frame_port(&t, stream, 22, TRUE, PKTAN_SERVER_HINT_NONE, "eth:ethertype:ip:tcp:ssh");
        g_assert_cmpint(c->flag, ==, PKTAN_FLAG_NONE);
        c = frame_port(&t, stream, 22, TRUE, PKTAN_SERVER_HINT_NONE, "eth:ethertype:ip:tcp");
        g_assert_cmpint(c->flag, ==, PKTAN_FLAG_NONE);
        c = frame_port(&t, 100 + i % 5, 25, TRUE, PKTAN_SERVER_HINT_NONE,
                       i % 2 ? "eth:ethertype:ip:tcp:smtp" : "eth:ethertype:ip:tcp");
        if (i % 2 || i >= 10) /* by then every one of the five has shown smtp */
            g_assert_cmpint(c->protocol, ==, id("smtp"));
    }
    pktan_unexpected_free(t.u);
}

/* ---- uTP ------------------------------------------------------------------ */

static void utp(guint8 *p, guint type, guint8 extension, guint16 connection_id)
{
    memset(p, 0, PKTAN_UTP_HEADER_LEN);
    p[0] = (guint8)(type << 4 | 1);
    p[1] = extension;
    p[2] = (guint8)(connection_id >> 8);
    p[3] = (guint8)connection_id;
}

static void test_utp(void)
{
    guint8 p[64];
    guint16 cid;
    pktan_utp_flow flow = {0};

    utp(p, 4, 0, 0x1234); /* ST_SYN */
    g_assert_true(pktan_utp_header(p, 20, &cid));
    g_assert_cmpuint(cid, ==, 0x1234);
    g_assert_false(pktan_utp_header(p, 19, &cid));  /* too short */
    g_assert_false(pktan_utp_header(p, 24, &cid));  /* a SYN carries no data */
    utp(p, 0, 0, 0x1235);                           /* ST_DATA with data */
    g_assert_true(pktan_utp_header(p, 40, &cid));
    utp(p, 5, 0, 1);                                /* no type 5 */
    g_assert_false(pktan_utp_header(p, 20, &cid));
    utp(p, 0, 0, 1);
    p[0] = 0x02;                                    /* version 2 */
    g_assert_false(pktan_utp_header(p, 20, &cid));
    utp(p, 2, 1, 1);                                /* ST_STATE, selective ack ext */
    p[20] = 0;
    p[21] = 4;
    g_assert_true(pktan_utp_header(p, 26, &cid));
    g_assert_false(pktan_utp_header(p, 25, &cid));  /* extension overruns */
    p[21] = 200;
    g_assert_false(pktan_utp_header(p, 26, &cid));

    /* a flow: SYN id X, reply id X, then X+1 from the initiator */
    g_assert_false(pktan_utp_flow_add(&flow, 0, 0x1234));
    g_assert_true(pktan_utp_flow_add(&flow, 1, 0x1234));
    g_assert_true(pktan_utp_flow_add(&flow, 0, 0x1235));
    /* unrelated ids in the two directions: not uTP */
    memset(&flow, 0, sizeof flow);
    g_assert_false(pktan_utp_flow_add(&flow, 0, 0x1234));
    g_assert_false(pktan_utp_flow_add(&flow, 1, 0x9999));
    /* wrap-around */
    memset(&flow, 0, sizeof flow);
    pktan_utp_flow_add(&flow, 0, 0x0000);
    g_assert_true(pktan_utp_flow_add(&flow, 1, 0xffff));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/allowlist/parse", test_parse);
    g_test_add_func("/allowlist/errors", test_parse_errors);
    g_test_add_func("/allowlist/scope", test_scope);
    g_test_add_func("/policy/walk", test_walk);
    g_test_add_func("/unexpected/attribution", test_attribution);
    g_test_add_func("/unexpected/carrier", test_carrier_in_allowed_conversation);
    g_test_add_func("/unexpected/judgement_memo", test_judgement_memo);
    g_test_add_func("/utp/recognise", test_utp);
    return g_test_run();
}
