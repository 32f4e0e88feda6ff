#include "policy.h"

/* Link, network and transport protocols, tunnels and Wireshark's own
 * pseudo-protocols: allowed unless the baseline is off (then only the
 * pseudo-protocols are). Names missing from a Wireshark are skipped. */
static const char *const baseline_protocols[] = {
    "eth", "ethertype", "sll", "vlan", "ieee8021ad", "llc", "arp", "mpls", "ppp", "pppoes",
    "null", "ip", "ipv6", "ipv6.hopopts", "ipv6.routing", "ipv6.fraghdr", "ipv6.dstopts",
    "icmp", "icmpv6", "igmp", "tcp", "udp", "udplite", "sctp", "dccp", "gre", "vxlan",
    "geneve", "erspan", "nsh", NULL,
};

/* Layers that carry an application protocol without being it. */
static const char *const carrier_protocols[] = {"tpkt", "cotp", "t125", "t124", NULL};

static const char *const always_allowed[] = {
    "frame", "pktan", "_ws.malformed", "_ws.short", "_ws.unreassembled", "_ws.expert", NULL,
};

/* Protocols reported under another's name: what a person calls them. */
static const struct {
    const char *member, *family;
} families[] = {
    {"bt-utp", "bittorrent"},
    {"bt-dht", "bittorrent"},
    {"bt-tracker", "bittorrent"},
    {"rdpudp", "rdp"},
};

typedef enum { CLASS_NAMED, CLASS_ALWAYS, CLASS_BASELINE, CLASS_CARRIER, CLASS_DATA } layer_class;

/* What the policy knows of one protocol id; ids not in the table are
 * named protocols with no rule. */
typedef struct {
    layer_class cls;
    gboolean ends_walk;  /* ICMP: the rest is a quoted header */
    int family;
    GPtrArray *rules;    /* of const pktan_allow_rule *, or NULL */
} protocol_entry;

/* The per-layer lookup runs several times per packet, so the entries are
 * copied at compile time into an open-addressing table on the id (a few
 * dozen ids: a multiplication, a mask and usually one probe) rather than
 * left in a GHashTable (a function call and a pointer chase each). */
typedef struct {
    int id;                /* -1: empty slot */
    const protocol_entry *entry;
} entry_slot;

struct pktan_policy {
    pktan_allowlist *list;
    gboolean baseline;
    GHashTable *entries; /* int id -> protocol_entry, while compiling */
    int tls;
    entry_slot *slots;
    guint mask;
};

static protocol_entry *entry_for(pktan_policy *p, int id)
{
    protocol_entry *e = g_hash_table_lookup(p->entries, GINT_TO_POINTER(id));

    if (e == NULL) {
        e = g_new0(protocol_entry, 1);
        e->cls = CLASS_NAMED;
        e->family = id;
        g_hash_table_insert(p->entries, GINT_TO_POINTER(id), e);
    }
    return e;
}

static guint slot_of(guint mask, int id)
{
    return ((guint)id * 2654435761u) & mask;
}

/* The entry of id, or NULL: one of the ids no table names. */
static const protocol_entry *lookup(const pktan_policy *p, int id)
{
    for (guint i = slot_of(p->mask, id);; i = (i + 1) & p->mask) {
        if (p->slots[i].id == id)
            return p->slots[i].entry;
        if (p->slots[i].id == -1)
            return NULL;
    }
}

static void build_slots(pktan_policy *p)
{
    guint size = 64;
    GHashTableIter iter;
    gpointer key, value;

    while (size < 4 * g_hash_table_size(p->entries))
        size *= 2;
    p->mask = size - 1;
    p->slots = g_new(entry_slot, size);
    for (guint i = 0; i < size; i++)
        p->slots[i] = (entry_slot){-1, NULL};
    g_hash_table_iter_init(&iter, p->entries);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        guint i = slot_of(p->mask, GPOINTER_TO_INT(key));

        while (p->slots[i].id != -1)
            i = (i + 1) & p->mask;
        p->slots[i] = (entry_slot){GPOINTER_TO_INT(key), value};
    }
}

static void entry_free(gpointer data)
{
    protocol_entry *e = data;

    if (e->rules)
        g_ptr_array_free(e->rules, TRUE);
    g_free(e);
}

static void classify(pktan_policy *p, const char *const *names, layer_class cls,
                     pktan_protocol_resolver resolve, void *user_data)
{
    for (int i = 0; names[i] != NULL; i++) {
        int id = resolve(names[i], user_data);

        if (id >= 0)
            entry_for(p, id)->cls = cls;
    }
}

pktan_policy *pktan_policy_new(pktan_allowlist *list, gboolean baseline,
                               pktan_protocol_resolver resolve, void *user_data)
{
    pktan_policy *p = g_new0(pktan_policy, 1);
    static const char *const data[] = {"data", NULL};
    int id;

    p->list = list;
    p->baseline = baseline;
    p->entries = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, entry_free);
    p->tls = resolve("tls", user_data);
    classify(p, baseline_protocols, CLASS_BASELINE, resolve, user_data);
    classify(p, always_allowed, CLASS_ALWAYS, resolve, user_data);
    classify(p, carrier_protocols, CLASS_CARRIER, resolve, user_data);
    classify(p, data, CLASS_DATA, resolve, user_data);
    if ((id = resolve("icmp", user_data)) >= 0)
        entry_for(p, id)->ends_walk = TRUE;
    if ((id = resolve("icmpv6", user_data)) >= 0)
        entry_for(p, id)->ends_walk = TRUE;
    for (gsize i = 0; i < G_N_ELEMENTS(families); i++) {
        int member = resolve(families[i].member, user_data);
        int family = resolve(families[i].family, user_data);

        if (member >= 0 && family >= 0)
            entry_for(p, member)->family = family;
    }
    for (guint i = 0; i < list->rules->len; i++) {
        const pktan_allow_rule *rule = g_ptr_array_index(list->rules, i);
        protocol_entry *e = entry_for(p, rule->protocol_id);

        if (e->rules == NULL)
            e->rules = g_ptr_array_new();
        g_ptr_array_add(e->rules, (gpointer)rule);
    }
    build_slots(p);
    return p;
}

void pktan_policy_free(pktan_policy *policy)
{
    if (policy == NULL)
        return;
    g_hash_table_destroy(policy->entries);
    g_free(policy->slots);
    pktan_allowlist_free(policy->list);
    g_free(policy);
}

const pktan_allowlist *pktan_policy_allowlist(const pktan_policy *policy)
{
    return policy->list;
}

gboolean pktan_policy_baseline(const pktan_policy *policy)
{
    return policy->baseline;
}

gboolean pktan_policy_is_tls(const pktan_policy *policy, int protocol)
{
    return protocol >= 0 && protocol == policy->tls;
}

static gboolean rules_allow(const GPtrArray *rules, const pktan_conversation_ends *ends,
                            pktan_judgement *out)
{
    if (rules != NULL && rules->len > 0)
        out->by_ends = TRUE;
    for (guint i = 0; rules && i < rules->len; i++)
        if (pktan_allow_rule_covers(g_ptr_array_index(rules, i), ends->server_port,
                                    ends->client, ends->server))
            return TRUE;
    return FALSE;
}

/* A rule for the protocol (id) or for its family allows it. */
static gboolean allowed(const pktan_policy *p, const protocol_entry *e, int id,
                        const pktan_conversation_ends *ends, pktan_judgement *out)
{
    const protocol_entry *family;

    if (rules_allow(e->rules, ends, out))
        return TRUE;
    if (e->family == id || e->family < 0)
        return FALSE;
    family = lookup(p, e->family);
    return family != NULL && rules_allow(family->rules, ends, out);
}

void pktan_policy_judge(const pktan_policy *policy, const int *layers, guint n_layers,
                        const pktan_conversation_ends *ends, pktan_judgement *out)
{
    static const protocol_entry unknown = {CLASS_NAMED, FALSE, -1, NULL};
    int carrier = -1;
    guint carrier_at = 0;

    *out = (pktan_judgement){PKTAN_JUDGED_ALLOWED, -1, 0, 0, FALSE};
    for (guint i = 0; i < n_layers; i++) {
        const protocol_entry *e = lookup(policy, layers[i]);

        if (e == NULL)
            e = &unknown;
        if (e->cls == CLASS_ALWAYS)
            continue;
        if (e->cls == CLASS_BASELINE && (policy->baseline || allowed(policy, e, layers[i], ends, out))) {
            /* a lower layer allows itself, not what it carries */
            if (e->ends_walk)
                return;
            continue;
        }
        if (e->cls != CLASS_BASELINE && allowed(policy, e, layers[i], ends, out)) {
            out->kind = PKTAN_JUDGED_RULE; /* allows everything it carries */
            return;
        }
        if (e->cls == CLASS_CARRIER) {
            if (carrier < 0) {
                carrier = layers[i];
                carrier_at = i;
            }
            continue;
        }
        *out = (pktan_judgement){
            e->cls == CLASS_DATA ? PKTAN_JUDGED_UNIDENTIFIED : PKTAN_JUDGED_NAMED,
            e == &unknown ? layers[i] : e->family,
            carrier >= 0 ? carrier_at : i,
            n_layers - (carrier >= 0 ? carrier_at : i),
            out->by_ends,
        };
        if (out->kind == PKTAN_JUDGED_UNIDENTIFIED && carrier >= 0) {
            /* tpkt:data: the carrier is the best name there is */
            out->kind = PKTAN_JUDGED_CARRIER;
            out->protocol = carrier;
        }
        return;
    }
    if (carrier >= 0)
        *out = (pktan_judgement){PKTAN_JUDGED_CARRIER, carrier, carrier_at, n_layers - carrier_at,
                                 out->by_ends};
}
