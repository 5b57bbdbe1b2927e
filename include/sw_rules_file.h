/* sw_rules_file.h - reading the rules file (sw_rules.h) from disk, for
 * `rules check`, the daemon and the TUI. Edge header. */
#ifndef SW_RULES_FILE_H
#define SW_RULES_FILE_H

#include "sw_rules.h"

/* Read path (NULL: SW_RULES_DEFAULT_FILE; a regular file of at most
 * SW_RULES_FILE_MAX bytes, opened without blocking) and parse it, service
 * names resolved from /etc/services. Returns the rule set (caller frees
 * with sw_rules_free), or NULL with *cause (malloc'ed, caller frees):
 * why it could not be read ("cannot read the rules file /x: No such file
 * or directory"), or every error of the file, one per line
 * ("/etc/sockwatch/rules:3: ban '10x' is not a duration; ..."). */
struct sw_rules *sw_rules_load(const char *path, char **cause);

#endif
