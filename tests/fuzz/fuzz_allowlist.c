/* Fuzz harness: the allowlist parser (common/allowlist.c) and, on what it
 * accepts, the policy built from it and one walk over a chain of layers.
 *
 * Contract (allowlist.h) checked on every input:
 *   - rejected: no list, one error line "SOURCE:LINE: problem" or
 *     "SOURCE: problem";
 *   - accepted: no error; every rule has a known protocol, ranges LOW<=HIGH,
 *     prefixes in range; its text form parses back to the same rules. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allowlist.h"
#include "policy.h"

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz_allowlist: check failed: %s (line %d)\n",    \
                    #cond, __LINE__);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)

static const char *const known[] = {
    "eth", "ethertype", "ip", "ipv6", "tcp", "udp", "icmp", "http", "tls", "dns", "ssh",
    "rdp", "tpkt", "cotp", "bittorrent", "bt-utp", "data", NULL,
};

static int resolve(const char *name, void *user_data)
{
    (void)user_data;
    for (int i = 0; known[i]; i++)
        if (strcmp(known[i], name) == 0)
            return 10 + i;
    return -1;
}

static void check_rules(const pktan_allowlist *list)
{
    for (guint i = 0; i < list->rules->len; i++) {
        const pktan_allow_rule *r = g_ptr_array_index(list->rules, i);

        CHECK(resolve(r->protocol, NULL) == r->protocol_id);
        CHECK(r->comment != NULL);
        for (guint p = 0; p < r->ports->len; p++) {
            const pktan_port_range *range = &g_array_index(r->ports, pktan_port_range, p);
            CHECK(range->lo >= 1 && range->lo <= range->hi);
        }
        for (guint n = 0; n < r->networks->len; n++) {
            const pktan_network *net = &g_array_index(r->networks, pktan_network, n);
            CHECK(net->prefix <= (net->net.family == PKTAN_AF_IPV4 ? 32 : 128));
        }
    }
}

/* The text form of every rule, parsed again, gives the same text. */
static void check_round_trip(const pktan_allowlist *list)
{
    GString *text = g_string_new(NULL);
    pktan_allowlist *again;
    char *error = NULL;

    for (guint i = 0; i < list->rules->len; i++) {
        char *line = pktan_allow_rule_to_str(g_ptr_array_index(list->rules, i));
        g_string_append_printf(text, "%s\n", line);
        g_free(line);
    }
    again = pktan_allowlist_parse(text->str, text->len, "again", resolve, NULL, &error);
    CHECK(again != NULL && error == NULL);
    CHECK(again->rules->len == list->rules->len);
    for (guint i = 0; i < list->rules->len; i++) {
        char *a = pktan_allow_rule_to_str(g_ptr_array_index(list->rules, i));
        char *b = pktan_allow_rule_to_str(g_ptr_array_index(again->rules, i));
        CHECK(strcmp(a, b) == 0);
        g_free(a);
        g_free(b);
    }
    pktan_allowlist_free(again);
    g_string_free(text, TRUE);
}

static void walk(pktan_allowlist *list, const uint8_t *data, size_t size)
{
    pktan_policy *policy = pktan_policy_new(list, size % 2 == 0, resolve, NULL);
    int layers[16];
    guint n = 0;
    pktan_addr client, server;
    pktan_conversation_ends ends = {&client, &server, (guint16)(size * 131)};
    pktan_judgement j;

    pktan_addr_parse("10.0.0.1", &client);
    pktan_addr_parse("fd00::2", &server);
    for (size_t i = 0; i < size && n < G_N_ELEMENTS(layers); i += 7)
        layers[n++] = 10 + data[i] % 20; /* known ids and a few unknown */
    pktan_policy_judge(policy, layers, n, &ends, &j);
    CHECK(j.chain_start + j.chain_len <= n);
    pktan_policy_free(policy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *error = NULL;
    pktan_allowlist *list = pktan_allowlist_parse((const char *)data, size, "fuzz", resolve,
                                                  NULL, &error);

    if (list == NULL) {
        CHECK(error != NULL && g_str_has_prefix(error, "fuzz:"));
        CHECK(strchr(error, '\n') == NULL || strchr(error, '\n') > error + 5);
        g_free(error);
        return 0;
    }
    CHECK(error == NULL);
    check_rules(list);
    check_round_trip(list);
    walk(list, data, size);
    return 0;
}
