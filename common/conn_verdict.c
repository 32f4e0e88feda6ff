#include "conn_verdict.h"

#include <string.h>

#include "time_format.h"

#include "flow_key.h"

void pktan_destination_init(pktan_destination *d, const pktan_attempt *first)
{
    memset(d, 0, sizeof *d);
    d->key.server = first->server;
    d->key.transport = first->transport;
    d->key.port = first->server_port;
}

static void add_unanswered(pktan_destination *d, const pktan_attempt *a)
{
    if (d->outcomes[PKTAN_OUTCOME_UNANSWERED] == 0 || a->first_time < d->unanswered_first)
        d->unanswered_first = a->first_time;
    if (d->outcomes[PKTAN_OUTCOME_UNANSWERED] == 0 || a->decisive_time > d->unanswered_last)
        d->unanswered_last = a->decisive_time;
    d->unanswered_syns += a->syn_count;
}

static void add_refused(pktan_destination *d, const pktan_attempt *a)
{
    if (d->outcomes[PKTAN_OUTCOME_REFUSED] == 0 || a->answer_delay < d->refusal_fastest)
        d->refusal_fastest = a->answer_delay;
    if (d->outcomes[PKTAN_OUTCOME_REFUSED] == 0 || a->answer_delay > d->refusal_slowest)
        d->refusal_slowest = a->answer_delay;
}

static void add_rejected(pktan_destination *d, const pktan_attempt *a)
{
    gboolean from_server = pktan_addr_equal(&a->icmp_from, &a->server);

    if (from_server) {
        if (d->icmp_from_server++ == 0) {
            d->server_icmp_type = a->icmp_type;
            d->server_icmp_code = a->icmp_code;
        }
    } else if (d->icmp_from_router++ == 0) {
        d->router = a->icmp_from;
        d->router_icmp_type = a->icmp_type;
        d->router_icmp_code = a->icmp_code;
    }
    d->retried_after_icmp += a->retried_after_icmp;
}

void pktan_destination_add(pktan_destination *d, const pktan_attempt *a)
{
    switch (a->outcome) {
    case PKTAN_OUTCOME_ESTABLISHED_AFTER_RETRY: {
        pktan_ns cost = a->decisive_time - a->first_time - a->answer_delay;
        if (cost > d->retry_cost_max)
            d->retry_cost_max = cost;
        break;
    }
    case PKTAN_OUTCOME_UNANSWERED:
        add_unanswered(d, a);
        break;
    case PKTAN_OUTCOME_REFUSED:
        add_refused(d, a);
        break;
    case PKTAN_OUTCOME_ICMP_REJECTED:
        add_rejected(d, a);
        break;
    case PKTAN_OUTCOME_HALF_OPEN:
        d->client_resets += a->client_reset;
        break;
    default:
        break;
    }
    d->attempts++;
    d->outcomes[a->outcome]++;
}

guint pktan_destination_failures(const pktan_destination *d)
{
    guint n = 0;

    for (int o = 0; o < PKTAN_OUTCOME_COUNT; o++)
        if (pktan_outcome_failed((pktan_outcome)o))
            n += d->outcomes[o];
    return n;
}

const char *pktan_icmp_code_name(guint8 family, guint8 type, guint8 code)
{
    static const char *const v4_unreachable[] = {
        "network unreachable", "host unreachable", "protocol unreachable", "port unreachable",
        "fragmentation needed", "source route failed", "destination network unknown",
        "destination host unknown", "source host isolated", "network administratively prohibited",
        "host administratively prohibited", "network unreachable for TOS",
        "host unreachable for TOS", "communication administratively prohibited",
        "host precedence violation", "precedence cutoff in effect",
    };
    static const char *const v6_unreachable[] = {
        "no route to destination", "communication administratively prohibited",
        "beyond scope of source address", "address unreachable", "port unreachable",
        "source address failed ingress/egress policy", "reject route to destination",
    };

    if (family == PKTAN_AF_IPV4 && type == 3 && code < G_N_ELEMENTS(v4_unreachable))
        return v4_unreachable[code];
    if (family == PKTAN_AF_IPV6 && type == 1 && code < G_N_ELEMENTS(v6_unreachable))
        return v6_unreachable[code];
    return NULL;
}

/* "0.042 ms", "10.4 ms", "63.0 s": durations as a person reads them. */
static const char *duration(pktan_ns ns, char *buf, gsize size)
{
    if (ns < PKTAN_NS_PER_SEC / 1000)
        g_snprintf(buf, size, "%.3f ms", (double)ns / 1e6);
    else if (ns < PKTAN_NS_PER_SEC)
        g_snprintf(buf, size, "%.1f ms", (double)ns / 1e6);
    else
        g_snprintf(buf, size, "%.1f s", (double)ns / 1e9);
    return buf;
}

static gboolean port_unreachable(const pktan_destination *d)
{
    return (d->key.server.family == PKTAN_AF_IPV4 && d->server_icmp_type == 3 &&
            d->server_icmp_code == 3) ||
           (d->key.server.family == PKTAN_AF_IPV6 && d->server_icmp_type == 1 &&
            d->server_icmp_code == 4);
}

static void explain_refused(const pktan_destination *d, GString *s)
{
    char addr[PKTAN_ADDR_STRLEN], fast[24], slow[24];

    duration(d->refusal_fastest, fast, sizeof fast);
    duration(d->refusal_slowest, slow, sizeof slow);
    g_string_append_printf(s, "refused by %s (RST in %s%s%s): nothing listens on port %u or a firewall resets",
                           pktan_addr_to_str(&d->key.server, addr), fast,
                           strcmp(fast, slow) ? " to " : "", strcmp(fast, slow) ? slow : "",
                           d->key.port);
}

static const char *icmp_name(const pktan_destination *d, guint8 type, guint8 code, char *buf,
                             gsize size)
{
    const char *name = pktan_icmp_code_name(d->key.server.family, type, code);

    if (name != NULL)
        return name;
    g_snprintf(buf, size, "type %u code %u", type, code);
    return buf;
}

static void explain_rejected(const pktan_destination *d, GString *s)
{
    char addr[PKTAN_ADDR_STRLEN], name[32];
    gboolean by_router = d->icmp_from_router >= d->icmp_from_server;

    if (by_router) {
        g_string_append_printf(s, "rejected by router %s (ICMP %s): a router or firewall on the path "
                               "blocks them", pktan_addr_to_str(&d->router, addr),
                               icmp_name(d, d->router_icmp_type, d->router_icmp_code, name,
                                         sizeof name));
    } else if (d->key.transport == PKTAN_IPPROTO_UDP && port_unreachable(d)) {
        g_string_append_printf(s, "rejected by %s itself (ICMP %s): nothing listens on UDP port %u, "
                               "or a firewall on the server rejects",
                               pktan_addr_to_str(&d->key.server, addr),
                               icmp_name(d, d->server_icmp_type, d->server_icmp_code, name,
                                         sizeof name), d->key.port);
    } else {
        /* A closed TCP port answers with RST; ICMP from the server means a
         * firewall there rejects (e.g. iptables REJECT). */
        g_string_append_printf(s, "rejected by %s itself (ICMP %s): a firewall on the server rejects them",
                               pktan_addr_to_str(&d->key.server, addr),
                               icmp_name(d, d->server_icmp_type, d->server_icmp_code, name,
                                         sizeof name));
    }
    if (by_router && d->icmp_from_server > 0)
        g_string_append_printf(s, " (%u by the server itself)", d->icmp_from_server);
    else if (!by_router && d->icmp_from_router > 0)
        g_string_append_printf(s, " (%u by router %s)", d->icmp_from_router,
                               pktan_addr_to_str(&d->router, addr));
    if (d->retried_after_icmp > 0)
        g_string_append(s, "; the client kept retrying after the ICMP errors, so they never reached it "
                           "(lost or filtered on the way back)");
}

static void explain_unanswered(const pktan_destination *d, GString *s)
{
    char span[24];

    if (d->key.transport == PKTAN_IPPROTO_UDP) {
        g_string_append(s, "unanswered: no reply and no ICMP error seen (dropped on the path, "
                           "filtered, or the service does not answer)");
        return;
    }
    g_string_append_printf(s, "unanswered (%u SYNs over %s): SYNs dropped on the path or by a firewall "
                           "(no RST, no ICMP seen)",
                           d->unanswered_syns,
                           duration(d->unanswered_last - d->unanswered_first, span, sizeof span));
}

static void explain_half_open(const pktan_destination *d, GString *s)
{
    if (d->client_resets == d->outcomes[PKTAN_OUTCOME_HALF_OPEN])
        g_string_append(s, "half-open: the client answered the SYN/ACK with RST (it had given up on "
                           "the attempt, or a firewall at the client resets)");
    else
        g_string_append(s, "half-open: SYN/ACK sent but no final ACK: the client never got it, "
                           "asymmetric path or client-side filtering (capture taken at the server)");
}

/* The failure a person should look at first: the most frequent one. */
static pktan_outcome main_failure(const pktan_destination *d)
{
    static const pktan_outcome order[] = {PKTAN_OUTCOME_REFUSED, PKTAN_OUTCOME_ICMP_REJECTED,
                                          PKTAN_OUTCOME_UNANSWERED, PKTAN_OUTCOME_HALF_OPEN};
    pktan_outcome best = order[0];

    for (guint i = 1; i < G_N_ELEMENTS(order); i++)
        if (d->outcomes[order[i]] > d->outcomes[best])
            best = order[i];
    return best;
}

static void explain_failure(const pktan_destination *d, pktan_outcome o, GString *s)
{
    switch (o) {
    case PKTAN_OUTCOME_REFUSED:
        explain_refused(d, s);
        break;
    case PKTAN_OUTCOME_ICMP_REJECTED:
        explain_rejected(d, s);
        break;
    case PKTAN_OUTCOME_UNANSWERED:
        explain_unanswered(d, s);
        break;
    default:
        explain_half_open(d, s);
        break;
    }
}

static void list_other_failures(const pktan_destination *d, pktan_outcome main, GString *s)
{
    const char *sep = "; also ";

    for (int o = 0; o < PKTAN_OUTCOME_COUNT; o++) {
        if (o == (int)main || !pktan_outcome_failed((pktan_outcome)o) || d->outcomes[o] == 0)
            continue;
        g_string_append_printf(s, "%s%u %s", sep, d->outcomes[o], pktan_outcome_name((pktan_outcome)o));
        sep = ", ";
    }
}

static void explain_success(const pktan_destination *d, GString *s)
{
    guint retried = d->outcomes[PKTAN_OUTCOME_ESTABLISHED_AFTER_RETRY];
    guint midstream = d->outcomes[PKTAN_OUTCOME_MIDSTREAM];
    guint judged = d->attempts - midstream;
    char cost[24];

    if (judged == 0) {
        g_string_append_printf(s, "%u connection%s already open when the capture started: "
                               "no handshake to judge", midstream, midstream == 1 ? " was" : "s were");
        return;
    }
    g_string_append_printf(s, "%u of %u attempts established", judged, judged);
    if (retried > 0)
        g_string_append_printf(s, "; %u only after retransmitted SYNs (up to %s lost): "
                               "SYNs or SYN/ACKs were lost on the way",
                               retried, duration(d->retry_cost_max, cost, sizeof cost));
    if (midstream > 0)
        g_string_append_printf(s, "; %u more already open when the capture started", midstream);
}

char *pktan_destination_verdict(const pktan_destination *d)
{
    GString *s = g_string_new(NULL);
    guint failed = pktan_destination_failures(d);
    pktan_outcome main;

    if (failed == 0) {
        explain_success(d, s);
        return g_string_free(s, FALSE);
    }
    main = main_failure(d);
    g_string_append_printf(s, "%u of %u attempts ", d->outcomes[main], d->attempts);
    explain_failure(d, main, s);
    list_other_failures(d, main, s);
    return g_string_free(s, FALSE);
}

const char *pktan_attempt_detail(const pktan_attempt *a, char *buf, gsize size)
{
    char addr[PKTAN_ADDR_STRLEN], t[PKTAN_TIME_STRLEN];
    const char *name;

    switch (a->outcome) {
    case PKTAN_OUTCOME_REFUSED:
        g_snprintf(buf, size, "RST %s ms after the SYN", pktan_format_ms(a->answer_delay, t));
        break;
    case PKTAN_OUTCOME_ICMP_REJECTED:
        name = pktan_icmp_code_name(a->icmp_from.family, a->icmp_type, a->icmp_code);
        g_snprintf(buf, size, "ICMP %u/%u%s%s%s from %s, %u error%s", a->icmp_type, a->icmp_code,
                   name ? " (" : "", name ? name : "", name ? ")" : "",
                   pktan_addr_to_str(&a->icmp_from, addr), a->icmp_count, a->icmp_count == 1 ? "" : "s");
        break;
    case PKTAN_OUTCOME_UNANSWERED:
        if (a->transport == PKTAN_IPPROTO_TCP)
            g_snprintf(buf, size, "%u SYN%s over %s s", a->syn_count, a->syn_count == 1 ? "" : "s",
                       pktan_format_seconds_short(a->decisive_time - a->first_time, t));
        else
            g_snprintf(buf, size, "no reply");
        break;
    default:
        g_snprintf(buf, size, a->client_reset ? "client reset the SYN/ACK" : "%u SYN/ACK%s, no final ACK",
                   a->synack_count, a->synack_count == 1 ? "" : "s");
        break;
    }
    return buf;
}
