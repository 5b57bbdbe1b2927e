/* libFuzzer harness: the report's reader (sockwatch report FILE --audit
 * LOG) on arbitrary bytes: the part before a line "--AUDIT--" is the
 * recording (a valid header is put before it unless it starts with the
 * file magic), the part after it the audit log; then both formats of the
 * report. A damaged recording must give a report and a one-line note,
 * never a crash; the page must never hold a raw '<' from the input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sw_report_read.h"

static int sw_fuzz_file(const char *name, const void *hdr, size_t hlen,
			const uint8_t *data, size_t size, char *path, size_t plen)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		abort();
	if (hlen && write(fd, hdr, hlen) != (ssize_t)hlen)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, plen, "/proc/self/fd/%d", fd);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char hdr[18] = "SOCKWATCH-REC\n\1\0\0\0";
	static const char sep[] = "\n--AUDIT--\n";
	struct sw_agg_opts g = { .group_v4 = 24, .group_v6 = 64 };
	const uint8_t *cut = memmem(data, size, sep, sizeof(sep) - 1);
	size_t rlen = cut ? (size_t)(cut - data) : size;
	char rec[64], log[64], *note = NULL, *cause = NULL;
	struct sw_report_src src = { .recording = "fuzz.rec" };
	struct sw_incident inc;
	struct sw_buf b;
	int rfd, afd = -1;

	rfd = sw_fuzz_file("rec", hdr, rlen && data[0] == 'S' ? 0 : sizeof(hdr), data,
			   rlen, rec, sizeof(rec));
	if (cut) {
		size_t off = rlen + sizeof(sep) - 1;

		afd = sw_fuzz_file("audit", NULL, 0, data + off, size - off, log, sizeof(log));
		src.audit = "fuzz.log";
	}
	if (sw_report_read(rec, cut ? log : NULL, &g, &inc, &note, &cause) < 0) {
		if (!cause || strchr(cause, '\n'))
			abort(); /* errors are one line */
		free(cause);
	} else {
		if (note && strchr(note, '\n'))
			abort();
		src.note = note;
		sw_buf_init(&b);
		sw_report_format(&b, &inc, &src, false);
		sw_report_format(&b, &inc, &src, true);
		sw_buf_free(&b);
		free(note);
		sw_incident_free(&inc);
	}
	close(rfd);
	if (afd >= 0)
		close(afd);
	return 0;
}
