/* record.c - the --record / --replay file (layout in sw_record.h).
 *
 * The writer buffers a refresh and flushes at END, and on opening an
 * existing recording drops an incomplete last refresh (a run killed
 * mid-write), so appending never leaves a refresh without its END in the
 * middle of a file. The reader checks every item's type and length before
 * anyone looks at its payload. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sw_cause.h"
#include "sw_diag.h"
#include "sw_record.h"
#include "sw_sock.h"

#define SW_REC_MAGIC "SOCKWATCH-REC\n"
#define SW_REC_MAGIC_LEN 14
#define SW_REC_HDR_LEN (SW_REC_MAGIC_LEN + 4)
#define SW_REC_ITEM_HDR 8
#define SW_REC_VERSION 1

/* Payload length limits per item type; max 0 means SW_REC_MAX_ITEM. */
static const struct {
	const char *name;
	uint32_t min, max;
} sw_rec_types[] = {
	[SW_REC_BEGIN] = { "BEGIN", 16, 16 },
	[SW_REC_NLBUF] = { "NLBUF", 4, 0 },
	[SW_REC_SNMP] = { "SNMP", 0, 0 },
	[SW_REC_NETSTAT] = { "NETSTAT", 0, 0 },
	[SW_REC_PROC] = { "PROC", 24, 24 },
	[SW_REC_END] = { "END", 0, 16 },
	[SW_REC_INFO] = { "INFO", 4, 0 },
	[SW_REC_HOST] = { "HOST", 0, 0 },
	[SW_REC_SOCKS] = { "SOCKS", 4, 0 },
};

#define SW_REC_NTYPES (sizeof(sw_rec_types) / sizeof(sw_rec_types[0]))

const char *sw_rec_type_name(unsigned type)
{
	return type && type < SW_REC_NTYPES && sw_rec_types[type].name
		       ? sw_rec_types[type].name
		       : "unknown";
}

/* NULL when (type, len) is a valid item, else why not (static). */
static const char *sw_rec_check(uint32_t type, uint32_t len)
{
	uint32_t max;

	if (type == 0 || type >= SW_REC_NTYPES || !sw_rec_types[type].name)
		return "unknown item type";
	max = sw_rec_types[type].max ? sw_rec_types[type].max : SW_REC_MAX_ITEM;
	if (len < sw_rec_types[type].min || len > max)
		return "impossible item length";
	if (type == SW_REC_END && len != 0 && len != 16)
		return "impossible item length";
	return NULL;
}

void sw_rec_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint32_t sw_rec_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

void sw_rec_put64(uint8_t *p, uint64_t v)
{
	sw_rec_put32(p, (uint32_t)v);
	sw_rec_put32(p + 4, (uint32_t)(v >> 32));
}

uint64_t sw_rec_get64(const uint8_t *p)
{
	return sw_rec_get32(p) | (uint64_t)sw_rec_get32(p + 4) << 32;
}

struct sw_rec_writer {
	FILE *f;
	int err;         /* first write error, reported at close */
	off_t committed; /* file size after the last END; -1: not a file */
	char *path;
	char error[320]; /* the first failed tap write, or "" */
};

/* Offset just past the last complete refresh of an existing recording, or
 * -1 with *cause when the file is not one we may append to. */
static off_t sw_rec_last_end(int fd, const char *path, off_t size,
			     char **cause)
{
	uint8_t h[SW_REC_HDR_LEN];
	off_t off = SW_REC_HDR_LEN, good = SW_REC_HDR_LEN;

	if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    memcmp(h, SW_REC_MAGIC, SW_REC_MAGIC_LEN) != 0) {
		*cause = sw_cause_fmt("%s: exists and is not a sockwatch recording; "
				    "refusing to append (choose another file)", path);
		return -1;
	}
	if (sw_rec_get32(h + SW_REC_MAGIC_LEN) != SW_REC_VERSION) {
		*cause = sw_cause_fmt("%s: recording format version %u; refusing to "
				    "append version %u items (choose another file)",
				    path, sw_rec_get32(h + SW_REC_MAGIC_LEN),
				    SW_REC_VERSION);
		return -1;
	}
	while (size - off >= SW_REC_ITEM_HDR) {
		uint8_t ih[SW_REC_ITEM_HDR];
		uint32_t type, len;

		if (pread(fd, ih, sizeof(ih), off) != (ssize_t)sizeof(ih)) {
			*cause = sw_cause_fmt("%s: cannot read at offset %lld: %s", path,
					    (long long)off, strerror(errno ? errno : EIO));
			return -1;
		}
		type = sw_rec_get32(ih);
		len = sw_rec_get32(ih + 4);
		if (sw_rec_check(type, len)) {
			*cause = sw_cause_fmt("%s: corrupt item at offset %lld; refusing "
					    "to append (choose another file)",
					    path, (long long)off);
			return -1;
		}
		if (size - off - SW_REC_ITEM_HDR < (off_t)len)
			break; /* cut short: the tail is dropped */
		off += SW_REC_ITEM_HDR + len;
		if (type == SW_REC_END)
			good = off;
	}
	return good;
}

struct sw_rec_writer *sw_rec_writer_open(const char *path, char **cause)
{
	struct sw_rec_writer *w = calloc(1, sizeof(*w));
	uint8_t hdr[SW_REC_HDR_LEN];
	struct stat st;
	off_t keep;
	int fd;

	*cause = NULL;
	if (!w) {
		*cause = sw_cause_fmt("%s: out of memory", path);
		return NULL;
	}
	/* O_NONBLOCK: a FIFO must not hang the open (it is refused below) */
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK |
			O_NOCTTY, 0600);
	if (fd < 0 || fstat(fd, &st) < 0) {
		*cause = sw_cause_fmt("--record %s: cannot open for writing: %s",
				    path, strerror(errno));
		goto fail;
	}
	/* a FIFO would block the refresher once full, a device (/dev/full)
	 * cannot be cut back to the last whole refresh: files only */
	if (!S_ISREG(st.st_mode)) {
		*cause = sw_cause_fmt("--record %s: not a regular file (%s); record "
				    "to a file", path, S_ISFIFO(st.st_mode) ? "a FIFO"
				    : S_ISDIR(st.st_mode) ? "a directory"
				    : "a device or socket");
		goto fail;
	}
	if (fcntl(fd, F_SETFL, O_APPEND) < 0) {
		*cause = sw_cause_fmt("--record %s: %s", path, strerror(errno));
		goto fail;
	}
	if (st.st_size > 0) {
		keep = sw_rec_last_end(fd, path, st.st_size, cause);
		if (keep < 0)
			goto fail;
		if (keep < st.st_size && ftruncate(fd, keep) < 0) {
			*cause = sw_cause_fmt("%s: cannot drop the incomplete last "
					    "refresh: %s", path, strerror(errno));
			goto fail;
		}
	} else {
		memcpy(hdr, SW_REC_MAGIC, SW_REC_MAGIC_LEN);
		sw_rec_put32(hdr + SW_REC_MAGIC_LEN, SW_REC_VERSION);
		if (write(fd, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr)) {
			*cause = sw_cause_fmt("--record %s: cannot write: %s", path,
					    strerror(errno ? errno : EIO));
			goto fail;
		}
	}
	w->f = fdopen(fd, "a");
	if (!w->f) {
		*cause = sw_cause_fmt("--record %s: %s", path, strerror(errno));
		goto fail;
	}
	setvbuf(w->f, NULL, _IOFBF, 256 * 1024);
	w->committed = S_ISREG(st.st_mode) ? lseek(fd, 0, SEEK_END) : -1;
	w->path = strdup(path);
	if (!w->path) {
		*cause = sw_cause_fmt("--record %s: out of memory", path);
		fclose(w->f);
		free(w);
		return NULL;
	}
	return w;
fail:
	if (fd >= 0)
		close(fd);
	free(w);
	return NULL;
}

int sw_rec_write(struct sw_rec_writer *w, unsigned type, const void *hdr,
		 size_t hdrlen, const void *payload, size_t len)
{
	uint8_t ih[SW_REC_ITEM_HDR];

	if (w->err) {
		errno = w->err;
		return -1;
	}
	if (hdrlen > SW_REC_MAX_ITEM || len > SW_REC_MAX_ITEM - hdrlen ||
	    sw_rec_check(type, (uint32_t)(hdrlen + len))) {
		errno = EINVAL;
		return -1;
	}
	sw_rec_put32(ih, type);
	sw_rec_put32(ih + 4, (uint32_t)(hdrlen + len));
	if (fwrite(ih, sizeof(ih), 1, w->f) != 1 ||
	    (hdrlen && fwrite(hdr, hdrlen, 1, w->f) != 1) ||
	    (len && fwrite(payload, len, 1, w->f) != 1) ||
	    (type == SW_REC_END && fflush(w->f) != 0)) {
		w->err = errno ? errno : EIO;
		return -1;
	}
	if (type == SW_REC_END && w->committed >= 0)
		w->committed = lseek(fileno(w->f), 0, SEEK_END);
	return 0;
}

int sw_rec_writer_abort(struct sw_rec_writer *w)
{
	if (w->committed < 0) {
		errno = ESPIPE;
		return -1;
	}
	__fpurge(w->f); /* buffered items are dropped, written ones cut off */
	if (ftruncate(fileno(w->f), w->committed) < 0)
		return -1;
	w->err = 0;
	return 0;
}

int sw_rec_writer_close(struct sw_rec_writer *w)
{
	int err;

	if (!w)
		return 0;
	err = w->err;
	if (fclose(w->f) != 0 && !err)
		err = errno ? errno : EIO;
	free(w->path);
	free(w);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

/* A tap write failed: say so now (*cause) and for good (w->error). */
static int sw_rec_tap_fail(struct sw_rec_writer *w, char **cause)
{
	int err = errno;

	snprintf(w->error, sizeof(w->error),
		 "--record %s: writing failed: %s: the recording is cut short",
		 w->path, strerror(err));
	errno = err;
	return sw_cause_set(cause, "--record %s: writing failed: %s", w->path,
			    strerror(err));
}

const char *sw_rec_writer_error(const struct sw_rec_writer *w)
{
	return w && w->error[0] ? w->error : NULL;
}

/* BEGIN and END: two u64 each. */
static int sw_rec_tap_pair(struct sw_rec_writer *w, unsigned type, uint64_t a,
			   uint64_t b, char **cause)
{
	uint8_t d[16];

	sw_rec_put64(d, a);
	sw_rec_put64(d + 8, b);
	if (sw_rec_write(w, type, NULL, 0, d, sizeof(d)) < 0)
		return sw_rec_tap_fail(w, cause);
	return 0;
}

int sw_rec_tap_begin(struct sw_rec_writer *w, uint64_t time_ns,
		     uint64_t mono_ns, char **cause)
{
	return sw_rec_tap_pair(w, SW_REC_BEGIN, time_ns, mono_ns, cause);
}

int sw_rec_tap_nlbuf(void *arg, unsigned proto, unsigned family,
		     const void *buf, size_t len)
{
	uint8_t hdr[4] = { (uint8_t)proto, (uint8_t)family, 0, 0 };

	return sw_rec_write(arg, SW_REC_NLBUF, hdr, sizeof(hdr), buf, len);
}

int sw_rec_tap_socks(void *arg, const void *buf, size_t len)
{
	uint8_t hdr[4] = { 0 };

	return sw_rec_write(arg, SW_REC_SOCKS, hdr, sizeof(hdr), buf, len);
}

int sw_rec_item_socks(const struct sw_rec_item *it, const char *path,
		      const void **buf, size_t *len, char **cause)
{
	if ((it->len - 4) % 64)
		return sw_cause_set(cause, "%s: corrupt item at offset %llu: "
				    "BPF records of %u bytes, not a multiple of 64",
				    path, (unsigned long long)it->offset,
				    (unsigned)(it->len - 4));
	*buf = it->data + 4;
	*len = it->len - 4;
	return 0;
}

int sw_rec_tap_info(void *arg, unsigned proto, unsigned family,
		    const void *buf, size_t len)
{
	const struct sw_rec_info_tap *t = arg;
	uint8_t hdr[4] = { (uint8_t)proto, (uint8_t)family, t->first ? 1 : 0, 0 };

	return sw_rec_write(t->w, SW_REC_INFO, hdr, sizeof(hdr), buf, len);
}

bool sw_rec_item_info_first(const struct sw_rec_item *it)
{
	return it->type == SW_REC_INFO && (it->data[2] & 1);
}

int sw_rec_tap_text(struct sw_rec_writer *w, unsigned type, const char *text,
		    size_t len, char **cause)
{
	if (sw_rec_write(w, type, NULL, 0, text, len) < 0)
		return sw_rec_tap_fail(w, cause);
	return 0;
}

int sw_rec_tap_owners(struct sw_rec_writer *w, const struct sw_proc_owner *o,
		      size_t n, char **cause)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t d[24] = { 0 };

		sw_rec_put32(d, o[i].inode);
		sw_rec_put32(d + 4, (uint32_t)o[i].pid);
		memcpy(d + 8, o[i].name, sizeof(o[i].name));
		if (sw_rec_write(w, SW_REC_PROC, NULL, 0, d, sizeof(d)) < 0)
			return sw_rec_tap_fail(w, cause);
	}
	return 0;
}

int sw_rec_tap_end(struct sw_rec_writer *w, uint64_t refresh_ns,
		   uint64_t cpu_ns, char **cause)
{
	return sw_rec_tap_pair(w, SW_REC_END, refresh_ns, cpu_ns, cause);
}

void sw_rec_item_begin(const struct sw_rec_item *it, uint64_t *time_ns,
		       uint64_t *mono_ns)
{
	*time_ns = sw_rec_get64(it->data);
	*mono_ns = sw_rec_get64(it->data + 8);
}

int sw_rec_item_nlbuf(const struct sw_rec_item *it, const char *path,
		      unsigned *proto, unsigned *family, const void **buf,
		      size_t *len, char **cause)
{
	/* family SW_DIAG_BOTH (0): TCP of both families from one walk */
	if (it->data[0] >= SW_PROTO_MAX ||
	    (it->data[1] != SW_V4 && it->data[1] != SW_V6 &&
	     !(it->data[1] == SW_DIAG_BOTH && it->data[0] == SW_TCP)))
		return sw_cause_set(cause, "%s: corrupt item at offset %llu: "
				    "unknown protocol %u or family %u", path,
				    (unsigned long long)it->offset, it->data[0],
				    it->data[1]);
	*proto = it->data[0];
	*family = it->data[1];
	*buf = it->data + 4;
	*len = it->len - 4;
	return 0;
}

bool sw_rec_item_owner(const struct sw_rec_item *it, struct sw_proc_owner *o)
{
	uint32_t pid = sw_rec_get32(it->data + 4);

	if (pid == 0 || pid > INT32_MAX)
		return false;
	o->inode = sw_rec_get32(it->data);
	o->pid = (int)pid;
	memcpy(o->name, it->data + 8, sizeof(o->name));
	o->name[sizeof(o->name) - 1] = '\0';
	return true;
}

bool sw_rec_item_end(const struct sw_rec_item *it, uint64_t *refresh_ns,
		     uint64_t *cpu_ns)
{
	if (it->len != 16)
		return false;
	*refresh_ns = sw_rec_get64(it->data);
	*cpu_ns = sw_rec_get64(it->data + 8);
	return true;
}

struct sw_rec_reader {
	FILE *f;
	char *path;
	uint64_t off;
	uint8_t *buf;
	size_t cap;
};

const char *sw_rec_reader_path(const struct sw_rec_reader *r)
{
	return r->path;
}

bool sw_rec_reader_seekable(const struct sw_rec_reader *r)
{
	struct stat st;

	return fstat(fileno(r->f), &st) == 0 && S_ISREG(st.st_mode);
}

uint64_t sw_rec_item_data_offset(const struct sw_rec_item *it)
{
	return it->offset + SW_REC_ITEM_HDR;
}

int sw_rec_reader_pread(const struct sw_rec_reader *r, uint64_t off, void *buf,
			size_t len)
{
	uint8_t *b = buf;

	while (len) {
		ssize_t n = pread(fileno(r->f), b, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		b += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read exactly n bytes; returns how many were read before EOF, or -1 on
 * a read error (errno). */
static ssize_t sw_rec_read(struct sw_rec_reader *r, void *buf, size_t n)
{
	size_t got = fread(buf, 1, n, r->f);

	if (got < n && ferror(r->f)) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return (ssize_t)got;
}

struct sw_rec_reader *sw_rec_reader_open(const char *path, char **cause)
{
	struct sw_rec_reader *r = calloc(1, sizeof(*r));
	uint8_t h[SW_REC_HDR_LEN];
	uint32_t version;
	ssize_t n;

	*cause = NULL;
	if (!r || !(r->path = strdup(path))) {
		*cause = sw_cause_fmt("%s: out of memory", path);
		free(r);
		return NULL;
	}
	r->f = fopen(path, "re");
	if (!r->f) {
		*cause = sw_cause_fmt("%s: cannot open the recording: %s", path,
				    strerror(errno));
		goto fail;
	}
	n = sw_rec_read(r, h, sizeof(h));
	if (n < 0) {
		*cause = sw_cause_fmt("%s: cannot read the recording: %s", path,
				    strerror(errno));
		goto fail;
	}
	if (n == 0) {
		*cause = sw_cause_fmt("%s: empty file, not a sockwatch recording", path);
		goto fail;
	}
	if (memcmp(h, SW_REC_MAGIC,
		   (size_t)n < SW_REC_MAGIC_LEN ? (size_t)n : SW_REC_MAGIC_LEN)) {
		*cause = sw_cause_fmt("%s: not a sockwatch recording (bad header at "
				    "offset 0)", path);
		goto fail;
	}
	if ((size_t)n < sizeof(h)) {
		*cause = sw_cause_fmt("%s: truncated header at offset %zd", path, n);
		goto fail;
	}
	version = sw_rec_get32(h + SW_REC_MAGIC_LEN);
	if (version != SW_REC_VERSION) {
		*cause = sw_cause_fmt("%s: recording format version %u at offset %d is "
				    "not supported (this sockwatch reads version %d)",
				    path, version, SW_REC_MAGIC_LEN, SW_REC_VERSION);
		goto fail;
	}
	r->off = sizeof(h);
	return r;
fail:
	sw_rec_reader_close(r);
	return NULL;
}

int sw_rec_next(struct sw_rec_reader *r, struct sw_rec_item *it, char **cause)
{
	uint8_t ih[SW_REC_ITEM_HDR];
	uint32_t type, len;
	const char *why;
	ssize_t n;

	*cause = NULL;
	n = sw_rec_read(r, ih, sizeof(ih));
	if (n == 0)
		return 0;
	if (n < 0)
		goto ioerr;
	if ((size_t)n < sizeof(ih)) {
		*cause = sw_cause_fmt("%s: truncated item at offset %llu (%zd of %zu "
				    "header bytes)", r->path,
				    (unsigned long long)r->off, n, sizeof(ih));
		return -1;
	}
	type = sw_rec_get32(ih);
	len = sw_rec_get32(ih + 4);
	why = sw_rec_check(type, len);
	if (why) {
		*cause = sw_cause_fmt("%s: corrupt item at offset %llu: %s (type %u, "
				    "length %u)", r->path,
				    (unsigned long long)r->off, why, type, len);
		return -1;
	}
	if (len > r->cap) {
		uint8_t *b = realloc(r->buf, len);

		if (!b) {
			*cause = sw_cause_fmt("%s: out of memory reading the item at "
					    "offset %llu", r->path,
					    (unsigned long long)r->off);
			return -1;
		}
		r->buf = b;
		r->cap = len;
	}
	n = len ? sw_rec_read(r, r->buf, len) : 0;
	if (n < 0)
		goto ioerr;
	if ((size_t)n < len) {
		*cause = sw_cause_fmt("%s: truncated item at offset %llu (%s needs %u "
				    "bytes, the file has %zd)", r->path,
				    (unsigned long long)r->off,
				    sw_rec_type_name(type), len, n);
		return -1;
	}
	it->type = type;
	it->data = r->buf;
	it->len = len;
	it->offset = r->off;
	r->off += sizeof(ih) + len;
	return 1;
ioerr:
	*cause = sw_cause_fmt("%s: read error at offset %llu: %s", r->path,
			    (unsigned long long)r->off, strerror(errno));
	return -1;
}

void sw_rec_reader_close(struct sw_rec_reader *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	free(r->path);
	free(r->buf);
	free(r);
}
