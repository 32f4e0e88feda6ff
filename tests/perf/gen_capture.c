/*
 * pktan-gen: synthetic capture generator for pktan scale tests and benchmarks.
 *
 * Writes a classic pcap file (LINKTYPE_ETHERNET, nanosecond timestamps,
 * magic 0xa1b23c4d) with N TCP connections plus UDP (DNS) traffic, a
 * ground-truth JSON file and a per-connection TSV file.
 *
 * Every packet carries correct IPv4 header, TCP, UDP, ICMP and ICMPv6
 * checksums.  Output is deterministic for a given set of options.
 *
 * C11, standard library only.  See README.md in this directory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Random numbers                                                      */
/* ------------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* uniform in [0, n) (n > 0); the tiny modulo bias is irrelevant here */
static uint32_t rnd_below(uint64_t *s, uint32_t n)
{
    return (uint32_t)(((splitmix64(s) >> 32) * (uint64_t)n) >> 32);
}

static uint64_t rnd_range(uint64_t *s, uint64_t lo, uint64_t hi)
{
    return lo + splitmix64(s) % (hi - lo + 1);
}

static double rnd_unit(uint64_t *s)
{
    return (double)(splitmix64(s) >> 11) * (1.0 / 9007199254740992.0);
}

static void rnd_bytes(uint64_t *s, uint8_t *p, size_t n)
{
    while (n > 0) {
        uint64_t v = splitmix64(s);
        for (int i = 0; i < 8 && n > 0; i++, n--) {
            *p++ = (uint8_t)v;
            v >>= 8;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Model                                                               */
/* ------------------------------------------------------------------ */

enum svc { SVC_HTTP, SVC_TLS, SVC_SSH, SVC_SMTP, SVC_RDP, SVC_BT, SVC_DATA, SVC_DNS, NSVC };
static const char *const svc_name[NSVC] = { "http", "tls", "ssh", "smtp", "rdp", "bittorrent", "data", "dns" };
static const uint16_t svc_port[NSVC] = { 80, 443, 22, 25, 3389, 6881, 9999, 53 };
/* relative weights of the TCP services for connections with a handshake */
static const unsigned svc_weight[SVC_DATA] = { 34, 34, 8, 8, 8, 8 };

enum outcome {
    OUT_EST, OUT_RETRY, OUT_REFUSED, OUT_ICMP, OUT_UNANS, OUT_HALF, OUT_MID, NOUT,
    /* UDP */
    OUT_U_ANSWERED = NOUT, OUT_U_ICMP, NOUT_ALL
};
static const char *const out_name[NOUT_ALL] = {
    "established", "established_after_retry", "refused", "icmp_rejected",
    "unanswered", "half_open", "midstream", "answered", "icmp_rejected"
};
static double out_share[NOUT] = { 0.80, 0.03, 0.05, 0.03, 0.04, 0.02, 0.03 };

enum op {
    OP_END = 0,
    OP_C_SYN, OP_C_SYN_R1, OP_C_SYN_R2, OP_C_SYN_R4,
    OP_S_SYNACK, OP_S_SYNACK_R1, OP_S_SYNACK_R2,
    OP_C_ACK,                       /* final handshake ACK */
    OP_C_D0, OP_C_D1,               /* client application data */
    OP_S_D0, OP_S_D1, OP_S_D2,      /* server application data */
    OP_C_ACKD,                      /* pure ACK from the client */
    OP_C_FIN, OP_S_FIN, OP_C_LASTACK,
    OP_C_RST,                       /* client aborts an established connection */
    OP_S_RSTACK,                    /* connection refused */
    OP_S_ICMP, OP_R_ICMP,           /* SYN rejected by the server / a router */
    OP_M_C, OP_M_S,                 /* midstream data */
    OP_U_Q, OP_U_R, OP_U_ICMP       /* UDP DNS query, response, port unreachable */
};

#define F_RST_CLOSE 0x01
#define F_REUSE     0x02
#define F_AAAA      0x04
#define F_CAND      0x08   /* FIN-closed established connection, tuple may be reused */

#define MAX_OPS 16

typedef struct {
    uint64_t rng;
    uint64_t syn_t;        /* time of the most recent client SYN */
    uint32_t client;       /* client host index */
    uint32_t isn_c, isn_s;
    uint32_t cseq, sseq;   /* next sequence numbers */
    uint32_t rtt;          /* ns */
    uint32_t irtt;         /* ns, valid if ack_frame != 0 */
    uint32_t first_frame, ack_frame;
    uint16_t cport;
    uint16_t ipid_c, ipid_s;
    uint16_t aux;          /* DNS transaction id / misc */
    uint16_t flowlbl;
    uint8_t proto;         /* 6 or 17 */
    uint8_t v6;
    uint8_t svc;
    uint8_t outcome;
    uint8_t server;        /* server host index within the service pool */
    uint8_t pc;
    uint8_t syn_count;
    uint8_t prevdir;       /* 0 = client sent last, 1 = server sent last */
    uint8_t flags;
    uint8_t ops[MAX_OPS];
} flow_t;

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

#define OBUF_SIZE (8u << 20)
static uint8_t *obuf;
static size_t opos;
static FILE *ofile;
static const char *ofile_name;
static uint32_t frame_no;  /* number of the last frame written */

static void die(const char *msg, const char *arg)
{
    fprintf(stderr, "pktan-gen: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    exit(2);
}

static void oflush(void)
{
    if (opos && fwrite(obuf, 1, opos, ofile) != opos)
        die("write error", ofile_name);
    opos = 0;
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static void le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

#define TS_BASE_SEC 1767225600ULL /* 2026-01-01T00:00:00Z */

static uint64_t last_emit_t;

static void emit(uint64_t t, const uint8_t *pkt, size_t len)
{
    if (opos + len + 16 > OBUF_SIZE)
        oflush();
    uint8_t *p = obuf + opos;
    uint64_t sec = TS_BASE_SEC + t / 1000000000ULL;
    le32(p, (uint32_t)sec);
    le32(p + 4, (uint32_t)(t % 1000000000ULL));
    le32(p + 8, (uint32_t)len);
    le32(p + 12, (uint32_t)len);
    memcpy(p + 16, pkt, len);
    opos += len + 16;
    frame_no++;
    last_emit_t = t;
}

/* ------------------------------------------------------------------ */
/* Addresses                                                           */
/* ------------------------------------------------------------------ */

#define ROUTER_SERVER 255 /* pseudo server index: router on the path */
#define NOHOST_SERVER 200 /* pseudo server index: host without the service */

static void client_addr(const flow_t *f, uint8_t *a)
{
    uint32_t c = f->client;
    if (!f->v6) {
        a[0] = 10; a[1] = (uint8_t)(c / 64000); a[2] = (uint8_t)((c / 250) % 256); a[3] = (uint8_t)(1 + c % 250);
    } else {
        static const uint8_t pfx[8] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0xc1, 0x00, 0x00 };
        memcpy(a, pfx, 8);
        memset(a + 8, 0, 4);
        put32(a + 12, c + 1);
    }
}

static void server_addr(const flow_t *f, unsigned server, uint8_t *a)
{
    if (!f->v6) {
        if (server == ROUTER_SERVER) {
            a[0] = 100; a[1] = 64; a[2] = 0; a[3] = 1;
        } else {
            a[0] = 172; a[1] = 16; a[2] = (uint8_t)(16 + f->svc); a[3] = (uint8_t)(1 + server);
        }
    } else {
        static const uint8_t pfx[6] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x5e };
        memcpy(a, pfx, 6);
        memset(a + 6, 0, 10);
        if (server == ROUTER_SERVER) {
            a[4] = 0xff; a[5] = 0xff; a[15] = 1;
        } else {
            a[7] = (uint8_t)(f->svc + 1);
            a[15] = (uint8_t)(1 + server);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Checksums and packet assembly                                       */
/* ------------------------------------------------------------------ */

static uint64_t csum_add(uint64_t sum, const uint8_t *p, size_t n)
{
    while (n > 1) {
        sum += (uint32_t)p[0] << 8 | p[1];
        p += 2;
        n -= 2;
    }
    if (n)
        sum += (uint32_t)p[0] << 8;
    return sum;
}

static uint16_t csum_fold(uint64_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

#define ETH_LEN 14
static unsigned ip_hlen(const flow_t *f) { return f->v6 ? 40 : 20; }

/*
 * buf holds the L4 segment (header + payload) at ETH_LEN + ip_hlen(f) and
 * l4len bytes long.  Fill Ethernet and IP headers and the L4 checksum.
 * dir: 0 client->server, 1 server->client.  src_server selects the
 * source address of server->client packets (server or router).
 * Returns the frame length.
 */
static size_t finish_packet(uint8_t *buf, const flow_t *f, int dir, uint8_t proto,
                            size_t l4len, uint16_t ipid, unsigned src_server)
{
    uint8_t caddr[16], saddr[16];
    const uint8_t *src, *dst;
    unsigned alen = f->v6 ? 16 : 4;
    unsigned hl = ip_hlen(f);
    uint8_t *ip = buf + ETH_LEN;
    uint8_t *l4 = ip + hl;

    client_addr(f, caddr);
    server_addr(f, src_server, saddr);
    src = dir ? saddr : caddr;
    dst = dir ? caddr : saddr;

    /* Ethernet: client hosts 02:c1:xx:xx:xx:xx, gateway 02:00:5e:00:00:01 */
    static const uint8_t gw[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 };
    uint8_t cmac[6] = { 0x02, 0xc1, 0, 0, 0, 0 };
    put32(cmac + 2, f->client);
    memcpy(buf, dir ? cmac : gw, 6);
    memcpy(buf + 6, dir ? gw : cmac, 6);
    put16(buf + 12, f->v6 ? 0x86dd : 0x0800);

    uint8_t ttl = dir ? (src_server == ROUTER_SERVER ? 254 : 52) : 64;
    if (!f->v6) {
        ip[0] = 0x45; ip[1] = 0;
        put16(ip + 2, (uint32_t)(20 + l4len));
        put16(ip + 4, ipid);
        put16(ip + 6, proto == 1 ? 0 : 0x4000);
        ip[8] = ttl; ip[9] = proto;
        put16(ip + 10, 0);
        memcpy(ip + 12, src, 4);
        memcpy(ip + 16, dst, 4);
        put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
    } else {
        uint32_t fl = dir ? (uint32_t)(f->flowlbl ^ 0x5a5a) : f->flowlbl;
        if (src_server == ROUTER_SERVER)
            fl = 0;
        put32(ip, 0x60000000u | (fl & 0xfffff));
        put16(ip + 4, (uint32_t)l4len);
        ip[6] = proto == 1 ? 58 : proto; ip[7] = ttl;
        memcpy(ip + 8, src, 16);
        memcpy(ip + 24, dst, 16);
    }

    /* L4 checksum */
    unsigned ck_off = proto == 6 ? 16 : proto == 17 ? 6 : 2;
    put16(l4 + ck_off, 0);
    uint64_t sum = 0;
    if (proto != 1 || f->v6) {
        sum = csum_add(sum, src, alen);
        sum = csum_add(sum, dst, alen);
        sum += (uint32_t)l4len;
        sum += proto == 1 ? 58 : proto;
    }
    sum = csum_add(sum, l4, l4len);
    uint16_t ck = csum_fold(sum);
    if (proto == 17 && ck == 0)
        ck = 0xffff;
    put16(l4 + ck_off, ck);
    return ETH_LEN + hl + l4len;
}

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

/* Writes a TCP header at l4 (payload must already follow at l4+20 or +32
 * for SYNs).  Returns the header length. */
static unsigned tcp_header(const flow_t *f, uint8_t *l4, int dir, uint32_t seq, uint32_t ack,
                           uint8_t flags, uint16_t win)
{
    unsigned hl = (flags & TH_SYN) ? 32 : 20;
    put16(l4, dir ? svc_port[f->svc] : f->cport);
    put16(l4 + 2, dir ? f->cport : svc_port[f->svc]);
    put32(l4 + 4, seq);
    put32(l4 + 8, ack);
    l4[12] = (uint8_t)((hl / 4) << 4);
    l4[13] = flags;
    put16(l4 + 14, win);
    put16(l4 + 16, 0);
    put16(l4 + 18, 0);
    if (flags & TH_SYN) {
        uint8_t *o = l4 + 20;
        /* MSS, NOP, NOP, SACK permitted, NOP, window scale 7 */
        o[0] = 2; o[1] = 4; put16(o + 2, f->v6 ? 1440 : 1460);
        o[4] = 1; o[5] = 1; o[6] = 4; o[7] = 2;
        o[8] = 1; o[9] = 3; o[10] = 3; o[11] = 7;
    }
    return hl;
}

/* ------------------------------------------------------------------ */
/* Application payloads                                                */
/* ------------------------------------------------------------------ */

static size_t put_str(uint8_t *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return n;
}

static size_t put_uint(uint8_t *p, uint32_t v)
{
    char tmp[12];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)tmp[n - 1 - i];
    return n;
}

static size_t http_request(const flow_t *f, uint8_t *p)
{
    size_t n = 0;
    n += put_str(p + n, "GET /page");
    n += put_uint(p + n, f->isn_c % 1000);
    n += put_str(p + n, ".html HTTP/1.1\r\nHost: www");
    n += put_uint(p + n, f->server);
    n += put_str(p + n, ".example.com\r\nUser-Agent: pktan-gen/1.0\r\nAccept: */*\r\n\r\n");
    return n;
}

static size_t http_response(flow_t *f, uint8_t *p)
{
    uint32_t body = 60 + rnd_below(&f->rng, 600);
    size_t n = 0;
    n += put_str(p + n, "HTTP/1.1 200 OK\r\nServer: pktan-gen\r\nContent-Type: text/html\r\nContent-Length: ");
    n += put_uint(p + n, body);
    n += put_str(p + n, "\r\nConnection: close\r\n\r\n");
    static const char head[] = "<html><body><p>";
    static const char tail[] = "</p></body></html>\n";
    memcpy(p + n, head, sizeof head - 1);
    memset(p + n + sizeof head - 1, 'x', body - (sizeof head - 1) - (sizeof tail - 1));
    memcpy(p + n + body - (sizeof tail - 1), tail, sizeof tail - 1);
    return n + body;
}

static size_t tls_client_hello(flow_t *f, uint8_t *p)
{
    static const uint8_t suites[] = { 0x13, 0x01, 0x13, 0x02, 0x13, 0x03, 0xc0, 0x2b, 0xc0, 0x2f,
                                      0xc0, 0x2c, 0xc0, 0x30, 0xcc, 0xa9, 0xcc, 0xa8 };
    static const uint8_t ext_fixed[] = {
        0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18,  /* supported_groups */
        0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,                                      /* ec_point_formats */
        0x00, 0x0d, 0x00, 0x0a, 0x00, 0x08, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x05, 0x01, /* sig algs */
        0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 'h', '2', 0x08, 'h', 't', 't', 'p', '/', '1', '.', '1', /* ALPN */
        0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03,                    /* supported_versions */
        0x00, 0x2d, 0x00, 0x02, 0x01, 0x01,                                      /* psk_key_exchange_modes */
        0x00, 0x33, 0x00, 0x26, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20               /* key_share x25519 */
    };
    uint8_t *hs = p + 5, *b = hs + 4;
    p[0] = 0x16; p[1] = 3; p[2] = 1;
    hs[0] = 1;
    *b++ = 3; *b++ = 3;
    rnd_bytes(&f->rng, b, 32); b += 32;           /* random */
    *b++ = 32; rnd_bytes(&f->rng, b, 32); b += 32; /* legacy session id */
    put16(b, sizeof suites); b += 2;
    memcpy(b, suites, sizeof suites); b += sizeof suites;
    *b++ = 1; *b++ = 0;                             /* compression: null */
    uint8_t *extlen = b; b += 2;
    /* server_name */
    uint8_t host[48];
    size_t hl = put_str(host, "www");
    hl += put_uint(host + hl, f->server);
    hl += put_str(host + hl, ".example.com");
    put16(b, 0); put16(b + 2, (uint32_t)hl + 5); put16(b + 4, (uint32_t)hl + 3); b[6] = 0;
    put16(b + 7, (uint32_t)hl); memcpy(b + 9, host, hl); b += 9 + hl;
    memcpy(b, ext_fixed, sizeof ext_fixed); b += sizeof ext_fixed;
    rnd_bytes(&f->rng, b, 32); b += 32;            /* key share */
    put16(extlen, (uint32_t)(b - extlen - 2));
    uint32_t hlen = (uint32_t)(b - hs - 4);
    hs[1] = (uint8_t)(hlen >> 16); hs[2] = (uint8_t)(hlen >> 8); hs[3] = (uint8_t)hlen;
    put16(p + 3, (uint32_t)(b - hs));
    return (size_t)(b - p);
}

static size_t tls_server_hello(flow_t *f, uint8_t *p)
{
    uint8_t *hs = p + 5, *b = hs + 4;
    p[0] = 0x16; p[1] = 3; p[2] = 3;
    hs[0] = 2;
    *b++ = 3; *b++ = 3;
    rnd_bytes(&f->rng, b, 32); b += 32;
    *b++ = 32; rnd_bytes(&f->rng, b, 32); b += 32;
    *b++ = 0x13; *b++ = 0x01;   /* TLS_AES_128_GCM_SHA256 */
    *b++ = 0;                   /* compression */
    static const uint8_t ext[] = { 0x00, 0x2e, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
                                   0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20 };
    memcpy(b, ext, sizeof ext); b += sizeof ext;
    rnd_bytes(&f->rng, b, 32); b += 32;
    uint32_t hlen = (uint32_t)(b - hs - 4);
    hs[1] = (uint8_t)(hlen >> 16); hs[2] = (uint8_t)(hlen >> 8); hs[3] = (uint8_t)hlen;
    put16(p + 3, (uint32_t)(b - hs));
    /* ChangeCipherSpec (middlebox compatibility) */
    static const uint8_t ccs[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };
    memcpy(b, ccs, sizeof ccs); b += sizeof ccs;
    return (size_t)(b - p);
}

static size_t rdp_cr(const flow_t *f, uint8_t *p)
{
    static const char cookie[] = "Cookie: mstshash=user";
    size_t n = 11;
    n += put_str(p + n, cookie);
    n += put_uint(p + n, f->client % 1000);
    n += put_str(p + n, "\r\n");
    static const uint8_t neg[] = { 0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00 };
    memcpy(p + n, neg, sizeof neg);
    n += sizeof neg;
    p[0] = 3; p[1] = 0; put16(p + 2, (uint32_t)n);            /* TPKT */
    p[4] = (uint8_t)(n - 5);                                   /* X.224 LI */
    p[5] = 0xe0; put16(p + 6, 0); put16(p + 8, 0); p[10] = 0;  /* CR, dst/src ref, class 0 */
    return n;
}

static size_t rdp_cc(const flow_t *f, uint8_t *p)
{
    static const uint8_t cc[] = { 0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00,
                                  0x02, 0x1f, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00 };
    memcpy(p, cc, sizeof cc);
    put16(p + 8, (uint16_t)(0x1000 + f->cport));
    return sizeof cc;
}

static size_t bt_handshake(const flow_t *f, uint8_t *p, int server)
{
    static const uint8_t reserved[8] = { 0, 0, 0, 0, 0, 0x10, 0, 0x05 };
    static const char alnum[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    uint64_t hs = ((uint64_t)f->isn_c << 32) ^ f->cport ^ 0x0b17;
    p[0] = 19;
    memcpy(p + 1, "BitTorrent protocol", 19);
    memcpy(p + 20, reserved, 8);
    uint64_t ih = 0x1f0a5e5eedULL + f->server;     /* same torrent per server */
    rnd_bytes(&ih, p + 28, 20);
    memcpy(p + 48, server ? "-TR3000-" : "-qB4520-", 8);
    if (server)
        hs ^= 0x5eedf00dULL;
    for (int i = 0; i < 12; i++)
        p[56 + i] = (uint8_t)alnum[splitmix64(&hs) % 62];
    return 68;
}

static size_t app_payload(flow_t *f, uint8_t op, uint8_t *p)
{
    switch (f->svc) {
    case SVC_HTTP:
        return op == OP_C_D0 ? http_request(f, p) : http_response(f, p);
    case SVC_TLS:
        return op == OP_C_D0 ? tls_client_hello(f, p) : tls_server_hello(f, p);
    case SVC_SSH:
        return put_str(p, op == OP_C_D0 ? "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n"
                                        : "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
    case SVC_SMTP:
        switch (op) {
        case OP_S_D0: return put_str(p, "220 mail.example.net ESMTP Postfix (Debian/GNU)\r\n");
        case OP_C_D0: return put_str(p, "EHLO client.example.org\r\n");
        case OP_S_D1:
            return put_str(p, "250-mail.example.net\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
                              "250-8BITMIME\r\n250 SMTPUTF8\r\n");
        case OP_C_D1: return put_str(p, "QUIT\r\n");
        default: return put_str(p, "221 2.0.0 Bye\r\n");
        }
    case SVC_RDP:
        return op == OP_C_D0 ? rdp_cr(f, p) : rdp_cc(f, p);
    case SVC_BT:
        return bt_handshake(f, p, op != OP_C_D0);
    default:
        return 0;
    }
}

/* midstream: printable text, so that no heuristic dissector claims it */
static size_t midstream_payload(flow_t *f, uint8_t *p, int server)
{
    size_t n = server ? 200 + rnd_below(&f->rng, 1200) : 40 + rnd_below(&f->rng, 400);
    static const char words[] = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod ";
    size_t off = rnd_below(&f->rng, sizeof words - 1);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)words[(off + i) % (sizeof words - 1)];
    return n;
}

static size_t dns_message(const flow_t *f, uint8_t *p, int response)
{
    size_t n = 0;
    put16(p, f->aux);
    put16(p + 2, response ? 0x8180 : 0x0100);
    put16(p + 4, 1);
    put16(p + 6, response ? 1 : 0);
    put16(p + 8, 0);
    put16(p + 10, 0);
    n = 12;
    /* QNAME host<N>.example.com */
    uint8_t label[16];
    size_t ll = put_str(label, "host");
    ll += put_uint(label + ll, f->isn_c % 100000);
    p[n++] = (uint8_t)ll; memcpy(p + n, label, ll); n += ll;
    p[n++] = 7; memcpy(p + n, "example", 7); n += 7;
    p[n++] = 3; memcpy(p + n, "com", 3); n += 3;
    p[n++] = 0;
    int aaaa = (f->flags & F_AAAA) != 0;
    put16(p + n, aaaa ? 28 : 1); put16(p + n + 2, 1); n += 4;
    if (response) {
        put16(p + n, 0xc00c);
        put16(p + n + 2, aaaa ? 28 : 1);
        put16(p + n + 4, 1);
        put32(p + n + 6, 300);
        n += 10;
        if (aaaa) {
            static const uint8_t a6[14] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0xaa, 0, 0, 0, 0, 0, 0, 0, 0 };
            put16(p + n, 16);
            memcpy(p + n + 2, a6, 14);
            put16(p + n + 16, f->isn_c % 65536);
            n += 18;
        } else {
            put16(p + n, 4);
            p[n + 2] = 198; p[n + 3] = 18; p[n + 4] = (uint8_t)(f->isn_c >> 8); p[n + 5] = (uint8_t)f->isn_c;
            n += 6;
        }
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* Packet generation per op                                            */
/* ------------------------------------------------------------------ */

static struct {
    uint64_t rst_packets, icmp_errors, handshakes, dns_queries, dns_responses;
} cnt;

static uint8_t pktbuf[4096];
static uint8_t quotebuf[4096];

static int op_dir(uint8_t op)
{
    switch (op) {
    case OP_S_SYNACK: case OP_S_SYNACK_R1: case OP_S_SYNACK_R2:
    case OP_S_D0: case OP_S_D1: case OP_S_D2: case OP_S_FIN: case OP_S_RSTACK:
    case OP_S_ICMP: case OP_R_ICMP: case OP_M_S: case OP_U_R: case OP_U_ICMP:
        return 1;
    default:
        return 0;
    }
}

/* Build a TCP segment into buf; returns frame length. */
static size_t tcp_segment(uint8_t *buf, flow_t *f, int dir, uint32_t seq, uint32_t ack, uint8_t flags,
                          uint16_t win, uint8_t op)
{
    uint8_t *l4 = buf + ETH_LEN + ip_hlen(f);
    size_t plen = 0;
    unsigned th = (flags & TH_SYN) ? 32 : 20;
    if (op == OP_M_C || op == OP_M_S)
        plen = midstream_payload(f, l4 + th, dir);
    else if (op)
        plen = app_payload(f, op, l4 + th);
    tcp_header(f, l4, dir, seq, ack, flags, win);
    uint16_t ipid = dir ? f->ipid_s++ : f->ipid_c++;
    return finish_packet(buf, f, dir, 6, th + plen, ipid, f->server);
}

static size_t udp_datagram(uint8_t *buf, flow_t *f, int dir, uint16_t ipid)
{
    uint8_t *l4 = buf + ETH_LEN + ip_hlen(f);
    size_t plen = dns_message(f, l4 + 8, dir);
    put16(l4, dir ? 53 : f->cport);
    put16(l4 + 2, dir ? f->cport : 53);
    put16(l4 + 4, (uint32_t)(8 + plen));
    return finish_packet(buf, f, dir, 17, 8 + plen, ipid, f->server);
}

/* ICMP/ICMPv6 destination unreachable quoting the packet in quotebuf. */
static size_t icmp_unreach(uint8_t *buf, flow_t *f, size_t qlen, int router)
{
    uint8_t *l4 = buf + ETH_LEN + ip_hlen(f);
    const uint8_t *q = quotebuf + ETH_LEN;
    size_t ql = qlen - ETH_LEN;
    if (!f->v6) {
        l4[0] = 3;
        l4[1] = router ? 13 : 3;
        if (router)
            ql = 20 + 8; /* RFC 792: IP header + 64 bits of the datagram */
    } else {
        l4[0] = 1;
        l4[1] = router ? 1 : 4;
    }
    put16(l4 + 2, 0);
    put32(l4 + 4, 0);
    memcpy(l4 + 8, q, ql);
    cnt.icmp_errors++;
    return finish_packet(buf, f, 1, 1, 8 + ql, f->ipid_s++, router ? ROUTER_SERVER : f->server);
}

static void run_op(flow_t *f, uint8_t op, uint64_t t)
{
    size_t len = 0;
    const uint16_t cwin = 502, swin = 509;
    switch (op) {
    case OP_C_SYN: case OP_C_SYN_R1: case OP_C_SYN_R2: case OP_C_SYN_R4:
        len = tcp_segment(pktbuf, f, 0, f->isn_c, 0, TH_SYN, 64240, 0);
        f->syn_t = t;
        f->syn_count++;
        f->cseq = f->isn_c + 1;
        break;
    case OP_S_SYNACK: case OP_S_SYNACK_R1: case OP_S_SYNACK_R2:
        len = tcp_segment(pktbuf, f, 1, f->isn_s, f->isn_c + 1, TH_SYN | TH_ACK, 65160, 0);
        f->sseq = f->isn_s + 1;
        break;
    case OP_C_ACK:
        len = tcp_segment(pktbuf, f, 0, f->cseq, f->sseq, TH_ACK, cwin, 0);
        f->ack_frame = frame_no + 1;
        f->irtt = (uint32_t)(t - f->syn_t);
        cnt.handshakes++;
        break;
    case OP_C_D0: case OP_C_D1: case OP_M_C: {
        len = tcp_segment(pktbuf, f, 0, f->cseq, f->sseq, TH_PSH | TH_ACK, cwin, op);
        f->cseq += (uint32_t)(len - ETH_LEN - ip_hlen(f) - 20);
        break;
    }
    case OP_S_D0: case OP_S_D1: case OP_S_D2: case OP_M_S: {
        len = tcp_segment(pktbuf, f, 1, f->sseq, f->cseq, TH_PSH | TH_ACK, swin, op);
        f->sseq += (uint32_t)(len - ETH_LEN - ip_hlen(f) - 20);
        break;
    }
    case OP_C_ACKD: case OP_C_LASTACK:
        len = tcp_segment(pktbuf, f, 0, f->cseq, f->sseq, TH_ACK, cwin, 0);
        break;
    case OP_C_FIN:
        len = tcp_segment(pktbuf, f, 0, f->cseq, f->sseq, TH_FIN | TH_ACK, cwin, 0);
        f->cseq++;
        break;
    case OP_S_FIN:
        len = tcp_segment(pktbuf, f, 1, f->sseq, f->cseq, TH_FIN | TH_ACK, swin, 0);
        f->sseq++;
        break;
    case OP_C_RST:
        len = tcp_segment(pktbuf, f, 0, f->cseq, f->sseq, TH_RST | TH_ACK, 0, 0);
        cnt.rst_packets++;
        break;
    case OP_S_RSTACK:
        len = tcp_segment(pktbuf, f, 1, 0, f->isn_c + 1, TH_RST | TH_ACK, 0, 0);
        cnt.rst_packets++;
        break;
    case OP_S_ICMP: case OP_R_ICMP: {
        /* rebuild the (single) SYN exactly as it was sent */
        uint16_t save = f->ipid_c;
        f->ipid_c = (uint16_t)(f->ipid_c - 1);
        size_t ql = tcp_segment(quotebuf, f, 0, f->isn_c, 0, TH_SYN, 64240, 0);
        f->ipid_c = save;
        len = icmp_unreach(pktbuf, f, ql, op == OP_R_ICMP);
        break;
    }
    case OP_U_Q:
        len = udp_datagram(pktbuf, f, 0, f->ipid_c++);
        cnt.dns_queries++;
        break;
    case OP_U_R:
        len = udp_datagram(pktbuf, f, 1, f->ipid_s++);
        cnt.dns_responses++;
        break;
    case OP_U_ICMP: {
        size_t ql = udp_datagram(quotebuf, f, 0, (uint16_t)(f->ipid_c - 1));
        len = icmp_unreach(pktbuf, f, ql, 0);
        break;
    }
    default:
        die("internal error: bad op", NULL);
    }
    if (f->first_frame == 0)
        f->first_frame = frame_no + 1;
    emit(t, pktbuf, len);
    f->prevdir = (uint8_t)op_dir(op);
}

/* delay before op, given the state after the previous op */
static uint64_t op_delay(flow_t *f, uint8_t op)
{
    uint64_t jit = rnd_range(&f->rng, 0, 2000000); /* up to 2 ms timer slack */
    switch (op) {
    case OP_C_SYN_R1: case OP_S_SYNACK_R1: return 1000000000ULL + jit;
    case OP_C_SYN_R2: case OP_S_SYNACK_R2: return 2000000000ULL + jit;
    case OP_C_SYN_R4: return 4000000000ULL + jit;
    case OP_R_ICMP: return f->rtt / 3 + 1000;
    default: break;
    }
    if (op_dir(op) == 1 && f->prevdir == 0) {
        uint64_t think = 0;
        if (op == OP_S_D0 || op == OP_S_D1 || op == OP_S_D2 || op == OP_M_S)
            think = rnd_range(&f->rng, 20000, 800000);
        else
            think = rnd_range(&f->rng, 0, 30000);
        return f->rtt + think;
    }
    return rnd_range(&f->rng, 3000, 40000); /* local processing */
}

/* ------------------------------------------------------------------ */
/* Connection set-up                                                   */
/* ------------------------------------------------------------------ */

/* Client hosts the connections are spread over (--clients). Each gets a
 * distinct ephemeral port per connection, so N / clients <= EPHEMERAL_PORTS. */
#define DEFAULT_CLIENTS 4099u
#define EPHEMERAL_PORTS 28232u
static uint32_t n_clients = DEFAULT_CLIENTS;

static uint32_t draw_rtt(uint64_t *r)
{
    double u = rnd_unit(r);
    if (u < 0.5)
        return (uint32_t)rnd_range(r, 200000, 20000000);     /* 0.2 - 20 ms */
    if (u < 0.85)
        return (uint32_t)rnd_range(r, 20000000, 100000000);  /* 20 - 100 ms */
    return (uint32_t)rnd_range(r, 100000000, 300000000);     /* 100 - 300 ms */
}

static void assign_endpoint(flow_t *f, uint32_t idx)
{
    f->client = idx % n_clients;
    f->cport = (uint16_t)(32768 + ((idx / n_clients) + f->client * 37u) % EPHEMERAL_PORTS);
}

static void build_tcp_script(flow_t *f)
{
    uint8_t *o = f->ops;
    int n = 0;
    uint64_t *r = &f->rng;
    switch (f->outcome) {
    case OUT_EST:
    case OUT_RETRY:
        o[n++] = OP_C_SYN;
        if (f->outcome == OUT_RETRY) {
            o[n++] = OP_C_SYN_R1;
            if (rnd_below(r, 2))
                o[n++] = OP_C_SYN_R2;
        }
        o[n++] = OP_S_SYNACK;
        o[n++] = OP_C_ACK;
        switch (f->svc) {
        case SVC_SSH:
            o[n++] = OP_S_D0; o[n++] = OP_C_D0;
            break;
        case SVC_SMTP:
            o[n++] = OP_S_D0; o[n++] = OP_C_D0; o[n++] = OP_S_D1; o[n++] = OP_C_D1; o[n++] = OP_S_D2;
            break;
        default:
            o[n++] = OP_C_D0; o[n++] = OP_S_D0; o[n++] = OP_C_ACKD;
            break;
        }
        if (f->flags & F_RST_CLOSE) {
            o[n++] = OP_C_RST;
        } else {
            o[n++] = OP_C_FIN; o[n++] = OP_S_FIN; o[n++] = OP_C_LASTACK;
        }
        break;
    case OUT_REFUSED:
        o[n++] = OP_C_SYN; o[n++] = OP_S_RSTACK;
        break;
    case OUT_ICMP:
        o[n++] = OP_C_SYN;
        o[n++] = rnd_below(r, 10) < 6 ? OP_S_ICMP : OP_R_ICMP;
        break;
    case OUT_UNANS:
        o[n++] = OP_C_SYN; o[n++] = OP_C_SYN_R1; o[n++] = OP_C_SYN_R2; o[n++] = OP_C_SYN_R4;
        break;
    case OUT_HALF: {
        o[n++] = OP_C_SYN; o[n++] = OP_S_SYNACK;
        uint32_t k = rnd_below(r, 3);
        if (k >= 1) o[n++] = OP_S_SYNACK_R1;
        if (k >= 2) o[n++] = OP_S_SYNACK_R2;
        break;
    }
    case OUT_MID: {
        uint32_t k = 2 + rnd_below(r, 7);
        for (uint32_t i = 0; i < k; i++)
            o[n++] = (i & 1) ? OP_M_S : OP_M_C;
        break;
    }
    default:
        die("internal error: bad outcome", NULL);
    }
    if (n > MAX_OPS - 1)
        die("internal error: script too long", NULL);
    o[n] = OP_END;
}

/* ------------------------------------------------------------------ */
/* Event queue: binary min-heap keyed by (time, flow index)            */
/* ------------------------------------------------------------------ */

typedef struct {
    uint64_t t;
    uint32_t id;
} ev_t;

static int ev_less(const ev_t *a, const ev_t *b)
{
    return a->t < b->t || (a->t == b->t && a->id < b->id);
}

static void sift_down(ev_t *h, size_t n, size_t i)
{
    ev_t x = h[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ev_less(&h[c + 1], &h[c]))
            c++;
        if (!ev_less(&h[c], &x))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = x;
}

/* ------------------------------------------------------------------ */
/* Text output helpers                                                 */
/* ------------------------------------------------------------------ */

static char *fmt_ip(char *p, const uint8_t *a, int v6)
{
    if (!v6) {
        for (int i = 0; i < 4; i++) {
            if (i) *p++ = '.';
            p += put_uint((uint8_t *)p, a[i]);
        }
        return p;
    }
    /* RFC 5952 */
    uint16_t g[8];
    for (int i = 0; i < 8; i++)
        g[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
    int best = -1, bestlen = 1;
    for (int i = 0; i < 8;) {
        if (g[i] == 0) {
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestlen) { best = i; bestlen = j - i; }
            i = j;
        } else {
            i++;
        }
    }
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            *p++ = ':';
            if (i == 0) *p++ = ':';
            i += bestlen - 1;
            continue;
        }
        int started = 0;
        for (int s = 12; s >= 0; s -= 4) {
            int d = (g[i] >> s) & 15;
            if (d || started || s == 0) { *p++ = hex[d]; started = 1; }
        }
        if (i < 7) *p++ = ':';
    }
    return p;
}

static char *fmt_u(char *p, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) *p++ = tmp[--n];
    return p;
}

static char *fmt_s(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

static void json_str(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(fp, "\\%c", c);
        else if (c < 0x20)
            fprintf(fp, "\\u%04x", c);
        else
            fputc(c, fp);
    }
    fputc('"', fp);
}

/* ------------------------------------------------------------------ */
/* main                                                                */
/* ------------------------------------------------------------------ */

static void usage(FILE *fp)
{
    fputs("usage: pktan-gen --connections N [--seed S] [--v6-share F] [--udp-flows M]\n"
          "                 [--mix outcome=share,...] [--reuse-share F] [--clients C]\n"
          "                 --out FILE.pcap --truth FILE.json [--conn-list FILE.tsv]\n"
          "--mix lists relative shares (normalised; unlisted outcomes get 0) of:\n"
          "  established, established_after_retry, refused, icmp_rejected,\n"
          "  unanswered, half_open, midstream (default 0.80,0.03,0.05,0.03,0.04,0.02,0.03)\n"
          "default: --seed 1 --v6-share 0.3 --udp-flows N/4 --reuse-share 0.005 --clients 4099\n",
          fp);
}

static double parse_double(const char *s, const char *opt)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= 0.0))
        die("bad number for", opt);
    return v;
}

static unsigned long long parse_ull(const char *s, const char *opt)
{
    char *end;
    if (*s == '-')
        die("bad number for", opt);
    unsigned long long v = strtoull(s, &end, 0);
    if (end == s || *end)
        die("bad number for", opt);
    return v;
}

static void parse_mix(char *s)
{
    double v[NOUT] = { 0 }; /* outcomes not listed get share 0 */
    for (char *tok = s; tok && *tok;) {
        char *comma = strchr(tok, ',');
        if (comma) *comma = 0;
        char *eq = strchr(tok, '=');
        if (!eq) die("bad --mix item", tok);
        *eq = 0;
        int k;
        for (k = 0; k < NOUT; k++)
            if (!strcmp(tok, out_name[k])) break;
        if (k == NOUT) die("unknown outcome in --mix", tok);
        v[k] = parse_double(eq + 1, "--mix");
        tok = comma ? comma + 1 : NULL;
    }
    double sum = 0;
    for (int k = 0; k < NOUT; k++) sum += v[k];
    if (!(sum > 0)) die("--mix shares sum to zero", NULL);
    for (int k = 0; k < NOUT; k++) out_share[k] = v[k] / sum;
}

int main(int argc, char **argv)
{
    unsigned long long nconn = 0, seed = 1, nudp = 0;
    int have_n = 0, have_udp = 0;
    double v6share = 0.3, reuse_share = 0.005;
    const char *out = NULL, *truth = NULL, *connlist = NULL;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            usage(stderr);
            die("missing argument or unknown option", a);
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--connections")) { nconn = parse_ull(v, a); have_n = 1; }
        else if (!strcmp(a, "--seed")) seed = parse_ull(v, a);
        else if (!strcmp(a, "--v6-share")) v6share = parse_double(v, a);
        else if (!strcmp(a, "--udp-flows")) { nudp = parse_ull(v, a); have_udp = 1; }
        else if (!strcmp(a, "--reuse-share")) reuse_share = parse_double(v, a);
        else if (!strcmp(a, "--clients")) n_clients = (uint32_t)parse_ull(v, a);
        else if (!strcmp(a, "--mix")) parse_mix(argv[i]);
        else if (!strcmp(a, "--out")) out = v;
        else if (!strcmp(a, "--truth")) truth = v;
        else if (!strcmp(a, "--conn-list")) connlist = v;
        else { usage(stderr); die("unknown option", a); }
    }
    if (!have_n || !out || !truth) {
        usage(stderr);
        die("--connections, --out and --truth are required", NULL);
    }
    if (v6share > 1.0) die("--v6-share must be within 0..1", NULL);
    if (nconn > 20000000ULL) die("--connections: at most 20000000", NULL);
    if (n_clients == 0 || n_clients > 16000000u)
        die("--clients: 1 to 16000000", NULL);
    if ((nconn + n_clients - 1) / n_clients > EPHEMERAL_PORTS)
        die("--clients: too few for distinct ephemeral ports (at most 28232 connections per client)", NULL);
    if (!have_udp) nudp = nconn / 4;
    if (nudp > 20000000ULL) die("--udp-flows: at most 20000000", NULL);

    char *connlist_buf = NULL;
    if (!connlist) {
        size_t tl = strlen(truth);
        connlist_buf = malloc(tl + 16);
        if (!connlist_buf) die("out of memory", NULL);
        memcpy(connlist_buf, truth, tl + 1);
        if (tl >= 5 && !strcmp(truth + tl - 5, ".json"))
            connlist_buf[tl - 5] = 0;
        strcat(connlist_buf, ".conns.tsv");
        connlist = connlist_buf;
    }

    size_t ntcp = (size_t)nconn, nflows = (size_t)(nconn + nudp);
    flow_t *flows = calloc(nflows ? nflows : 1, sizeof *flows);
    ev_t *heap = malloc((nflows ? nflows : 1) * sizeof *heap);
    obuf = malloc(OBUF_SIZE);
    if (!flows || !heap || !obuf) die("out of memory", NULL);

    uint64_t master = seed ^ 0x706b74616e67656eULL; /* "pktangen" */
    uint64_t t = 1000000; /* first connection at 1 ms */
    uint64_t last_start = t;
    size_t out_count[NOUT_ALL] = { 0 };
    size_t proto_count[NSVC] = { 0 };
    size_t nv6 = 0, nreuse = 0;
    size_t reuse_cand = SIZE_MAX;
    double cum[NOUT];
    {
        double c = 0;
        for (int k = 0; k < NOUT; k++) { c += out_share[k]; cum[k] = c; }
        cum[NOUT - 1] = 2.0;
    }
    unsigned wsum = 0;
    for (int s = 0; s < SVC_DATA; s++) wsum += svc_weight[s];

    /* TCP connections */
    for (size_t i = 0; i < ntcp; i++) {
        flow_t *f = &flows[i];
        f->rng = seed * 0x9e3779b97f4a7c15ULL ^ ((uint64_t)i << 1 | 1) * 0xd1b54a32d192ed03ULL;
        splitmix64(&f->rng);
        f->proto = 6;
        double u = rnd_unit(&f->rng);
        int k = 0;
        while (u >= cum[k]) k++;
        f->outcome = (uint8_t)k;
        if (k == OUT_MID) {
            f->svc = SVC_DATA;
        } else {
            uint32_t w = rnd_below(&f->rng, wsum);
            int s = 0;
            while (w >= svc_weight[s]) w -= svc_weight[s++];
            f->svc = (uint8_t)s;
        }
        f->v6 = rnd_unit(&f->rng) < v6share;
        assign_endpoint(f, (uint32_t)i);
        f->server = (uint8_t)rnd_below(&f->rng, 32);
        f->rtt = draw_rtt(&f->rng);
        f->isn_c = (uint32_t)splitmix64(&f->rng);
        f->isn_s = (uint32_t)splitmix64(&f->rng);
        if (k == OUT_MID) {
            f->cseq = f->isn_c;
            f->sseq = f->isn_s;
        }
        f->ipid_c = (uint16_t)splitmix64(&f->rng);
        f->ipid_s = (uint16_t)splitmix64(&f->rng);
        f->flowlbl = (uint16_t)(1 + rnd_below(&f->rng, 0xfffe));
        if ((k == OUT_EST || k == OUT_RETRY) && rnd_below(&f->rng, 100) < 5)
            f->flags |= F_RST_CLOSE;

        t += rnd_range(&master, 50000, 200000);
        uint64_t start = t;
        last_start = t;
        /* deliberate port reuse: a new connection on the 4-tuple of an
         * earlier FIN-closed one, 61+ s after that one started */
        if (k == OUT_EST && !(f->flags & F_RST_CLOSE)) {
            if (reuse_cand != SIZE_MAX && rnd_unit(&f->rng) < reuse_share) {
                flow_t *o = &flows[reuse_cand];
                f->flags |= F_REUSE;
                f->client = o->client;
                f->cport = o->cport;
                f->v6 = o->v6;
                f->svc = o->svc;
                f->server = o->server;
                start = heap[reuse_cand].t + 61000000000ULL + rnd_range(&f->rng, 0, 5000000000ULL);
                reuse_cand = SIZE_MAX;
                nreuse++;
            } else {
                reuse_cand = i;
            }
        }
        build_tcp_script(f);
        heap[i].t = start;
        heap[i].id = (uint32_t)i;
        out_count[k]++;
        if (k == OUT_EST || k == OUT_RETRY)
            proto_count[f->svc]++;
        nv6 += f->v6;
    }

    /* UDP flows (DNS), spread over the same time span */
    for (size_t j = 0; j < nudp; j++) {
        size_t i = ntcp + j;
        flow_t *f = &flows[i];
        f->rng = seed * 0x94d049bb133111ebULL ^ ((uint64_t)j << 1 | 1) * 0xa0761d6478bd642fULL;
        splitmix64(&f->rng);
        f->proto = 17;
        f->svc = SVC_DNS;
        f->v6 = rnd_unit(&f->rng) < v6share;
        assign_endpoint(f, (uint32_t)j);
        f->isn_c = (uint32_t)splitmix64(&f->rng);
        f->aux = (uint16_t)splitmix64(&f->rng);
        f->ipid_c = (uint16_t)splitmix64(&f->rng);
        f->ipid_s = (uint16_t)splitmix64(&f->rng);
        f->flowlbl = (uint16_t)(1 + rnd_below(&f->rng, 0xfffe));
        if (rnd_below(&f->rng, 2)) f->flags |= F_AAAA;
        f->rtt = (uint32_t)rnd_range(&f->rng, 200000, 60000000);
        int rej = rnd_below(&f->rng, 100) < 10;
        f->outcome = rej ? OUT_U_ICMP : OUT_U_ANSWERED;
        f->server = rej ? NOHOST_SERVER : (uint8_t)rnd_below(&f->rng, 2);
        f->ops[0] = OP_U_Q;
        f->ops[1] = rej ? OP_U_ICMP : OP_U_R;
        f->ops[2] = OP_END;
        heap[i].t = 1000000 + rnd_range(&f->rng, 0, last_start - 1000000 + 1000);
        heap[i].id = (uint32_t)i;
        out_count[f->outcome]++;
        if (!rej) proto_count[SVC_DNS]++;
    }

    /* heapify */
    size_t hn = nflows;
    for (size_t i = hn / 2; i-- > 0;)
        sift_down(heap, hn, i);

    ofile_name = out;
    ofile = fopen(out, "wb");
    if (!ofile) die("cannot create", out);
    {
        uint8_t gh[24];
        le32(gh, 0xa1b23c4d);           /* nanosecond pcap */
        gh[4] = 2; gh[5] = 0; gh[6] = 4; gh[7] = 0;
        le32(gh + 8, 0); le32(gh + 12, 0);
        le32(gh + 16, 65535);
        le32(gh + 20, 1);               /* LINKTYPE_ETHERNET */
        memcpy(obuf, gh, 24);
        opos = 24;
    }

    while (hn > 0) {
        ev_t *top = &heap[0];
        flow_t *f = &flows[top->id];
        run_op(f, f->ops[f->pc], top->t);
        f->pc++;
        uint8_t next = f->ops[f->pc];
        if (next != OP_END) {
            top->t += op_delay(f, next);
        } else {
            heap[0] = heap[--hn];
        }
        if (hn > 0)
            sift_down(heap, hn, 0);
    }
    oflush();
    if (fclose(ofile) != 0) die("write error", out);

    /* per-connection list */
    FILE *cf = fopen(connlist, "wb");
    if (!cf) die("cannot create", connlist);
    {
        static const char hdr[] = "transport\tip_version\tclient\tclient_port\tserver\tserver_port\tservice\t"
                                  "outcome\tsyn_count\tirtt_seconds\tfirst_frame\thandshake_ack_frame\n";
        const size_t cap = 1u << 20;
        char *lb = malloc(cap);
        if (!lb) die("out of memory", NULL);
        size_t lp = 0;
        if (fwrite(hdr, 1, sizeof hdr - 1, cf) != sizeof hdr - 1) die("write error", connlist);
        for (size_t i = 0; i < nflows; i++) {
            const flow_t *f = &flows[i];
            char *p = lb + lp;
            uint8_t a[16];
            p = fmt_s(p, f->proto == 6 ? "tcp\t" : "udp\t");
            *p++ = f->v6 ? '6' : '4'; *p++ = '\t';
            client_addr(f, a);
            p = fmt_ip(p, a, f->v6); *p++ = '\t';
            p = fmt_u(p, f->cport); *p++ = '\t';
            server_addr(f, f->server, a);
            p = fmt_ip(p, a, f->v6); *p++ = '\t';
            p = fmt_u(p, svc_port[f->svc]); *p++ = '\t';
            p = fmt_s(p, svc_name[f->svc]); *p++ = '\t';
            p = fmt_s(p, out_name[f->outcome]); *p++ = '\t';
            p = fmt_u(p, f->syn_count); *p++ = '\t';
            if (f->ack_frame) {
                char frac[10];
                uint32_t ns = f->irtt % 1000000000u;
                p = fmt_u(p, f->irtt / 1000000000u);
                *p++ = '.';
                for (int d = 8; d >= 0; d--) { frac[d] = (char)('0' + ns % 10); ns /= 10; }
                memcpy(p, frac, 9); p += 9;
            }
            *p++ = '\t';
            p = fmt_u(p, f->first_frame); *p++ = '\t';
            if (f->ack_frame) p = fmt_u(p, f->ack_frame);
            *p++ = '\n';
            lp = (size_t)(p - lb);
            if (lp > cap - 512) {
                if (fwrite(lb, 1, lp, cf) != lp) die("write error", connlist);
                lp = 0;
            }
        }
        if (lp && fwrite(lb, 1, lp, cf) != lp) die("write error", connlist);
        free(lb);
    }
    if (fclose(cf) != 0) die("write error", connlist);

    /* truth JSON */
    FILE *jf = fopen(truth, "w");
    if (!jf) die("cannot create", truth);
    fprintf(jf, "{\n  \"generator\": \"pktan-gen\",\n  \"seed\": %llu,\n  \"connections\": %llu,\n"
                "  \"packets\": %lu,\n  \"ipv6_connections\": %lu,\n  \"port_reuse\": %lu,\n",
            seed, nconn, (unsigned long)frame_no, (unsigned long)nv6, (unsigned long)nreuse);
    fprintf(jf, "  \"duration_seconds\": %.9f,\n", (double)last_emit_t / 1e9);
    fputs("  \"summary\": {", jf);
    for (int k = 0; k < NOUT; k++)
        fprintf(jf, "%s\"%s\": %lu", k ? ", " : "", out_name[k], (unsigned long)out_count[k]);
    fprintf(jf, "},\n  \"udp\": {\"flows\": %llu, \"dns_queries\": %lu, \"dns_responses\": %lu, "
                "\"icmp_rejected\": %lu},\n",
            nudp, (unsigned long)cnt.dns_queries, (unsigned long)cnt.dns_responses,
            (unsigned long)out_count[OUT_U_ICMP]);
    fprintf(jf, "  \"tcp_handshakes_completed\": %lu,\n  \"rst_packets\": %lu,\n  \"icmp_errors\": %lu,\n",
            (unsigned long)cnt.handshakes, (unsigned long)cnt.rst_packets, (unsigned long)cnt.icmp_errors);
    fputs("  \"protocols\": {", jf);
    int first = 1;
    for (int s = 0; s < NSVC; s++) {
        if (s == SVC_DATA) continue;
        fprintf(jf, "%s\"%s\": %lu", first ? "" : ", ", svc_name[s], (unsigned long)proto_count[s]);
        first = 0;
    }
    fputs("},\n  \"conn_list\": ", jf);
    json_str(jf, connlist);
    fputs("\n}\n", jf);
    if (fclose(jf) != 0) die("write error", truth);

    free(connlist_buf);
    free(flows);
    free(heap);
    free(obuf);
    return 0;
}
