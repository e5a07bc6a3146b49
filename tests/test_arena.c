/* arena: alignment, zeroing, and a clean NULL when memory runs out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fw/arena.h"

static void test_alloc_aligned_and_zeroed(void **state)
{
	struct arena a;
	(void)state;

	assert_int_equal(arena_init(&a, 10000), 0);
	assert_true(a.size >= 10000);
	assert_int_equal(a.size % (size_t)sysconf(_SC_PAGESIZE), 0);

	char *p = arena_alloc(&a, 3, 1, "three bytes");
	assert_non_null(p);
	uint64_t *q = ARENA_NEW(&a, uint64_t, 10, "ten words");
	assert_non_null(q);
	assert_int_equal((uintptr_t)q % _Alignof(uint64_t), 0);
	char *r = arena_alloc(&a, 100, 64, "cache line");
	assert_int_equal((uintptr_t)r % 64, 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(r[i], 0);
	/* Distinct, non-overlapping blocks. */
	assert_true((char *)q >= p + 3);
	assert_true(r >= (char *)(q + 10));
	arena_clear(&a);
	assert_null(a.base);
}

static void test_out_of_memory_is_null(void **state)
{
	struct arena a;
	(void)state;

	assert_int_equal(arena_init(&a, 4096), 0);
	assert_non_null(arena_alloc(&a, 4000, 16, "most of it"));
	size_t used = a.used;
	assert_null(arena_alloc(&a, 200, 16, "too much"));
	assert_int_equal(a.used, used); /* a failed request takes nothing */
	assert_int_equal(a.failed, 200);
	assert_null(arena_alloc(&a, SIZE_MAX - 8, 16, "overflowing"));
	assert_non_null(arena_alloc(&a, 8, 8, "what still fits"));
	arena_clear(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_aligned_and_zeroed),
		cmocka_unit_test(test_out_of_memory_is_null),
	};
	return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
