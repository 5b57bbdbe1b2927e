/* sw_record.h - the --record / --replay file: each refresh's raw netlink
 * reply buffers, /proc counter texts and resolved listener processes, so a
 * replay runs the very same parsers as a live refresh.
 *
 * File layout (all integers little-endian):
 *   header  "SOCKWATCH-REC\n" (14 bytes), u32 version (1)
 *   items   u32 type, u32 length, then length bytes of payload
 * Item types (enum sw_rec_type) and payloads:
 *   BEGIN    u64 time_ns (CLOCK_REALTIME), u64 mono_ns (CLOCK_MONOTONIC)
 *   NLBUF    u8 proto, u8 family (4, 6; 0: TCP of both families from one
 *            walk, the compat request), u16 pad, then the raw recv() buffer
 *   SNMP     the text of /proc/net/snmp
 *   NETSTAT  the text of /proc/net/netstat
 *   PROC     u32 inode, i32 pid, char name[16] (one per resolved listener)
 *   INFO     u8 proto, u8 family, u8 flags, u8 pad, then the raw recv() buffer of
 *            the info dump (per-connection tcp_info, sw_conninfo.h): a
 *            dump of the TCP listeners, then one of the ESTABLISHED
 *            sockets with INET_DIAG_INFO; family 0: both in one walk;
 *            flags bit 0: the first info dump of its run (a replay of
 *            appended runs carries nothing across; older files: 0)
 *   HOST     the host settings text (sw_hostcfg.h), when read this refresh
 *   END      the refresh is complete; optionally u64 refresh_ns, u64 cpu_ns
 *            (what the live refresh took, so a replay prints the same)
 * A refresh without its END (a truncated file) is an error on replay.
 * Edge header: file I/O, no netlink library. */
#ifndef SW_RECORD_H
#define SW_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sw_proc.h"

enum sw_rec_type {
	SW_REC_BEGIN = 1,
	SW_REC_NLBUF = 2,
	SW_REC_SNMP = 3,
	SW_REC_NETSTAT = 4,
	SW_REC_PROC = 5,
	SW_REC_END = 6,
	SW_REC_INFO = 7,
	SW_REC_HOST = 8,
	/* The BPF backend's sockets: 4 bytes (0), then the iterator's
	 * 64-byte records as read (src/source/bpf/sockiter.h), replayed
	 * through sw_bpf_decode into the same snapshot. */
	SW_REC_SOCKS = 9,
};

/* Largest payload accepted on replay (a corrupt length is refused). */
#define SW_REC_MAX_ITEM (16u << 20)

struct sw_rec_writer;

/* Open path for appending (created 0600 if missing; a header is written
 * when the file is empty). NULL with *cause (malloc'ed) on failure. */
struct sw_rec_writer *sw_rec_writer_open(const char *path, char **cause);

/* Append one item. Returns 0, or -1 with errno set. */
int sw_rec_write(struct sw_rec_writer *w, unsigned type, const void *hdr,
		 size_t hdrlen, const void *payload, size_t len);

/* Drop every item written since the last END (or the header): the
 * refresh being recorded failed. Clears a pending write error. Returns 0,
 * or -1 with errno (ESPIPE when the output is not a regular file). */
int sw_rec_writer_abort(struct sw_rec_writer *w);

/* Flush and close; returns 0 or -1 with errno (a write error seen late). */
int sw_rec_writer_close(struct sw_rec_writer *w);

struct sw_rec_reader;

/* Open path for replay and check its header. NULL with *cause. */
struct sw_rec_reader *sw_rec_reader_open(const char *path, char **cause);

/* One item read by sw_rec_next; data points into the reader's buffer,
 * valid until the next call. */
struct sw_rec_item {
	unsigned type;
	const uint8_t *data;
	size_t len;
	uint64_t offset; /* file offset of the item, for error messages */
};

/* Read the next item. Returns 1 with *it filled, 0 at a clean end of file
 * (between items), -1 with *cause (malloc'ed) for a truncated or corrupt
 * file ("FILE: truncated item at offset N"). */
int sw_rec_next(struct sw_rec_reader *r, struct sw_rec_item *it, char **cause);

void sw_rec_reader_close(struct sw_rec_reader *r);

/* The path the reader was opened with (for messages). */
const char *sw_rec_reader_path(const struct sw_rec_reader *r);

/* Whether the recording is a regular file, so that an item's bytes can
 * be read again later (sw_rec_reader_pread) instead of kept. */
bool sw_rec_reader_seekable(const struct sw_rec_reader *r);

/* The file offset of it->data (an item just read by sw_rec_next). */
uint64_t sw_rec_item_data_offset(const struct sw_rec_item *it);

/* Read len bytes at file offset off again (the position of sw_rec_next
 * is not moved). Returns 0, or -1 with errno (EIO: the file is shorter
 * now; ESPIPE: not seekable). */
int sw_rec_reader_pread(const struct sw_rec_reader *r, uint64_t off, void *buf,
			size_t len);

/* "BEGIN", "NLBUF", ...; "unknown" for other values. Static storage. */
const char *sw_rec_type_name(unsigned type);

/* ---- one refresh in items: the tap and the replay side ------------- */

/* The tap: the items of one refresh, written as a live source reads them
 * (BEGIN, NLBUF..., SNMP, NETSTAT, HOST when read, PROC..., END). Each
 * returns 0, or -1 with *cause (malloc'ed) "--record F: writing failed:
 * ...", the failure kept for sw_rec_writer_error. */
int sw_rec_tap_begin(struct sw_rec_writer *w, uint64_t time_ns,
		     uint64_t mono_ns, char **cause);
int sw_rec_tap_text(struct sw_rec_writer *w, unsigned type, const char *text,
		    size_t len, char **cause);
int sw_rec_tap_owners(struct sw_rec_writer *w, const struct sw_proc_owner *o,
		      size_t n, char **cause);
int sw_rec_tap_end(struct sw_rec_writer *w, uint64_t refresh_ns,
		   uint64_t cpu_ns, char **cause);
/* One raw reply buffer of a proto/family dump; arg is the writer. The
 * sw_diag_tap_fn of sw_diag_dump: 0, or -1 with errno (the dump says). */
int sw_rec_tap_nlbuf(void *arg, unsigned proto, unsigned family,
		     const void *buf, size_t len);
/* A chunk of BPF iterator records (a SOCKS item); arg is the writer.
 * 0, or -1 with errno. */
int sw_rec_tap_socks(void *arg, const void *buf, size_t len);
/* The records of a SOCKS item. Returns 0, or -1 with *cause (a length
 * not a multiple of 64: corrupt). */
int sw_rec_item_socks(const struct sw_rec_item *it, const char *path,
		      const void **buf, size_t *len, char **cause);
/* The same for a buffer of the info dump (an INFO item); arg is a
 * struct sw_rec_info_tap. */
struct sw_rec_info_tap {
	struct sw_rec_writer *w;
	bool first;             /* the run's first info dump */
};
int sw_rec_tap_info(void *arg, unsigned proto, unsigned family,
		    const void *buf, size_t len);
/* Whether an INFO item is of its run's first info dump. */
bool sw_rec_item_info_first(const struct sw_rec_item *it);

/* NULL, or why the recording missed refreshes ("--record F: writing
 * failed: No space left on device: the recording is cut short"): once a
 * tap write failed, it stays said. Owned by the writer. */
const char *sw_rec_writer_error(const struct sw_rec_writer *w);

/* Payloads of items read by sw_rec_next (their lengths are checked
 * there). */
void sw_rec_item_begin(const struct sw_rec_item *it, uint64_t *time_ns,
		       uint64_t *mono_ns);
/* 0, or -1 with *cause for an unknown protocol or family. NLBUF and INFO
 * items alike. */
int sw_rec_item_nlbuf(const struct sw_rec_item *it, const char *path,
		      unsigned *proto, unsigned *family, const void **buf,
		      size_t *len, char **cause);
/* false when the item names no owner (pid 0). */
bool sw_rec_item_owner(const struct sw_rec_item *it, struct sw_proc_owner *o);
/* false when the END holds no times (older recordings). */
bool sw_rec_item_end(const struct sw_rec_item *it, uint64_t *refresh_ns,
		     uint64_t *cpu_ns);

/* Little-endian integers to and from bytes (item headers and payloads). */
void sw_rec_put32(uint8_t *p, uint32_t v);
uint32_t sw_rec_get32(const uint8_t *p);
void sw_rec_put64(uint8_t *p, uint64_t v);
uint64_t sw_rec_get64(const uint8_t *p);

#endif
