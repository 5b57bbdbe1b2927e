/* fuzz_allow.c - libFuzzer harness for the allow-list parser
 * (sw_policy_parse_allow) and the checks that use what it built.
 *
 * Beyond "no crash" it checks, and aborts on: a failure keeps nothing and
 * names a line ("NAME:N: ..."); a success adds as many entries as it
 * says, each refusing its own prefix and every address inside it.
 *
 *   make fuzz && build-fuzz/fuzz/fuzz_allow -max_total_time=60 corpus/ */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sw_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_policy p;
	char err[256], why[256];
	size_t base, i;
	int n;

	if (sw_policy_init(&p) < 0)
		return 0;
	base = p.n;
	err[0] = '\0';
	n = sw_policy_parse_allow(&p, (const char *)data, size, "allow", err,
				  sizeof(err));
	if (n < 0) {
		if (p.n != base || strncmp(err, "allow:", 6) != 0 ||
		    !memchr(err, '\0', sizeof(err)))
			abort();
	} else {
		if (p.n != base + (size_t)n)
			abort();
		for (i = base; i < p.n; i++) {
			const struct sw_policy_entry *e = &p.v[i];
			struct sw_prefix last = e->pfx;
			unsigned bits = sw_family_bits(e->pfx.family), b;

			if (e->kind != SW_POLICY_ALLOW || e->pfx.plen > bits)
				abort();
			/* the prefix, and its last address, are refused */
			if (sw_policy_check(&p, &e->pfx, true, why, sizeof(why)))
				abort();
			for (b = e->pfx.plen; b < bits; b++)
				last.bytes[b / 8] |= (uint8_t)(0x80u >> (b % 8));
			last.plen = (uint8_t)bits;
			if (sw_policy_check(&p, &last, true, why, sizeof(why)))
				abort();
		}
	}
	sw_policy_free(&p);
	return 0;
}
