/* fuzz_hostcfg.c - libFuzzer harness for the host settings text
 * (sw_hostcfg_parse, as a recording's HOST item brings it) and the
 * doctor's scan of sysctl configuration files (sw_doctor_scan_conf), then
 * the doctor's verdict on what was parsed, as text and JSON.
 *
 * Beyond "no crash" it checks, and aborts on: what was parsed formats to
 * a text that parses to the same values; every value is -1 or not
 * negative; the scan adds no more items than the text has lines, each a
 * risk naming FILE:LINE; the JSON is one line ending in "}\n".
 *
 *   make fuzz && build-fuzz/fuzz/fuzz_hostcfg -max_total_time=60 corpus/ */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sw_buf.h"
#include "sw_doctor.h"
#include "sw_hostcfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sw_doctor d; /* large: not on the stack */
	struct sw_hostcfg h, g;
	struct sw_buf b;
	size_t lines = 1, before;
	int added;

	sw_hostcfg_parse(&h, (const char *)data, size);
	for (unsigned k = 0; k < SW_H_MAX; k++)
		if (h.val[k] < -1)
			abort();
	sw_buf_init(&b);
	sw_hostcfg_format(&h, &b);
	if (b.oom)
		abort();
	sw_hostcfg_parse(&g, b.len ? b.data : "", b.len);
	if (memcmp(g.val, h.val, sizeof(h.val)))
		abort();

	memset(&d, 0, sizeof(d));
	if (sw_doctor_judge(&d, &h, NULL, NULL) < 0)
		abort();
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	before = d.n;
	added = sw_doctor_scan_conf(&d, "f.conf", (const char *)data, size);
	if (added < 0 || (size_t)added > lines || d.n != before + (size_t)added)
		abort();
	for (size_t i = before; i < d.n; i++)
		if (!d.item[i].severity || strncmp(d.item[i].where, "f.conf:", 7))
			abort();
	sw_buf_reset(&b);
	sw_doctor_text(&d, &b);
	sw_buf_reset(&b);
	sw_doctor_json(&d, &b);
	if (b.oom || b.len < 2 || strcmp(b.data + b.len - 2, "}\n") ||
	    memchr(b.data, '\n', b.len - 1))
		abort();
	sw_buf_free(&b);
	return 0;
}
