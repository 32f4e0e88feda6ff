#include "policy_prefs.h"

#include <wireshark.h>
#include <epan/uat.h>

#include "allowlist.h"
#include "compat.h"
#include "epan_glue.h"

#define UAT_NAME "pktan_allowlist"

typedef struct {
    char *protocol;
    char *ports;
    char *addresses;
    char *comment;
} allow_record;

static allow_record *records;
static guint n_records;
static const char *allowlist_file = "";
static pktan_pref_bool baseline = TRUE;
static guint generation;

UAT_CSTRING_CB_DEF(allow, protocol, allow_record)
UAT_CSTRING_CB_DEF(allow, ports, allow_record)
UAT_CSTRING_CB_DEF(allow, addresses, allow_record)
UAT_CSTRING_CB_DEF(allow, comment, allow_record)

static void *record_copy(void *dest, const void *src, size_t len _U_)
{
    allow_record *d = dest;
    const allow_record *s = src;

    d->protocol = g_strdup(s->protocol);
    d->ports = g_strdup(s->ports);
    d->addresses = g_strdup(s->addresses);
    d->comment = g_strdup(s->comment);
    return d;
}

static void record_free(void *r)
{
    allow_record *a = r;

    g_free(a->protocol);
    g_free(a->ports);
    g_free(a->addresses);
    g_free(a->comment);
}

/* Refuses a row with a problem, in the dialog and from -o uat:... alike. */
static pktan_uat_update_result record_update(void *r, char **error)
{
    allow_record *a = r;
    char *problem = pktan_allowlist_check_protocol(a->protocol, pktan_protocol_id, NULL);

    if (problem == NULL)
        problem = pktan_allowlist_check_ports(a->ports);
    if (problem == NULL)
        problem = pktan_allowlist_check_networks(a->addresses);
    if (problem == NULL)
        return TRUE;
    *error = g_strdup_printf("Allowed protocols: %s", problem);
    g_free(problem);
    return FALSE;
}

void pktan_policy_prefs_register(module_t *prefs)
{
    static uat_field_t fields[] = {
        UAT_FLD_CSTRING(allow, protocol, "Protocol",
                        "Wireshark display filter name of the protocol (http, tls, dns, rdp...)"),
        UAT_FLD_CSTRING(allow, ports, "Server ports",
                        "Only on these server ports: 80,443,8000-8080 (empty: any)"),
        UAT_FLD_CSTRING(allow, addresses, "Addresses",
                        "Only where one end is in these networks: 10.0.0.0/8,fd00::/8 "
                        "(empty: any)"),
        UAT_FLD_CSTRING(allow, comment, "Comment", "Why this is allowed"),
        UAT_END_FIELDS};
    uat_t *uat = uat_new("Allowed protocols", sizeof(allow_record), UAT_NAME, TRUE, &records,
                         &n_records, UAT_AFFECTS_DISSECTION, NULL, record_copy, record_update,
                         record_free, NULL, NULL, fields);

    prefs_register_uat_preference(prefs, "allowed_protocols", "Allowed protocols",
                                  "Protocols the Unexpected Protocols report and the "
                                  "pktan.unexpected marks accept", uat);
    prefs_register_filename_preference(prefs, "allowlist_file", "Allowlist file",
                                       "A plain allowlist file (one rule a line: PROTOCOL "
                                       "[port=PORTS] [addr=NETWORKS] [# comment]) used with the "
                                       "table above", &allowlist_file, FALSE);
    prefs_register_bool_preference(prefs, "allowlist_baseline", "Allow the baseline",
                                   "Always allow link, network and transport protocols and "
                                   "tunnels (eth, ip, ipv6, tcp, udp, icmp, arp, vxlan...)",
                                   &baseline);
}

static pktan_allowlist *from_table(char **error)
{
    pktan_allowlist *list = pktan_allowlist_new(NULL);

    for (guint i = 0; i < n_records; i++) {
        const allow_record *a = &records[i];
        char *problem;

        if (!pktan_allowlist_add_fields(list, a->protocol, a->ports, a->addresses, a->comment,
                                        pktan_protocol_id, NULL, &problem)) {
            *error = g_strdup_printf("Allowed protocols table, row %u: %s", i + 1, problem);
            g_free(problem);
            pktan_allowlist_free(list);
            return NULL;
        }
    }
    return list;
}

/* The table, then the file's rules after it. */
static pktan_allowlist *from_prefs(char **error)
{
    pktan_allowlist *list = from_table(error), *file;

    if (list == NULL)
        return NULL;
    if (allowlist_file == NULL || allowlist_file[0] == '\0') {
        list->source = g_strdup("the Allowed protocols table");
        return list;
    }
    file = pktan_allowlist_load(allowlist_file, pktan_protocol_id, NULL, error);
    if (file == NULL) {
        pktan_allowlist_free(list);
        return NULL;
    }
    while (file->rules->len > 0)
        g_ptr_array_add(list->rules, g_ptr_array_steal_index(file->rules, 0));
    list->source = g_strdup_printf("the Allowed protocols table and %s", allowlist_file);
    pktan_allowlist_free(file);
    return list;
}

pktan_policy *pktan_policy_from_prefs(const char *override_path, char **error)
{
    pktan_allowlist *list = override_path
                                ? pktan_allowlist_load(override_path, pktan_protocol_id, NULL, error)
                                : from_prefs(error);

    return list ? pktan_policy_new(list, baseline, pktan_protocol_id, NULL) : NULL;
}

guint pktan_policy_prefs_generation(void)
{
    return generation;
}

void pktan_policy_prefs_applied(void)
{
    generation++;
}
