/* fuzz_filter.c - libFuzzer harness for the filter language and its
 * kernel bytecode: sw_filter_parse_env (service names from a fixed
 * resolver), sw_filter_match, the push-down
 * analyses, sw_diag_bytecode and sw_filter_error_format.
 *
 * Beyond "no crash" it checks, and aborts on: errors point inside the
 * text; the bytecode passes a mirror of the kernel's audit; the bytecode,
 * state mask and family push-down never drop a socket the filter matches.
 *
 *   make fuzz && build-fuzz/fuzz/fuzz_filter -max_total_time=60 corpus/ */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/filter_gen.h"
#include "sw_diag.h"
#include "sw_filter.h"

#define BCMAX 65536

static int fuzz_service(const char *name, void *ctx)
{
	(void)ctx;
	if (!strcmp(name, "http"))
		return 80;
	return !strcmp(name, "both") ? SW_FILTER_SERVICE_AMBIGUOUS :
				       SW_FILTER_SERVICE_UNKNOWN;
}

static void check_error(const struct sw_filter_error *err, const char *text)
{
	char buf[1024];
	int tl = (int)strlen(text);

	if (err->pos < -1 || err->pos > tl || err->len < 0 ||
	    (err->pos >= 0 && err->pos + err->len > tl) || !err->msg[0] ||
	    !memchr(err->msg, '\0', sizeof(err->msg)))
		abort();
	sw_filter_error_format(err, text, buf, sizeof(buf));
	sw_filter_error_format(err, text, buf, 7);
}

static void check_filter(const struct sw_filter *f, uint64_t seed)
{
	static uint8_t bc4[BCMAX], bc6[BCMAX];
	int n4 = sw_diag_bytecode(f, SW_V4, bc4, BCMAX);
	int n6 = sw_diag_bytecode(f, SW_V6, bc6, BCMAX);
	uint32_t tm = sw_filter_state_mask(f, SW_TCP, SW_TCP_ALL_STATES);
	uint32_t um = sw_filter_state_mask(f, SW_UDP, SW_UDP_ALL_STATES);
	bool f4 = sw_filter_may_match_family(f, SW_V4);
	bool f6 = sw_filter_may_match_family(f, SW_V6);
	struct gen g = {.s = seed | 1};

	if (n4 < 0 || n6 < 0 || (n4 && bci_audit(bc4, n4)) ||
	    (n6 && bci_audit(bc6, n6)))
		abort();
	for (int k = 0; k < 64; k++) {
		struct bci_entry e;
		struct sw_sock s;
		unsigned fam;
		gen_socket(&g, &e, &s, &fam);
		if (!sw_filter_match(f, &s))
			continue;
		int n = fam == SW_V4 ? n4 : n6;
		if (n && bci_run(fam == SW_V4 ? bc4 : bc6, n, &e) != 1)
			abort();
		if (!((s.proto == SW_TCP ? tm : um) & SW_STATE_BIT(s.state)))
			abort();
		if (!(fam == SW_V4 ? f4 : f6))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct sw_filter_error err;
	uint64_t seed = 1469598103934665603ull;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 1099511628211ull;
	static const struct sw_filter_env env = {fuzz_service, NULL};
	struct sw_filter *f = sw_filter_parse_env(text, &env, &err);
	if (f)
		check_filter(f, seed);
	else
		check_error(&err, text);
	sw_filter_free(f);
	free(text);
	return 0;
}
