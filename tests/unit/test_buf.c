/* test_buf.c - text made safe for a terminal (sw_buf_puts_safe,
 * sw_text_safe). */
#include "sw_test.h"

#include "sw_buf.h"

static void test_safe(void **state)
{
	struct sw_buf b;
	char out[32];

	(void)state;
	sw_buf_init(&b);
	sw_buf_puts_safe(&b, "\x1b[31mevil\x7f\tok ünï");
	assert_string_equal(b.data, "\\x1b[31mevil\\x7f\\x09ok ünï");
	sw_buf_free(&b);
	assert_string_equal(sw_text_safe("a\nb", out, sizeof(out)), "a\\x0ab");
	/* cut to fit, never inside an escape */
	assert_string_equal(sw_text_safe("abc\x1b", out, 6), "abc");
	assert_string_equal(sw_text_safe("abcd\x1b", out, 9), "abcd\\x1b");
	assert_string_equal(sw_text_safe("plain", out, 3), "pl");
	assert_string_equal(sw_text_safe("", out, sizeof(out)), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
