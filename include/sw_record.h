/* sw_record.h - the --record / --replay file: each refresh's raw netlink
 * reply buffers, /proc counter texts and resolved listener processes, so a
 * replay runs the very same parsers as a live refresh.
 *
 * File layout (all integers little-endian):
 *   header  "SOCKWATCH-REC\n" (14 bytes), u32 version (1)
 *   items   u32 type, u32 length, then length bytes of payload
 * Item types (enum sw_rec_type) and payloads:
 *   BEGIN    u64 time_ns (CLOCK_REALTIME), u64 mono_ns (CLOCK_MONOTONIC)
 *   NLBUF    u8 proto, u8 family, u16 pad, then the raw recv() buffer
 *   SNMP     the text of /proc/net/snmp
 *   NETSTAT  the text of /proc/net/netstat
 *   PROC     u32 inode, i32 pid, char name[16] (one per resolved listener)
 *   END      the refresh is complete; optionally u64 refresh_ns, u64 cpu_ns
 *            (what the live refresh took, so a replay prints the same)
 * A refresh without its END (a truncated file) is an error on replay.
 * Edge header: file I/O, no netlink library. */
#ifndef SW_RECORD_H
#define SW_RECORD_H

#include <stddef.h>
#include <stdint.h>

enum sw_rec_type {
	SW_REC_BEGIN = 1,
	SW_REC_NLBUF = 2,
	SW_REC_SNMP = 3,
	SW_REC_NETSTAT = 4,
	SW_REC_PROC = 5,
	SW_REC_END = 6,
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

/* "BEGIN", "NLBUF", ...; "unknown" for other values. Static storage. */
const char *sw_rec_type_name(unsigned type);

/* Little-endian integers to and from bytes (item headers and payloads). */
void sw_rec_put32(uint8_t *p, uint32_t v);
uint32_t sw_rec_get32(const uint8_t *p);
void sw_rec_put64(uint8_t *p, uint64_t v);
uint64_t sw_rec_get64(const uint8_t *p);

#endif
