/* Unit tests: /proc file reading and the listener owner map. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sw_proc.h"
#include "sw_test.h"

static void test_read_file_grows(void **state)
{
	char path[] = "/tmp/sw-test-proc-XXXXXX", *buf = NULL;
	size_t cap = 0, i;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	for (i = 0; i < 5000; i++)
		fprintf(f, "line %05zu\n", i); /* 55,000 bytes: several growths */
	fclose(f);
	assert_int_equal(sw_proc_read_file(path, &buf, &cap), 55000);
	assert_true(cap > 55000);
	assert_int_equal(buf[55000], '\0');
	assert_memory_equal(buf + 54989, "line 04999\n", 11);
	/* the buffer is reused */
	assert_int_equal(sw_proc_read_file(path, &buf, &cap), 55000);
	unlink(path);
	errno = 0;
	assert_int_equal(sw_proc_read_file(path, &buf, &cap), -1);
	assert_int_equal(errno, ENOENT);
	free(buf);

	buf = NULL;
	cap = 0;
	assert_true(sw_proc_read_file("/proc/thread-self/net/snmp", &buf, &cap) > 100);
	assert_non_null(strstr(buf, "Tcp:"));
	free(buf);
}

static void test_comm_and_sock_inode(void **state)
{
	char name[SW_PROC_NAME_LEN] = "x", path[64], link[64];
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct stat st;
	ssize_t n;

	(void)state;
	sw_proc_comm("self", name);
	assert_string_equal(name, "test_proc"); /* no newline */
	sw_proc_comm("999999999", name);
	assert_string_equal(name, "");
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link));
	assert_true(n > 0);
	assert_int_equal(sw_proc_sock_inode(link, (size_t)n), (uint32_t)st.st_ino);
	close(fd);
	assert_int_equal(sw_proc_sock_inode("socket:[12]", 11), 12);
	assert_int_equal(sw_proc_sock_inode("socket:[12", 10), 0);
	assert_int_equal(sw_proc_sock_inode("pipe:[12345]", 12), 0);
	assert_int_equal(sw_proc_sock_inode("socket:[4294967296]", 19), 0);
	assert_int_equal(sw_proc_sock_inode("socket:[1x]", 11), 0);
}

static uint32_t sock_inode(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return (uint32_t)st.st_ino;
}

static void test_owners_by_inode(void **state)
{
	struct sw_procmap *m = sw_procmap_new();
	struct sw_listener ls[3];
	struct sw_agg a;
	struct sw_proc_owner *own = NULL;
	size_t n = 0;
	char comm[32] = "";
	FILE *f;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	(void)state;
	f = fopen("/proc/self/comm", "r");
	assert_non_null(fgets(comm, sizeof(comm), f));
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';

	memset(&a, 0, sizeof(a));
	memset(ls, 0, sizeof(ls));
	ls[0].inode = sock_inode(fd);
	ls[1].inode = 0xfffffff0u; /* nobody's */
	ls[2].inode = 0;
	strcpy(ls[1].process, "stale");
	a.listeners = ls;
	a.nlisteners = 3;
	assert_int_equal(sw_procmap_fill(m, &a, &own, &n), 0);
	assert_int_equal(ls[0].pid, getpid());
	assert_string_equal(ls[0].process, comm);
	assert_int_equal(ls[1].pid, 0);
	assert_string_equal(ls[1].process, "");
	assert_int_equal(ls[2].pid, 0);
	assert_int_equal(n, 1);
	assert_int_equal(own[0].inode, ls[0].inode);
	assert_int_equal(own[0].pid, getpid());

	/* apply() gives the same from the recorded owners (replay) */
	memset(ls, 0, sizeof(ls));
	ls[0].inode = own[0].inode;
	ls[1].inode = 12345;
	sw_procmap_apply(&a, own, n);
	assert_int_equal(ls[0].pid, getpid());
	assert_string_equal(ls[0].process, comm);
	assert_int_equal(ls[1].pid, 0);
	free(own);

	/* known and not-found inodes come from the cache: no rescan, so a
	 * second fill without recording is the same */
	memset(ls, 0, sizeof(ls));
	ls[0].inode = sock_inode(fd);
	ls[1].inode = 0xfffffff0u;
	assert_int_equal(sw_procmap_fill(m, &a, NULL, NULL), 0);
	assert_int_equal(ls[0].pid, getpid());
	assert_int_equal(ls[1].pid, 0);
	sw_procmap_free(m);
	close(fd);
}

/* The detail view's lookup: the owners of just the inodes asked for,
 * in their order; 0 and unknown inodes give pid 0. */
static void test_lookup_rows(void **state)
{
	struct sw_procmap *m = sw_procmap_new();
	int a = socket(AF_INET, SOCK_STREAM, 0), b = socket(AF_INET6, SOCK_DGRAM, 0);
	uint32_t ino[4];
	struct sw_proc_owner out[4];
	char comm[SW_PROC_NAME_LEN], pid[16];

	(void)state;
	snprintf(pid, sizeof(pid), "%d", getpid());
	sw_proc_comm(pid, comm);
	ino[0] = sock_inode(b);
	ino[1] = 0;
	ino[2] = 0xfffffff1u;
	ino[3] = sock_inode(a);
	assert_int_equal(sw_procmap_lookup(m, ino, 4, out), 0);
	assert_int_equal(out[0].inode, ino[0]);
	assert_int_equal(out[0].pid, getpid());
	assert_string_equal(out[0].name, comm);
	assert_int_equal(out[1].pid, 0);
	assert_int_equal(out[2].inode, 0xfffffff1u);
	assert_int_equal(out[2].pid, 0);
	assert_string_equal(out[2].name, "");
	assert_int_equal(out[3].pid, getpid());
	/* again from the cache */
	memset(out, 0x55, sizeof(out));
	assert_int_equal(sw_procmap_lookup(m, ino + 3, 1, out), 0);
	assert_int_equal(out[0].pid, getpid());
	assert_int_equal(sw_procmap_lookup(m, ino, 0, out), 0);
	sw_procmap_free(m);
	close(a);
	close(b);
}

static void test_apply_many(void **state)
{
	struct sw_proc_owner own[40];
	struct sw_listener ls[50];
	struct sw_agg a;
	unsigned i;

	(void)state;
	memset(own, 0, sizeof(own));
	memset(ls, 0, sizeof(ls));
	for (i = 0; i < 40; i++) {
		own[i].inode = 1000 + 7 * (39 - i); /* unsorted */
		own[i].pid = (int)(100 + i);
		snprintf(own[i].name, sizeof(own[i].name), "p%u", i);
	}
	for (i = 0; i < 50; i++)
		ls[i].inode = 1000 + 7 * i;
	memset(&a, 0, sizeof(a));
	a.listeners = ls;
	a.nlisteners = 50;
	sw_procmap_apply(&a, own, 40);
	for (i = 0; i < 40; i++) {
		char want[16];

		snprintf(want, sizeof(want), "p%u", 39 - i);
		assert_int_equal(ls[i].pid, 100 + 39 - (int)i);
		assert_string_equal(ls[i].process, want);
	}
	for (; i < 50; i++)
		assert_int_equal(ls[i].pid, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_file_grows),
		cmocka_unit_test(test_comm_and_sock_inode),
		cmocka_unit_test(test_owners_by_inode),
		cmocka_unit_test(test_lookup_rows),
		cmocka_unit_test(test_apply_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
