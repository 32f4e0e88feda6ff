/* Where the allowlist comes from (spec.md, README "Allowlist"): the table
 * Preferences > Protocols > PKTAN > Allowed protocols (a UAT, saved in the
 * profile, -o "uat:pktan_allowlist:..." in tshark), a plain allowlist file
 * named by the allowlist_file preference, and the baseline preference.
 * allowlist=PATH on a -z argument replaces table and file for that report. */
#ifndef PKTAN_POLICY_PREFS_H
#define PKTAN_POLICY_PREFS_H

#include <epan/prefs.h>

#include "policy.h"

void pktan_policy_prefs_register(module_t *prefs);

/* The policy the preferences (or override_path, when not NULL) give; NULL
 * with *error set (one line naming the file or table row and the problem)
 * when any part is wrong: nothing is half applied. */
pktan_policy *pktan_policy_from_prefs(const char *override_path, char **error);

/* Changes each time the preferences are applied, for users that cache a
 * policy. */
guint pktan_policy_prefs_generation(void);
void pktan_policy_prefs_applied(void);

#endif
