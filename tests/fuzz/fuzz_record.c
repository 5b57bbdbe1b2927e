/* libFuzzer harness: a replay of arbitrary bytes through the recording
 * reader and the engine's replay path (parser, counters, aggregation,
 * listener owners), as `sockwatch -b --replay FILE` would run it.
 * Inputs not starting with the file magic get a valid header prepended,
 * so the fuzzer spends its time on items. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sw_engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char hdr[18] = "SOCKWATCH-REC\n\1\0\0\0";
	struct sw_engine_opts o;
	struct sw_agg_opts g = { .group_v4 = 24, .group_v6 = 64 };
	struct sw_engine *e;
	char path[64], *cause = NULL;
	int fd, n;

	fd = memfd_create("fuzz_record", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if ((size == 0 || data[0] != 'S') && write(fd, hdr, sizeof(hdr)) != sizeof(hdr))
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(&o, 0, sizeof(o));
	o.replay = path;
	e = sw_engine_open(&o, &cause);
	if (!e) {
		if (!cause || strchr(cause, '\n'))
			abort(); /* errors are one line */
		free(cause);
		close(fd);
		return 0;
	}
	for (n = 0; n < 1000; n++) {
		int rc = sw_engine_refresh(e, &cause);

		if (rc <= 0) {
			if (rc < 0 && (!cause || strchr(cause, '\n')))
				abort();
			free(cause);
			cause = NULL;
			break;
		}
		if (n == 1 && sw_engine_set_group(e, &g) < 0)
			abort();
	}
	sw_engine_close(e);
	close(fd);
	return 0;
}
