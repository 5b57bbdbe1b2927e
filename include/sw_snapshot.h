/* sw_snapshot.h - one refresh's sockets: a flat array plus an
 * open-addressing hash on (proto, cookie).
 *
 * Core header. Storage grows by doubling and is reused across refreshes:
 * after warm-up a refresh allocates nothing. */
#ifndef SW_SNAPSHOT_H
#define SW_SNAPSHOT_H

#include <stdint.h>

#include "sw_sock.h"

struct sw_snapshot {
	struct sw_sock *socks; /* socks[0..count) */
	uint32_t count;
	uint32_t cap;      /* allocated records */
	uint32_t *slots;   /* hash: 0 = empty, else index+1 in the bits under
			      nslots-1 and spare hash bits above as a tag */
	uint32_t nslots;   /* power of two, >= 2*cap */
	uint32_t dups;     /* duplicates dropped since the last reset */
	uint32_t dumped;   /* sockets the kernel returned since the last reset,
			      before the user-space filter (the parser counts) */
	/* Histogram kept by sw_snapshot_add: sockets per protocol and state
	 * (states >= SW_ST_MAX are counted in SW_ST_UNKNOWN). */
	uint32_t nstate[SW_PROTO_MAX][SW_ST_MAX];
	/* Indexes into socks of the listeners (sw_sock_is_listener), in the
	 * order they were added, kept by sw_snapshot_add and _commit: the
	 * aggregation finds the listening ports without a pass over every
	 * socket. */
	uint32_t *listen;
	uint32_t nlisten, listen_cap;
	uint64_t time_ns;  /* CLOCK_REALTIME of the refresh, set by the caller */
	uint64_t mono_ns;  /* CLOCK_MONOTONIC of the refresh, set by the caller */
};

/* Zero-initialise; no allocation until the first add. */
void sw_snapshot_init(struct sw_snapshot *s);

/* Free everything; the snapshot may be init'ed again. */
void sw_snapshot_free(struct sw_snapshot *s);

/* Empty the snapshot, keeping its storage. */
void sw_snapshot_reset(struct sw_snapshot *s);

/* Make room for at least n records without further allocation.
 * Returns 0, or -1 (ENOMEM) leaving the snapshot unchanged. */
int sw_snapshot_reserve(struct sw_snapshot *s, uint32_t n);

/* Add a copy of rec. A record whose (proto, cookie) is already present is
 * a duplicate from a dump under churn: it is dropped and counted in dups.
 * Returns 1 added, 0 duplicate dropped, -1 out of memory (errno ENOMEM). */
int sw_snapshot_add(struct sw_snapshot *s, const struct sw_sock *rec);

/* The storage of the next record (socks[count]), for a source that
 * writes its record in place instead of copying one in; then
 * sw_snapshot_commit adds it, or nothing does and the next room is the
 * same. Returns NULL (errno ENOMEM) when the snapshot cannot grow; the
 * snapshot is unchanged. The pointer is valid until the next add, commit,
 * reserve or reset. (The check is inline; sw_snapshot_room_grow is its
 * slow path, which grows the storage.) */
struct sw_sock *sw_snapshot_room_grow(struct sw_snapshot *s);

static inline struct sw_sock *sw_snapshot_room(struct sw_snapshot *s)
{
	return s->count < s->cap ? &s->socks[s->count] : sw_snapshot_room_grow(s);
}

/* Add the record written at sw_snapshot_room(s), as sw_snapshot_add adds
 * a copy. Call only after a successful sw_snapshot_room. Returns 1 added,
 * 0 duplicate dropped, -1 out of memory (errno ENOMEM; the record is not
 * added). */
int sw_snapshot_commit(struct sw_snapshot *s);

/* The record with that identity, or NULL. Pointer valid until the next add
 * or reset. */
const struct sw_sock *sw_snapshot_find(const struct sw_snapshot *s,
				       unsigned proto, uint64_t cookie);

/* Bytes of heap the snapshot holds (for memory accounting). */
size_t sw_snapshot_bytes(const struct sw_snapshot *s);

#endif
