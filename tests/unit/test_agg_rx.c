/* Unit tests: received bytes per second per remote (agg_rx.c) from an
 * info set: the sum of its sockets' known rates, by the grouping in
 * force; unknown (< 0, JSON null) where nothing was measured; the sums
 * made once per info set and laid on later refreshes' remotes. */
#include <stdlib.h>

#include "sw_agg.h"
#include "sw_buf.h"
#include "sw_conninfo.h"
#include "sw_frame.h"
#include "sw_report.h"
#include "sw_test.h"

/* the local address of the peer's family */
#define LOCAL(dst) (strchr(dst, ':') ? "2001:db8::1" : "192.0.2.1")

struct fx {
	struct sw_snapshot s;
	struct sw_agg a;
	struct sw_agg_rx x;
	struct sw_conn_info v[8];
	struct sw_conninfo ci;
};

static void fx_add(struct fx *f, const char *dst, unsigned dport, uint64_t cookie)
{
	struct sw_sock r = sw_test_sock(SW_TCP, SW_ESTABLISHED, LOCAL(dst), 80,
					dst, dport, cookie);

	assert_int_equal(sw_snapshot_add(&f->s, &r), 1);
}

/* An info entry for socket cookie (its peer is the snapshot's) with rate
 * rx (< 0: unknown). */
static void fx_ci(struct fx *f, uint64_t cookie, double rx)
{
	struct sw_conn_info *c = &f->v[f->ci.n++];

	memset(c, 0, sizeof(*c));
	c->cookie = cookie;
	c->rx_per_s = rx;
}

static void fx_init(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	sw_snapshot_init(&f->s);
	sw_agg_init(&f->a);
	sw_agg_rx_init(&f->x);
	f->ci.v = f->v;
	f->ci.time_ns = 77;
	{
		struct sw_sock l = sw_test_sock(SW_TCP, SW_LISTEN, "0.0.0.0", 80,
						"0.0.0.0", 0, 1);

		assert_int_equal(sw_snapshot_add(&f->s, &l), 1);
	}
	fx_add(f, "198.51.100.7", 1, 10);
	fx_add(f, "198.51.100.7", 2, 11);
	fx_add(f, "198.51.100.8", 1, 12);
	fx_add(f, "203.0.113.9", 1, 13);
	fx_add(f, "2001:db8::5", 1, 14);
	fx_ci(f, 10, 1000);   /* 198.51.100.7 */
	fx_ci(f, 11, 250.5);  /* 198.51.100.7 */
	fx_ci(f, 12, -1);     /* 198.51.100.8, measured once: unknown */
	fx_ci(f, 14, 0);      /* 2001:db8::5, idle: known, 0 */
	fx_ci(f, 99, 5000);   /* closed since: not in the snapshot */
}

static void fx_free(struct fx *f)
{
	sw_agg_rx_free(&f->x);
	sw_agg_free(&f->a);
	sw_snapshot_free(&f->s);
}

static double rx_of(const struct sw_agg *a, const char *text)
{
	struct sw_prefix p;
	const char *err;
	int i;

	assert_int_equal(sw_prefix_parse(text, &p, &err), 0);
	i = sw_agg_find_remote(a, &p);
	assert_true(i >= 0);
	return a->remotes[i].rx_per_s;
}

static void test_sums_per_remote(void **state)
{
	struct fx f;
	struct sw_agg_opts o = { .group_v4 = 32, .group_v6 = 128 };

	(void)state;
	fx_init(&f);
	assert_int_equal(sw_agg_build(&f.a, NULL, &f.s, &o), 0);
	/* before any info set: every remote unknown */
	assert_true(rx_of(&f.a, "198.51.100.7") < 0);
	assert_int_equal(sw_agg_rx_apply(&f.x, &f.a, &f.s, NULL, &o), 0);
	assert_true(rx_of(&f.a, "198.51.100.7") < 0);

	assert_int_equal(sw_agg_rx_apply(&f.x, &f.a, &f.s, &f.ci, &o), 0);
	assert_true(rx_of(&f.a, "198.51.100.7") == 1250.5);
	assert_true(rx_of(&f.a, "198.51.100.8") < 0);
	assert_true(rx_of(&f.a, "203.0.113.9") < 0);  /* not in the set */
	assert_true(rx_of(&f.a, "2001:db8::5") == 0);

	/* the next refresh rebuilds the remotes: the rows are laid on them
	 * again (the set is the same one) */
	assert_int_equal(sw_agg_build(&f.a, NULL, &f.s, &o), 0);
	assert_true(rx_of(&f.a, "198.51.100.7") < 0);
	f.v[0].rx_per_s = 1e9; /* the rows are used, not the set again */
	assert_int_equal(sw_agg_rx_apply(&f.x, &f.a, &f.s, &f.ci, &o), 0);
	assert_true(rx_of(&f.a, "198.51.100.7") == 1250.5);
	assert_true(rx_of(&f.a, "2001:db8::5") == 0);

	/* a new set (another time) is summed anew */
	f.ci.time_ns = 78;
	assert_int_equal(sw_agg_rx_apply(&f.x, &f.a, &f.s, &f.ci, &o), 0);
	assert_true(rx_of(&f.a, "198.51.100.7") == 1e9 + 250.5);
	fx_free(&f);
}

/* Grouped /24: the two addresses of 198.51.100.0/24 sum into one row. */
static void test_grouping(void **state)
{
	struct fx f;
	struct sw_agg_opts o = { .group_v4 = 32, .group_v6 = 128 };
	struct sw_agg_opts g = { .group_v4 = 24, .group_v6 = 64 };

	(void)state;
	fx_init(&f);
	f.v[2].rx_per_s = 4;
	assert_int_equal(sw_agg_build(&f.a, NULL, &f.s, &o), 0);
	assert_int_equal(sw_agg_rx_apply(&f.x, &f.a, &f.s, &f.ci, &o), 0);
	assert_int_equal(sw_agg_build(&f.a, NULL, &f.s, &g), 0);
	assert_int_equal(sw_agg_rx_apply(&f.x, &f.a, &f.s, &f.ci, &g), 0);
	assert_true(rx_of(&f.a, "198.51.100.0/24") == 1254.5);
	assert_true(rx_of(&f.a, "2001:db8::/64") == 0);
	fx_free(&f);
}

/* JSON: rx_bytes_per_s a number where measured, null where not. */
static void test_json_field(void **state)
{
	struct fx f;
	struct sw_agg_opts o = { .group_v4 = 32, .group_v6 = 128 };
	struct sw_report_opts ro = { .top = 0, .filter = "", .group_v4 = 32,
				     .group_v6 = 128 };
	struct sw_frame fr;
	struct sw_buf b;

	(void)state;
	fx_init(&f);
	assert_int_equal(sw_agg_build(&f.a, NULL, &f.s, &o), 0);
	assert_int_equal(sw_agg_rx_apply(&f.x, &f.a, &f.s, &f.ci, &o), 0);
	memset(&fr, 0, sizeof(fr));
	fr.seq = 1;
	fr.snap = &f.s;
	fr.agg = &f.a;
	fr.conninfo = &f.ci;
	sw_buf_init(&b);
	sw_report_json(&b, &fr, &ro);
	assert_non_null(strstr(b.data, "\"addr\": \"198.51.100.7\""));
	assert_non_null(strstr(strstr(b.data, "\"addr\": \"198.51.100.7\""),
			       "\"rx_bytes_per_s\": 1250.500, \"states\""));
	assert_non_null(strstr(strstr(b.data, "\"addr\": \"198.51.100.8\""),
			       "\"rx_bytes_per_s\": null, \"states\""));
	assert_non_null(strstr(strstr(b.data, "\"addr\": \"2001:db8::5\""),
			       "\"rx_bytes_per_s\": 0.000, \"states\""));
	sw_buf_free(&b);
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sums_per_remote),
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_json_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
