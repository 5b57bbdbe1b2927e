/* fuzz_prom.c - libFuzzer harness for what a scraper or a command line
 * hands the metrics: the Accept header (sw_prom_negotiate), label values
 * (sw_prom_label), --metrics (sw_metrics_parse_listen) and
 * --metrics-allow (sw_metrics_parse_allow).
 *
 * Beyond "no crash" it checks, and aborts on: a negotiated format in
 * range; an escaped label with no raw quote, newline, control or
 * non-ASCII byte and every backslash starting \\, \" or \n; a parsed
 * listen address a single address with a port from 1 to 65535; a parsed
 * allow list as many prefixes as commas plus one, each within its
 * family's length.
 *
 *   make fuzz && build-fuzz/fuzz/fuzz_prom -max_total_time=60 corpus/ */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sw_metrics.h"
#include "sw_prom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_prefix allow[SW_METRICS_MAX_ALLOW], addr;
	char *s = malloc(size + 1), err[256];
	struct sw_buf b;
	const char *why = NULL;
	uint16_t port = 0;
	size_t i, commas = 0;
	int n;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if ((unsigned)sw_prom_negotiate(s) >= SW_PROM_NFORMATS)
		abort();

	sw_buf_init(&b);
	sw_prom_label(&b, s);
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];

		if (c < 0x20 || c >= 0x7f || c == '"')
			abort();
		if (c == '\\') {
			if (i + 1 >= b.len || !strchr("\\\"n", b.data[i + 1]))
				abort();
			i++;
		}
	}
	sw_buf_free(&b);

	if (sw_metrics_parse_listen(s, &addr, &port, &why) == 0) {
		if (port == 0 || addr.plen != sw_family_bits(addr.family))
			abort();
	} else if (!why) {
		abort();
	}

	for (i = 0; s[i]; i++)
		commas += s[i] == ',';
	n = sw_metrics_parse_allow(s, allow, SW_METRICS_MAX_ALLOW, err, sizeof(err));
	if (n >= 0) {
		if ((size_t)n != commas + 1)
			abort();
		for (i = 0; i < (size_t)n; i++)
			if (allow[i].plen > sw_family_bits(allow[i].family))
				abort();
	} else if (!memchr(err, '\0', sizeof(err)) || !err[0]) {
		abort();
	}
	free(s);
	return 0;
}
