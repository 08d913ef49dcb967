// SPDX-License-Identifier: MIT
/*
 * test_kmap.c - the three-word hash map (sim/lib/kmap.h): absent keys,
 * overwrite, keys that differ in one word only, growth past many
 * rehashes with every value still found, and the reserved value.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "lib/kmap.h"

static void test_basic(void **state)
{
	struct fx_kmap m = FX_KMAP_INIT;

	(void)state;
	assert_int_equal(fx_kmap_get(&m, 1, 2, 3), FX_KMAP_NONE);
	assert_int_equal(fx_kmap_put(&m, 1, 2, 3, 7), 0);
	assert_int_equal(fx_kmap_get(&m, 1, 2, 3), 7);
	assert_int_equal(fx_kmap_get(&m, 1, 2, 4), FX_KMAP_NONE);
	assert_int_equal(fx_kmap_get(&m, 2, 1, 3), FX_KMAP_NONE);
	assert_int_equal(fx_kmap_get(&m, 3, 2, 1), FX_KMAP_NONE);
	assert_int_equal(fx_kmap_put(&m, 1, 2, 3, 0), 0);	/* overwrite */
	assert_int_equal(fx_kmap_get(&m, 1, 2, 3), 0);
	assert_int_equal(fx_kmap_count(&m), 1);
	assert_int_equal(fx_kmap_put(&m, 1, 2, 3, FX_KMAP_NONE), -EINVAL);
	fx_kmap_free(&m);
	assert_int_equal(fx_kmap_get(&m, 1, 2, 3), FX_KMAP_NONE);
}

static void test_growth(void **state)
{
	struct fx_kmap m = FX_KMAP_INIT;
	const uint32_t n = 100000;

	(void)state;
	for (uint32_t i = 0; i < n; i++)	/* page-aligned "addresses" */
		assert_int_equal(fx_kmap_put(&m, 42, 0x7f0000000000ull +
					     (uint64_t)i * 4096, i & 1, i), 0);
	assert_int_equal(fx_kmap_count(&m), n);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t a = 0x7f0000000000ull + (uint64_t)i * 4096;

		assert_int_equal(fx_kmap_get(&m, 42, a, i & 1), i);
		assert_int_equal(fx_kmap_get(&m, 42, a, !(i & 1)),
				 FX_KMAP_NONE);
	}
	fx_kmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
