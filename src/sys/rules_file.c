/* rules_file.c - read the rules file and parse it (sw_rules_file.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sw_cause.h"
#include "sw_file.h"
#include "sw_rules_file.h"
#include "sw_services.h"

struct sw_rules *sw_rules_load(const char *path, char **cause)
{
	struct sw_services sv = {.tcp = true, .udp = true};
	struct sw_filter_env env = sw_services_env(&sv);
	struct sw_rules *rs;
	char *text, *errors = NULL;
	size_t len;

	*cause = NULL;
	if (!path)
		path = SW_RULES_DEFAULT_FILE;
	if (sw_file_read(path, "the rules file", SW_RULES_FILE_MAX, &text, &len,
			 cause) < 0)
		return NULL;
	if (strlen(text) != len) {
		sw_cause_set(cause, "%s: a NUL byte at offset %zu; the rules file "
			     "is text", path, strlen(text));
		free(text);
		return NULL;
	}
	rs = sw_rules_parse(text, path, &env, &errors);
	free(text);
	if (!rs)
		*cause = errors ? errors : sw_cause_fmt("out of memory reading %s", path);
	return rs;
}
