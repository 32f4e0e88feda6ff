#include "allowlist.h"

#include <string.h>
#include <wsutil/strtoi.h>

static void rule_free(gpointer p)
{
    pktan_allow_rule *rule = p;

    g_free(rule->protocol);
    g_free(rule->comment);
    g_array_free(rule->ports, TRUE);
    g_array_free(rule->networks, TRUE);
    g_free(rule);
}

pktan_allowlist *pktan_allowlist_new(const char *source)
{
    pktan_allowlist *list = g_new0(pktan_allowlist, 1);

    list->source = g_strdup(source);
    list->rules = g_ptr_array_new_with_free_func(rule_free);
    return list;
}

void pktan_allowlist_free(pktan_allowlist *list)
{
    if (list == NULL)
        return;
    g_ptr_array_free(list->rules, TRUE);
    g_free(list->source);
    g_free(list);
}

/* ---- fields ------------------------------------------------------------- */

static gboolean parse_port(const char *text, guint16 *port)
{
    const char *end;

    return ws_strtou16(text, &end, port) && *end == '\0' && text[0] >= '0' && text[0] <= '9' &&
           *port != 0;
}

/* "80,443,8000-8080" appended to ranges; NULL or the problem. */
static char *parse_ports(const char *text, GArray *ranges)
{
    char **items = g_strsplit(text, ",", -1);
    char *problem = NULL;

    if (items[0] == NULL)
        problem = g_strdup("empty port list");
    for (int i = 0; problem == NULL && items[i] != NULL; i++) {
        pktan_port_range r;
        char *dash = strchr(items[i], '-');

        if (dash)
            *dash = '\0';
        if (!parse_port(items[i], &r.lo) || (dash && !parse_port(dash + 1, &r.hi))) {
            if (dash)
                *dash = '-';
            problem = g_strdup_printf("bad port '%s' (a port is 1 to 65535, a range LOW-HIGH)",
                                      items[i]);
        } else if (!dash) {
            r.hi = r.lo;
        } else if (r.hi < r.lo) {
            problem = g_strdup_printf("bad port range '%u-%u' (LOW-HIGH)", r.lo, r.hi);
        }
        if (problem == NULL)
            g_array_append_val(ranges, r);
    }
    g_strfreev(items);
    return problem;
}

static gboolean host_bits_clear(const pktan_network *n)
{
    guint bytes = n->net.family == PKTAN_AF_IPV4 ? 4 : 16;

    for (guint bit = n->prefix; bit < bytes * 8; bit++)
        if (n->net.bytes[bit / 8] & (0x80 >> (bit % 8)))
            return FALSE;
    return TRUE;
}

static char *parse_network(char *item, pktan_network *n)
{
    char *slash = strchr(item, '/');
    guint8 max, prefix;
    const char *end;

    if (slash)
        *slash = '\0';
    if (!pktan_addr_parse(item, &n->net)) {
        char *problem = g_strdup_printf("bad address '%s' (an IPv4 or IPv6 address, "
                                        "or a CIDR block like 10.0.0.0/8)", item);
        return problem;
    }
    max = n->net.family == PKTAN_AF_IPV4 ? 32 : 128;
    if (slash == NULL) {
        n->prefix = max;
        return NULL;
    }
    if (!ws_strtou8(slash + 1, &end, &prefix) || *end != '\0' || slash[1] < '0' ||
        slash[1] > '9' || prefix > max)
        return g_strdup_printf("bad prefix length '/%s' in '%s' (0 to %u)", slash + 1, item, max);
    n->prefix = prefix;
    if (!host_bits_clear(n))
        return g_strdup_printf("'%s/%u' has bits set after the prefix length", item, prefix);
    return NULL;
}

static char *parse_networks(const char *text, GArray *networks)
{
    char **items = g_strsplit(text, ",", -1);
    char *problem = NULL;

    if (items[0] == NULL)
        problem = g_strdup("empty address list");
    for (int i = 0; problem == NULL && items[i] != NULL; i++) {
        pktan_network n;

        problem = parse_network(items[i], &n);
        if (problem == NULL)
            g_array_append_val(networks, n);
    }
    g_strfreev(items);
    return problem;
}

char *pktan_allowlist_check_protocol(const char *protocol, pktan_protocol_resolver resolve,
                                     void *user_data)
{
    if (protocol == NULL || protocol[0] == '\0')
        return g_strdup("no protocol name");
    if (resolve(protocol, user_data) < 0)
        return g_strdup_printf("unknown protocol '%s' (use a Wireshark display filter "
                               "protocol name, e.g. http, tls, dns, rdp)", protocol);
    return NULL;
}

char *pktan_allowlist_check_ports(const char *ports)
{
    GArray *scratch = g_array_new(FALSE, FALSE, sizeof(pktan_port_range));
    char *problem = ports && ports[0] ? parse_ports(ports, scratch) : NULL;

    g_array_free(scratch, TRUE);
    return problem;
}

char *pktan_allowlist_check_networks(const char *networks)
{
    GArray *scratch = g_array_new(FALSE, FALSE, sizeof(pktan_network));
    char *problem = networks && networks[0] ? parse_networks(networks, scratch) : NULL;

    g_array_free(scratch, TRUE);
    return problem;
}

static pktan_allow_rule *rule_new(const char *protocol, int id, const char *comment)
{
    pktan_allow_rule *rule = g_new0(pktan_allow_rule, 1);

    rule->protocol = g_strdup(protocol);
    rule->protocol_id = id;
    rule->ports = g_array_new(FALSE, FALSE, sizeof(pktan_port_range));
    rule->networks = g_array_new(FALSE, FALSE, sizeof(pktan_network));
    rule->comment = g_strdup(comment ? comment : "");
    return rule;
}

gboolean pktan_allowlist_add_fields(pktan_allowlist *list, const char *protocol,
                                    const char *ports, const char *networks,
                                    const char *comment, pktan_protocol_resolver resolve,
                                    void *user_data, char **error)
{
    pktan_allow_rule *rule;
    char *problem = pktan_allowlist_check_protocol(protocol, resolve, user_data);

    if (problem) {
        *error = problem;
        return FALSE;
    }
    rule = rule_new(protocol, resolve(protocol, user_data), comment);
    if (ports && ports[0])
        problem = parse_ports(ports, rule->ports);
    if (problem == NULL && networks && networks[0])
        problem = parse_networks(networks, rule->networks);
    if (problem) {
        rule_free(rule);
        *error = problem;
        return FALSE;
    }
    g_ptr_array_add(list->rules, rule);
    return TRUE;
}

/* ---- the text form ------------------------------------------------------ */

/* One line without its comment: PROTOCOL [port=...] [addr=...]. */
static char *parse_line(pktan_allowlist *list, char *line, const char *comment,
                        pktan_protocol_resolver resolve, void *user_data)
{
    char **words = g_strsplit_set(g_strstrip(line), " \t", -1);
    const char *ports = NULL, *networks = NULL, *protocol = NULL;
    char *problem = NULL;

    for (int i = 0; problem == NULL && words[i] != NULL; i++) {
        const char *w = words[i];

        if (w[0] == '\0')
            continue;
        if (protocol == NULL && strchr(w, '=') == NULL)
            protocol = w;
        else if (protocol == NULL)
            problem = g_strdup_printf("a rule starts with a protocol name, not '%s'", w);
        else if (g_str_has_prefix(w, "port=") && ports == NULL)
            ports = w + 5;
        else if (g_str_has_prefix(w, "addr=") && networks == NULL)
            networks = w + 5;
        else if (g_str_has_prefix(w, "port=") || g_str_has_prefix(w, "addr="))
            problem = g_strdup_printf("'%.5s' given twice", w);
        else
            problem = g_strdup_printf("unexpected '%s' (after the protocol: port=PORTS, "
                                      "addr=NETWORKS, # comment)", w);
    }
    if (problem == NULL && ((ports && ports[0] == '\0') || (networks && networks[0] == '\0')))
        problem = g_strdup(ports && ports[0] == '\0' ? "empty port list" : "empty address list");
    if (problem == NULL)
        pktan_allowlist_add_fields(list, protocol, ports, networks, comment, resolve, user_data,
                                   &problem);
    g_strfreev(words);
    return problem;
}

pktan_allowlist *pktan_allowlist_parse(const char *text, gsize len, const char *source,
                                       pktan_protocol_resolver resolve, void *user_data,
                                       char **error)
{
    pktan_allowlist *list = pktan_allowlist_new(source);
    char *copy, **lines, *problem = NULL;
    int bad_line = 0;

    if (memchr(text, '\0', len) != NULL) {
        *error = g_strdup_printf("%s: contains a NUL byte: not a text file", source);
        pktan_allowlist_free(list);
        return NULL;
    }
    copy = g_strndup(text, len);
    lines = g_strsplit(copy, "\n", -1);
    for (int i = 0; problem == NULL && lines[i] != NULL; i++) {
        char *hash = strchr(lines[i], '#');
        char *comment = NULL;

        if (hash) {
            *hash = '\0';
            comment = g_strstrip(hash + 1);
        }
        g_strdelimit(lines[i], "\r", ' ');
        if (g_strstrip(lines[i])[0] == '\0')
            continue;
        if (!g_utf8_validate(lines[i], -1, NULL))
            problem = g_strdup("not UTF-8 text");
        else
            problem = parse_line(list, lines[i], comment, resolve, user_data);
        bad_line = i + 1;
    }
    g_strfreev(lines);
    g_free(copy);
    if (problem) {
        *error = g_strdup_printf("%s:%d: %s", source, bad_line, problem);
        g_free(problem);
        pktan_allowlist_free(list);
        return NULL;
    }
    return list;
}

pktan_allowlist *pktan_allowlist_load(const char *path, pktan_protocol_resolver resolve,
                                      void *user_data, char **error)
{
    char *text;
    gsize len;
    GError *err = NULL;
    pktan_allowlist *list;

    if (!g_file_get_contents(path, &text, &len, &err)) {
        *error = g_strdup_printf("%s: cannot read the allowlist: %s", path, err->message);
        g_error_free(err);
        return NULL;
    }
    list = pktan_allowlist_parse(text, len, path, resolve, user_data, error);
    g_free(text);
    return list;
}

/* ---- matching ----------------------------------------------------------- */

static gboolean in_network(const pktan_network *n, const pktan_addr *a)
{
    guint whole = n->prefix / 8, rest = n->prefix % 8;

    if (a->family != n->net.family)
        return FALSE;
    if (memcmp(a->bytes, n->net.bytes, whole) != 0)
        return FALSE;
    return rest == 0 || ((a->bytes[whole] ^ n->net.bytes[whole]) & (0xff00 >> rest)) == 0;
}

gboolean pktan_allow_rule_covers(const pktan_allow_rule *rule, guint16 server_port,
                                 const pktan_addr *client, const pktan_addr *server)
{
    gboolean port_ok = rule->ports->len == 0, addr_ok = rule->networks->len == 0;

    for (guint i = 0; !port_ok && i < rule->ports->len; i++) {
        const pktan_port_range *r = &g_array_index(rule->ports, pktan_port_range, i);

        port_ok = server_port >= r->lo && server_port <= r->hi;
    }
    for (guint i = 0; !addr_ok && i < rule->networks->len; i++) {
        const pktan_network *n = &g_array_index(rule->networks, pktan_network, i);

        addr_ok = in_network(n, client) || in_network(n, server);
    }
    return port_ok && addr_ok;
}

char *pktan_allow_rule_to_str(const pktan_allow_rule *rule)
{
    GString *s = g_string_new(rule->protocol);
    char text[PKTAN_ADDR_STRLEN];

    for (guint i = 0; i < rule->ports->len; i++) {
        const pktan_port_range *r = &g_array_index(rule->ports, pktan_port_range, i);

        g_string_append(s, i == 0 ? " port=" : ",");
        g_string_append_printf(s, r->lo == r->hi ? "%u" : "%u-%u", r->lo, r->hi);
    }
    for (guint i = 0; i < rule->networks->len; i++) {
        const pktan_network *n = &g_array_index(rule->networks, pktan_network, i);
        guint max = n->net.family == PKTAN_AF_IPV4 ? 32 : 128;

        g_string_append(s, i == 0 ? " addr=" : ",");
        g_string_append(s, pktan_addr_to_str(&n->net, text));
        if (n->prefix != max)
            g_string_append_printf(s, "/%u", n->prefix);
    }
    return g_string_free(s, FALSE);
}
