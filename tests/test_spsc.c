/*
 * test_spsc: the ring between the loop and the audio thread delivers
 * every message, whole, once, in order; says full and empty when it is;
 * and does so between two threads running flat out with the allocation
 * guard armed and the consumer marked real-time (any allocation, lock
 * the guard knows of, or torn message fails the test). The state box
 * (triple buffer) always hands over the newest snapshot, whole, never an
 * older one after a newer. Clean under `make test SAN=thread`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "fw/arena.h"
#include "fw/guard.h"
#include "fw/spsc.h"

static struct arena arena;

/* A message whose bytes all depend on its number: a torn copy shows. */
struct msg {
	uint64_t seq;
	uint64_t body[5];
};

static void fill(struct msg *m, uint64_t seq)
{
	m->seq = seq;
	for (int i = 0; i < 5; i++)
		m->body[i] = seq * 0x9e3779b97f4a7c15ULL + (uint64_t)i;
}

static int intact(const struct msg *m)
{
	for (int i = 0; i < 5; i++)
		if (m->body[i] != m->seq * 0x9e3779b97f4a7c15ULL + (uint64_t)i)
			return 0;
	return 1;
}

static void test_rejects_bad_shapes(void **state)
{
	struct spsc q;

	(void)state;
	assert_int_equal(spsc_init(&q, &arena, sizeof(struct msg), 0, "q"), -EINVAL);
	assert_int_equal(spsc_init(&q, &arena, sizeof(struct msg), 1, "q"), -EINVAL);
	assert_int_equal(spsc_init(&q, &arena, sizeof(struct msg), 12, "q"), -EINVAL);
	assert_int_equal(spsc_init(&q, &arena, 0, 16, "q"), -EINVAL);
	assert_int_equal(spsc_init(&q, &arena, sizeof(struct msg), 16, "q"), 0);
	assert_int_equal(spsc_capacity(&q), 16);
	/* the slots start on a cache line of their own */
	assert_int_equal((uintptr_t)q.slots % SPSC_CACHE_LINE, 0);
	assert_true((char *)&q.tail - (char *)&q.head >= SPSC_CACHE_LINE);
	assert_true((char *)&q.slots - (char *)&q.tail >= SPSC_CACHE_LINE);
}

/* Empty pops fail, a full ring refuses, and what comes out is in order. */
static void test_order_full_empty(void **state)
{
	struct spsc q;
	struct msg m;
	uint64_t next = 0, out = 0;
	int round, i;

	(void)state;
	assert_int_equal(spsc_init(&q, &arena, sizeof m, 8, "q"), 0);
	assert_int_equal(spsc_pop(&q, &m), -EAGAIN);
	assert_int_equal(spsc_count(&q), 0);
	/* several laps, so the indices wrap over the slots many times */
	for (round = 0; round < 50; round++) {
		int n = 1 + round % 8;

		for (i = 0; i < n; i++) {
			fill(&m, next++);
			assert_int_equal(spsc_push(&q, &m), 0);
		}
		assert_int_equal(spsc_count(&q), (size_t)n);
		for (i = 0; i < n; i++) {
			memset(&m, 0, sizeof m);
			assert_int_equal(spsc_pop(&q, &m), 0);
			assert_int_equal(m.seq, out++);
			assert_true(intact(&m));
		}
		assert_int_equal(spsc_pop(&q, &m), -EAGAIN);
	}
	for (i = 0; i < 8; i++) {
		fill(&m, 1000 + (uint64_t)i);
		assert_int_equal(spsc_push(&q, &m), 0);
	}
	fill(&m, 9999);
	assert_int_equal(spsc_push(&q, &m), -EAGAIN);
	assert_int_equal(spsc_count(&q), 8);
	/* one out makes room for exactly one in; the refused one never appears */
	assert_int_equal(spsc_pop(&q, &m), 0);
	assert_int_equal(m.seq, 1000);
	fill(&m, 1008);
	assert_int_equal(spsc_push(&q, &m), 0);
	assert_int_equal(spsc_push(&q, &m), -EAGAIN);
	for (i = 1; i <= 8; i++) {
		assert_int_equal(spsc_pop(&q, &m), 0);
		assert_int_equal(m.seq, 1000 + (uint64_t)i);
		assert_true(intact(&m));
	}
	assert_int_equal(spsc_pop(&q, &m), -EAGAIN);
}

#define STRESS_N 2000000

struct stress {
	struct spsc q;
	uint64_t received, torn, out_of_order, empty_polls;
	atomic_int started;
};

/*
 * Wait until a new thread runs: a sanitizer's thread start-up allocates,
 * and that must come before the guard is armed.
 */
static void wait_started(atomic_int *started)
{
	while (!atomic_load(started))
		sched_yield();
}

/* The consumer as the audio thread would be: real-time, polling. */
static void *consumer(void *arg)
{
	struct stress *s = arg;
	struct msg m;
	uint64_t want = 0;

	guard_rt_enter();
	atomic_store(&s->started, 1);
	while (want < STRESS_N) {
		if (spsc_pop(&s->q, &m) < 0) {
			s->empty_polls++;
			sched_yield(); /* (a loaded test machine may have one core for both) */
			continue;
		}
		if (!intact(&m))
			s->torn++;
		if (m.seq != want)
			s->out_of_order++;
		want = m.seq + 1;
		s->received++;
	}
	return NULL;
}

static void test_two_threads(void **state)
{
	static struct stress s;
	pthread_t t;
	struct msg m;
	uint64_t seq = 0, full = 0;

	(void)state;
	memset(&s, 0, sizeof s);
	/* small, so both full and empty happen often */
	assert_int_equal(spsc_init(&s.q, &arena, sizeof m, 16, "stress"), 0);
	assert_int_equal(pthread_create(&t, NULL, consumer, &s), 0);
	wait_started(&s.started);
	guard_arm();
	while (seq < STRESS_N) {
		fill(&m, seq);
		if (spsc_push(&s.q, &m) == 0) {
			seq++;
		} else {
			full++;
			sched_yield();
		}
	}
	guard_disarm();
	assert_int_equal(pthread_join(t, NULL), 0);
	print_message("%d messages: %llu refused as full, %llu empty polls\n", STRESS_N,
	              (unsigned long long)full, (unsigned long long)s.empty_polls);
	assert_int_equal(s.received, STRESS_N);
	assert_int_equal(s.torn, 0);
	assert_int_equal(s.out_of_order, 0);
	assert_int_equal(spsc_count(&s.q), 0);
}

/* The box: nothing before the first publish, then always the newest. */
static void test_box_newest(void **state)
{
	struct spsc_box b;
	const struct msg *got;
	uint64_t i;

	(void)state;
	assert_int_equal(spsc_box_init(&b, &arena, 0, "box"), -EINVAL);
	assert_int_equal(spsc_box_init(&b, &arena, sizeof(struct msg), "box"), 0);
	assert_null(spsc_box_latest(&b));
	for (i = 0; i < 10; i++) {
		fill(spsc_box_back(&b), i);
		spsc_box_publish(&b);
	}
	got = spsc_box_latest(&b);
	assert_non_null(got);
	assert_int_equal(got->seq, 9);
	assert_true(intact(got));
	/* nothing new: the same one again */
	got = spsc_box_latest(&b);
	assert_int_equal(got->seq, 9);
	fill(spsc_box_back(&b), 10);
	spsc_box_publish(&b);
	got = spsc_box_latest(&b);
	assert_int_equal(got->seq, 10);
	assert_true(intact(got));
}

#define BOX_N 1000000

struct box_run {
	struct spsc_box b;
	atomic_int started, go, done;
};

/* The producer as the audio thread: real-time, one snapshot after another. */
static void *box_producer(void *arg)
{
	struct box_run *r = arg;

	guard_rt_enter();
	atomic_store(&r->started, 1);
	while (!atomic_load(&r->go))
		sched_yield();
	for (uint64_t i = 1; i <= BOX_N; i++) {
		fill(spsc_box_back(&r->b), i);
		spsc_box_publish(&r->b);
		if (i % 64 == 0)
			sched_yield(); /* let the reader in, even on one core */
	}
	atomic_store(&r->done, 1);
	return NULL;
}

static void test_box_two_threads(void **state)
{
	static struct box_run r;
	uint64_t last = 0, reads = 0, torn = 0, backwards = 0, distinct = 0;
	pthread_t t;

	(void)state;
	memset(&r, 0, sizeof r);
	assert_int_equal(spsc_box_init(&r.b, &arena, sizeof(struct msg), "box"), 0);
	assert_int_equal(pthread_create(&t, NULL, box_producer, &r), 0);
	wait_started(&r.started);
	guard_arm();
	atomic_store(&r.go, 1);
	for (;;) {
		int done = atomic_load(&r.done);
		const struct msg *m = spsc_box_latest(&r.b);

		if (m) {
			reads++;
			if (!intact(m))
				torn++;
			if (m->seq < last)
				backwards++;
			if (m->seq != last)
				distinct++;
			else
				sched_yield();
			last = m->seq;
		}
		if (done && last == BOX_N)
			break;
		if (done && m && m->seq != BOX_N) {
			/* the last publish happened before done: it must show now */
			m = spsc_box_latest(&r.b);
			assert_int_equal(m->seq, BOX_N);
		}
	}
	guard_disarm();
	assert_int_equal(pthread_join(t, NULL), 0);
	print_message("%d snapshots: %llu reads saw %llu distinct ones, the last %llu\n", BOX_N,
	              (unsigned long long)reads, (unsigned long long)distinct,
	              (unsigned long long)last);
	assert_int_equal(torn, 0);
	assert_int_equal(backwards, 0);
	assert_int_equal(last, BOX_N);
}

static int setup(void **state)
{
	(void)state;
	return arena_init(&arena, 1 << 20);
}

static int teardown(void **state)
{
	(void)state;
	arena_clear(&arena);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rejects_bad_shapes), cmocka_unit_test(test_order_full_empty),
	    cmocka_unit_test(test_two_threads),        cmocka_unit_test(test_box_newest),
	    cmocka_unit_test(test_box_two_threads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
