/* Unit tests: the --record / --replay file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sw_record.h"
#include "sw_test.h"

struct tmp {
	char path[64];
};

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));
	int fd;

	snprintf(t->path, sizeof(t->path), "/tmp/sw-test-rec-XXXXXX");
	fd = mkstemp(t->path);
	assert_true(fd >= 0);
	close(fd);
	unlink(t->path); /* the writer creates it */
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;

	unlink(t->path);
	free(t);
	return 0;
}

static off_t fsize(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* One refresh: BEGIN(t), NLBUF, SNMP, PROC, END. */
static void write_refresh(struct sw_rec_writer *w, uint64_t t)
{
	uint8_t begin[16], nlh[4] = { 0, 4, 0, 0 }, proc[24] = { 1, 2, 3, 4 };
	const char nl[] = "pretend netlink";

	sw_rec_put64(begin, t);
	sw_rec_put64(begin + 8, t + 1);
	memcpy(proc + 8, "nginx", 6);
	assert_int_equal(sw_rec_write(w, SW_REC_BEGIN, NULL, 0, begin, 16), 0);
	assert_int_equal(sw_rec_write(w, SW_REC_NLBUF, nlh, 4, nl, sizeof(nl)), 0);
	assert_int_equal(sw_rec_write(w, SW_REC_SNMP, NULL, 0, "Tcp: A\nTcp: 1\n", 14), 0);
	assert_int_equal(sw_rec_write(w, SW_REC_PROC, NULL, 0, proc, 24), 0);
	assert_int_equal(sw_rec_write(w, SW_REC_END, NULL, 0, NULL, 0), 0);
}

static struct sw_rec_writer *wopen(const char *path)
{
	char *cause = NULL;
	struct sw_rec_writer *w = sw_rec_writer_open(path, &cause);

	if (!w)
		fail_msg("writer: %s", cause);
	return w;
}

/* Read every item; returns the count, or -(count+1) on an error with the
 * message in *cause. */
static int read_all(const char *path, char **cause)
{
	struct sw_rec_reader *r = sw_rec_reader_open(path, cause);
	struct sw_rec_item it;
	int n = 0, rc;

	if (!r)
		return -1000;
	while ((rc = sw_rec_next(r, &it, cause)) == 1)
		n++;
	sw_rec_reader_close(r);
	return rc < 0 ? -(n + 1) : n;
}

static void test_round_trip(void **state)
{
	struct tmp *t = *state;
	struct sw_rec_writer *w = wopen(t->path);
	struct sw_rec_reader *r;
	struct sw_rec_item it;
	char *cause = NULL;

	write_refresh(w, 1000);
	assert_int_equal(sw_rec_writer_close(w), 0);
	r = sw_rec_reader_open(t->path, &cause);
	assert_non_null(r);
	assert_string_equal(sw_rec_reader_path(r), t->path);

	assert_int_equal(sw_rec_next(r, &it, &cause), 1);
	assert_int_equal(it.type, SW_REC_BEGIN);
	assert_int_equal(it.offset, 18);
	assert_int_equal(it.len, 16);
	assert_int_equal(sw_rec_get64(it.data), 1000);
	assert_int_equal(sw_rec_get64(it.data + 8), 1001);

	assert_int_equal(sw_rec_next(r, &it, &cause), 1);
	assert_int_equal(it.type, SW_REC_NLBUF);
	assert_int_equal(it.offset, 18 + 8 + 16);
	assert_int_equal(it.len, 4 + 16);
	assert_int_equal(it.data[1], 4);
	assert_string_equal((const char *)it.data + 4, "pretend netlink");

	assert_int_equal(sw_rec_next(r, &it, &cause), 1);
	assert_int_equal(it.type, SW_REC_SNMP);
	assert_memory_equal(it.data, "Tcp: A\nTcp: 1\n", 14);

	assert_int_equal(sw_rec_next(r, &it, &cause), 1);
	assert_int_equal(it.type, SW_REC_PROC);
	assert_string_equal((const char *)it.data + 8, "nginx");

	assert_int_equal(sw_rec_next(r, &it, &cause), 1);
	assert_int_equal(it.type, SW_REC_END);
	assert_int_equal(it.len, 0);

	assert_int_equal(sw_rec_next(r, &it, &cause), 0);
	assert_null(cause);
	sw_rec_reader_close(r);
}

/* INFO items: written by the info dump's tap, read back with their
 * protocol and family like NLBUF; an empty one is corrupt. */
static void test_info_item(void **state)
{
	struct tmp *t = *state;
	struct sw_rec_writer *w = wopen(t->path);
	struct sw_rec_reader *r;
	struct sw_rec_item it;
	char *cause = NULL;
	unsigned proto, family;
	const void *buf;
	size_t len;

	assert_string_equal(sw_rec_type_name(SW_REC_INFO), "INFO");
	struct sw_rec_info_tap first = { .w = w, .first = true }, later = { .w = w };

	assert_int_equal(sw_rec_tap_info(&first, SW_TCP, SW_V6, "tcp_info dump", 13), 0);
	assert_int_equal(sw_rec_tap_info(&later, SW_TCP, 0, "both", 4), 0);
	assert_int_equal(sw_rec_write(w, SW_REC_INFO, NULL, 0, "abc", 3), -1);
	assert_int_equal(sw_rec_write(w, SW_REC_END, NULL, 0, NULL, 0), 0);
	assert_int_equal(sw_rec_writer_close(w), 0);
	r = sw_rec_reader_open(t->path, &cause);
	assert_non_null(r);
	assert_int_equal(sw_rec_next(r, &it, &cause), 1);
	assert_int_equal(it.type, SW_REC_INFO);
	assert_int_equal(sw_rec_item_nlbuf(&it, t->path, &proto, &family, &buf, &len,
					   &cause), 0);
	assert_int_equal(proto, SW_TCP);
	assert_int_equal(family, SW_V6);
	assert_int_equal(len, 13);
	assert_memory_equal(buf, "tcp_info dump", 13);
	assert_true(sw_rec_item_info_first(&it));
	/* family 0: TCP of both families in one walk */
	assert_int_equal(sw_rec_next(r, &it, &cause), 1);
	assert_int_equal(sw_rec_item_nlbuf(&it, t->path, &proto, &family, &buf, &len,
					   &cause), 0);
	assert_int_equal(family, 0);
	assert_false(sw_rec_item_info_first(&it));
	{
		uint8_t udp[8] = { SW_UDP, 0 };
		struct sw_rec_item bad = { .type = SW_REC_INFO, .data = udp, .len = 8 };

		assert_int_equal(sw_rec_item_nlbuf(&bad, t->path, &proto, &family, &buf,
						   &len, &cause), -1);
		assert_non_null(strstr(cause, "unknown protocol 1 or family 0"));
		free(cause);
	}
	sw_rec_reader_close(r);
}

static void test_append_keeps_one_header(void **state)
{
	struct tmp *t = *state;
	struct sw_rec_writer *w = wopen(t->path);
	char *cause = NULL;
	off_t one;

	write_refresh(w, 1);
	assert_int_equal(sw_rec_writer_close(w), 0);
	one = fsize(t->path);
	w = wopen(t->path);
	write_refresh(w, 2);
	assert_int_equal(sw_rec_writer_close(w), 0);
	assert_int_equal(fsize(t->path), 2 * one - 18);
	assert_int_equal(read_all(t->path, &cause), 10);
}

/* A run killed mid-refresh leaves a tail without END: the next writer
 * cuts it off so appended refreshes stay readable. */
static void test_append_drops_incomplete_tail(void **state)
{
	struct tmp *t = *state;
	struct sw_rec_writer *w = wopen(t->path);
	uint8_t begin[16] = { 0 };
	char *cause = NULL;
	off_t good;
	int fd;

	write_refresh(w, 1);
	assert_int_equal(sw_rec_writer_close(w), 0);
	good = fsize(t->path);
	fd = open(t->path, O_WRONLY | O_APPEND);
	assert_true(write(fd, "\1\0\0\0\20\0\0\0", 8) == 8); /* BEGIN header */
	assert_true(write(fd, begin, 10) == 10);            /* cut short */
	close(fd);
	assert_int_equal(read_all(t->path, &cause), -6);
	assert_non_null(strstr(cause, "truncated item at offset"));
	free(cause);

	w = wopen(t->path);
	assert_int_equal(fsize(t->path), good);
	write_refresh(w, 2);
	assert_int_equal(sw_rec_writer_close(w), 0);
	assert_int_equal(read_all(t->path, &cause), 10);
}

static void test_abort_drops_the_refresh(void **state)
{
	struct tmp *t = *state;
	struct sw_rec_writer *w = wopen(t->path);
	uint8_t begin[16] = { 0 };
	char *cause = NULL;

	write_refresh(w, 1);
	assert_int_equal(sw_rec_write(w, SW_REC_BEGIN, NULL, 0, begin, 16), 0);
	assert_int_equal(sw_rec_write(w, SW_REC_SNMP, NULL, 0, "x", 1), 0);
	assert_int_equal(sw_rec_writer_abort(w), 0);
	write_refresh(w, 2);
	assert_int_equal(sw_rec_writer_close(w), 0);
	assert_int_equal(read_all(t->path, &cause), 10);
}

static void test_writer_refuses_bad_items(void **state)
{
	struct tmp *t = *state;
	struct sw_rec_writer *w = wopen(t->path);

	errno = 0;
	assert_int_equal(sw_rec_write(w, 0, NULL, 0, "x", 1), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(sw_rec_write(w, SW_REC_BEGIN, NULL, 0, "short", 5), -1);
	assert_int_equal(sw_rec_write(w, SW_REC_PROC, NULL, 0, "x", 1), -1);
	assert_int_equal(sw_rec_writer_close(w), 0);
}

static void test_writer_refuses_foreign_file(void **state)
{
	struct tmp *t = *state;
	char *cause = NULL;
	FILE *f = fopen(t->path, "w");

	fputs("precious data\n", f);
	fclose(f);
	assert_null(sw_rec_writer_open(t->path, &cause));
	assert_non_null(strstr(cause, "not a sockwatch recording"));
	assert_non_null(strstr(cause, t->path));
	assert_int_equal(fsize(t->path), 14); /* untouched */
	free(cause);
}

/* Every truncation gives a clean end at item boundaries and an error
 * naming the file and an offset elsewhere; never a crash. */
static void test_every_truncation(void **state)
{
	struct tmp *t = *state;
	struct sw_rec_writer *w = wopen(t->path);
	char cut_path[80], *cause;
	uint8_t *all;
	off_t size, cut;
	FILE *f;
	int bounds = 0;

	write_refresh(w, 1);
	assert_int_equal(sw_rec_writer_close(w), 0);
	size = fsize(t->path);
	all = malloc((size_t)size);
	f = fopen(t->path, "r");
	assert_int_equal(fread(all, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	snprintf(cut_path, sizeof(cut_path), "%s.cut", t->path);
	for (cut = 0; cut < size; cut++) {
		int n;

		f = fopen(cut_path, "w");
		assert_int_equal(fwrite(all, 1, (size_t)cut, f), (size_t)cut);
		fclose(f);
		cause = NULL;
		n = read_all(cut_path, &cause);
		if (n >= 0) {
			bounds++;
			assert_true(n < 5);
			assert_null(cause);
			continue;
		}
		assert_non_null(cause);
		assert_non_null(strstr(cause, cut_path));
		assert_null(strchr(cause, '\n'));
		if (cut >= 18)
			assert_non_null(strstr(cause, "offset"));
		free(cause);
	}
	assert_int_equal(bounds, 5); /* after the header and each of 4 items */
	unlink(cut_path);
	free(all);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void expect_error(const char *path, const char *what)
{
	char *cause = NULL;

	assert_true(read_all(path, &cause) < 0);
	assert_non_null(cause);
	if (!strstr(cause, what))
		fail_msg("'%s' does not say '%s'", cause, what);
	assert_non_null(strstr(cause, path));
	free(cause);
}

static void test_corrupt_files(void **state)
{
	struct tmp *t = *state;
	uint8_t b[64];

	write_file(t->path, "hello, world\nthis is text\n", 26);
	expect_error(t->path, "not a sockwatch recording");

	write_file(t->path, "", 0);
	expect_error(t->path, "empty file");

	memcpy(b, "SOCKWATCH-REC\n\2\0\0\0", 18);
	write_file(t->path, b, 18);
	expect_error(t->path, "version 2");

	memcpy(b, "SOCKWATCH-REC\n\1\0\0\0", 18);
	memcpy(b + 18, "\x4d\0\0\0\0\0\0\0", 8); /* type 77 */
	write_file(t->path, b, 26);
	expect_error(t->path, "corrupt item at offset 18");

	memcpy(b + 18, "\2\0\0\0\xff\xff\xff\x7f", 8); /* NLBUF of 2 GiB */
	write_file(t->path, b, 26);
	expect_error(t->path, "corrupt item at offset 18");

	memcpy(b + 18, "\1\0\0\0\x0f\0\0\0", 8); /* BEGIN of 15 bytes */
	write_file(t->path, b, 26 + 15);
	expect_error(t->path, "impossible item length");

	memcpy(b + 18, "\6\0\0\0\1\0\0\0", 8); /* END with a stray byte */
	write_file(t->path, b, 27);
	expect_error(t->path, "offset 18");
}

static void test_unreadable(void **state)
{
	char *cause = NULL;

	(void)state;
	assert_null(sw_rec_reader_open("/nonexistent/rec", &cause));
	assert_string_equal(cause, "/nonexistent/rec: cannot open the recording: "
				   "No such file or directory");
	free(cause);
	cause = NULL;
	assert_null(sw_rec_reader_open("/tmp", &cause));
	assert_non_null(strstr(cause, "/tmp: "));
	free(cause);
	cause = NULL;
	assert_null(sw_rec_writer_open("/nonexistent/rec", &cause));
	assert_non_null(strstr(cause, "/nonexistent/rec"));
	free(cause);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_round_trip),
		T(test_info_item),
		T(test_append_keeps_one_header),
		T(test_append_drops_incomplete_tail),
		T(test_abort_drops_the_refresh),
		T(test_writer_refuses_bad_items),
		T(test_writer_refuses_foreign_file),
		T(test_every_truncation),
		T(test_corrupt_files),
		T(test_unreadable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
