/* test_sockkill.c - what the operator reads when ending connections
 * cannot work, and the states a kill covers. */
#include <errno.h>

#include "sw_test.h"
#include "sw_sockkill.h"

static void test_messages(void **state)
{
	(void)state;
	/* a kernel without SOCK_DESTROY answers EOPNOTSUPP: say so, clearly */
	assert_non_null(strstr(sw_sockkill_strerror(EOPNOTSUPP),
			       "CONFIG_INET_DIAG_DESTROY"));
	assert_non_null(strstr(sw_sockkill_strerror(EOPNOTSUPP),
			       "existing connections stay open"));
	assert_non_null(strstr(sw_sockkill_strerror(EPERM), "CAP_NET_ADMIN"));
	assert_null(sw_sockkill_strerror(ENOMEM));
}

static void test_states(void **state)
{
	(void)state;
	assert_true(SW_SOCKKILL_TCP_STATES & SW_STATE_BIT(SW_ESTABLISHED));
	assert_true(SW_SOCKKILL_TCP_STATES & SW_STATE_BIT(SW_SYN_RECV));
	assert_true(SW_SOCKKILL_TCP_STATES & SW_STATE_BIT(SW_CLOSE_WAIT));
	assert_false(SW_SOCKKILL_TCP_STATES & SW_STATE_BIT(SW_LISTEN));
	assert_false(SW_SOCKKILL_TCP_STATES & SW_STATE_BIT(SW_TIME_WAIT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_states),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
