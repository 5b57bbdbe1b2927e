/* test_statefile.c - the daemon's state file: atomic replace, whole
 * reads, refusals of what is not a state file, and setting one aside. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sw_test.h"
#include "sw_statefile.h"

struct fx {
	char dir[64];
	char path[128];
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/sw-statefile.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/sub/state", f->dir);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Entries of dir other than . and .. */
static int fx_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_absent_then_round_trip(void **state)
{
	struct fx *f = *state;
	char *data = (char *)1, *cause = NULL, sub[160];
	size_t len = 7;
	struct stat st;

	assert_int_equal(sw_statefile_read(f->path, &data, &len, &cause), 0);
	assert_null(data);
	assert_int_equal(len, 0);
	/* the missing directory is made */
	assert_int_equal(sw_statefile_write(f->path, "a 1\n", 4, &cause), 0);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(sw_statefile_read(f->path, &data, &len, &cause), 1);
	assert_string_equal(data, "a 1\n");
	assert_int_equal(len, 4);
	free(data);
	/* replaced whole, no temporary file left beside it */
	assert_int_equal(sw_statefile_write(f->path, "b\n", 2, &cause), 0);
	assert_int_equal(sw_statefile_read(f->path, &data, &len, &cause), 1);
	assert_string_equal(data, "b\n");
	free(data);
	snprintf(sub, sizeof(sub), "%s/sub", f->dir);
	assert_int_equal(fx_entries(sub), 1);
	/* an empty state is a state */
	assert_int_equal(sw_statefile_write(f->path, "", 0, &cause), 0);
	assert_int_equal(sw_statefile_read(f->path, &data, &len, &cause), 1);
	assert_int_equal(len, 0);
	free(data);
}

static void test_write_failure_keeps_old(void **state)
{
	struct fx *f = *state;
	char *data, *cause = NULL, bad[200];
	size_t len;

	assert_int_equal(sw_statefile_write(f->path, "old\n", 4, &cause), 0);
	/* a directory where the file should go: the rename fails */
	snprintf(bad, sizeof(bad), "%s/sub/dir", f->dir);
	assert_int_equal(mkdir(bad, 0700), 0);
	assert_int_equal(sw_statefile_write(bad, "new\n", 4, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "renaming"));
	free(cause);
	cause = NULL;
	/* the parent of the directory must exist */
	snprintf(bad, sizeof(bad), "%s/no/such/state", f->dir);
	assert_int_equal(sw_statefile_write(bad, "x", 1, &cause), -1);
	assert_non_null(strstr(cause, "cannot make"));
	free(cause);
	cause = NULL;
	assert_int_equal(sw_statefile_read(f->path, &data, &len, &cause), 1);
	assert_string_equal(data, "old\n");
	free(data);
}

static void test_refusals(void **state)
{
	struct fx *f = *state;
	char *data, *cause = NULL, sub[160];
	size_t len;

	/* a NUL byte: not text */
	assert_int_equal(sw_statefile_write(f->path, "a\0b", 3, &cause), 0);
	assert_int_equal(sw_statefile_read(f->path, &data, &len, &cause), -1);
	assert_null(data);
	assert_non_null(strstr(cause, "NUL"));
	free(cause);
	cause = NULL;
	/* a directory */
	snprintf(sub, sizeof(sub), "%s/sub", f->dir);
	assert_int_equal(sw_statefile_read(sub, &data, &len, &cause), -1);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
}

static void test_set_aside(void **state)
{
	struct fx *f = *state;
	char *data, *cause = NULL, aside[256], aside2[256];
	size_t len;

	assert_int_equal(sw_statefile_write(f->path, "junk", 4, &cause), 0);
	assert_int_equal(sw_statefile_set_aside(f->path, aside, sizeof(aside),
						&cause), 0);
	assert_non_null(strstr(aside, "/sub/state.bad-"));
	/* gone from its place, kept under the new name */
	assert_int_equal(sw_statefile_read(f->path, &data, &len, &cause), 0);
	assert_int_equal(sw_statefile_read(aside, &data, &len, &cause), 1);
	assert_string_equal(data, "junk");
	free(data);
	/* a second one in the same second gets another name */
	assert_int_equal(sw_statefile_write(f->path, "junk2", 5, &cause), 0);
	assert_int_equal(sw_statefile_set_aside(f->path, aside2, sizeof(aside2),
						&cause), 0);
	assert_string_not_equal(aside, aside2);
	assert_int_equal(sw_statefile_read(aside2, &data, &len, &cause), 1);
	assert_string_equal(data, "junk2");
	free(data);
	/* nothing to set aside */
	assert_int_equal(sw_statefile_set_aside(f->path, NULL, 0, &cause), -1);
	assert_non_null(cause);
	free(cause);
}

static void test_clean(void **state)
{
	struct fx *f = *state;
	char *cause = NULL, p[200], sub[160];
	FILE *fp;

	assert_int_equal(sw_statefile_write(f->path, "a\n", 2, &cause), 0);
	/* a crashed writer's (no such pid), a live one's (ours: pid 1 is
	 * always there), and a file that only looks alike */
	snprintf(p, sizeof(p), "%s.tmp.999999999", f->path);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fclose(fp);
	snprintf(p, sizeof(p), "%s.tmp.1", f->path);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fclose(fp);
	snprintf(p, sizeof(p), "%s.tmp.x", f->path);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(sw_statefile_clean(f->path), 1);
	snprintf(sub, sizeof(sub), "%s/sub", f->dir);
	assert_int_equal(fx_entries(sub), 3);
	assert_int_equal(sw_statefile_clean(f->path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_absent_then_round_trip,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_write_failure_keeps_old,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_refusals, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_set_aside, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_clean, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
