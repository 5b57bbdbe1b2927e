/* Unit tests: the one array-grow helper (sw_grow.h): first size, doubling,
 * a need past the double, and a failure that leaves the array alone. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "sw_grow.h"
#include "sw_test.h"

static void test_grow_doubles(void **state)
{
	uint32_t *v = NULL, cap32 = 0;
	size_t cap = 0;
	char *c = NULL;

	(void)state;
	/* nothing needed: nothing allocated */
	assert_int_equal(sw_grow((void **)&c, &cap, 0, 1, 16), 0);
	assert_null(c);
	/* the first size, then doubling until the need fits */
	assert_int_equal(sw_grow((void **)&c, &cap, 1, 1, 16), 0);
	assert_non_null(c);
	assert_int_equal(cap, 16);
	assert_int_equal(sw_grow((void **)&c, &cap, 16, 1, 16), 0);
	assert_int_equal(cap, 16);
	assert_int_equal(sw_grow((void **)&c, &cap, 17, 1, 16), 0);
	assert_int_equal(cap, 32);
	assert_int_equal(sw_grow((void **)&c, &cap, 100, 1, 16), 0);
	assert_int_equal(cap, 128);
	c[127] = 'x';
	free(c);

	assert_int_equal(sw_grow32((void **)&v, &cap32, 1000, sizeof(*v), 256), 0);
	assert_int_equal(cap32, 1024);
	v[1023] = 7;
	assert_int_equal(sw_grow32((void **)&v, &cap32, 1024, sizeof(*v), 256), 0);
	assert_int_equal(cap32, 1024);
	free(v);
}

static void test_grow_fails_cleanly(void **state)
{
	char *c = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(sw_grow((void **)&c, &cap, 4, 1, 4), 0);
	c[0] = 'k';
	errno = 0;
	/* more than memory can hold: -1, ENOMEM, the array as it was */
	assert_int_equal(sw_grow((void **)&c, &cap, SIZE_MAX / 2, 64, 4), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(cap, 4);
	assert_int_equal(c[0], 'k');
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grow_doubles),
		cmocka_unit_test(test_grow_fails_cleanly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
