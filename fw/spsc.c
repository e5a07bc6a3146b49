#include "spsc.h"

#include <errno.h>
#include <string.h>

#include "arena.h"

int spsc_init(struct spsc *q, struct arena *a, size_t msg_size, size_t capacity, const char *what)
{
	memset(q, 0, sizeof *q);
	if (msg_size == 0 || capacity < 2 || (capacity & (capacity - 1)) != 0)
		return -EINVAL;
	q->slots = arena_alloc(a, msg_size * capacity, SPSC_CACHE_LINE, what);
	if (q->slots == NULL)
		return -ENOMEM;
	q->msg_size = msg_size;
	q->mask = capacity - 1;
	atomic_init(&q->head, 0);
	atomic_init(&q->tail, 0);
	return 0;
}

int spsc_push(struct spsc *q, const void *msg)
{
	size_t head = atomic_load_explicit(&q->head, memory_order_relaxed);

	if (head - q->tail_seen > q->mask) {
		/* Looks full: the consumer may have moved on since. */
		q->tail_seen = atomic_load_explicit(&q->tail, memory_order_acquire);
		if (head - q->tail_seen > q->mask)
			return -EAGAIN;
	}
	memcpy(q->slots + (head & q->mask) * q->msg_size, msg, q->msg_size);
	atomic_store_explicit(&q->head, head + 1, memory_order_release);
	return 0;
}

int spsc_pop(struct spsc *q, void *msg)
{
	size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);

	if (tail == q->head_seen) {
		q->head_seen = atomic_load_explicit(&q->head, memory_order_acquire);
		if (tail == q->head_seen)
			return -EAGAIN;
	}
	memcpy(msg, q->slots + (tail & q->mask) * q->msg_size, q->msg_size);
	/* The slot's bytes are read before the producer may reuse it. */
	atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
	return 0;
}

size_t spsc_count(struct spsc *q)
{
	size_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
	size_t head = atomic_load_explicit(&q->head, memory_order_acquire);

	return head - tail;
}

size_t spsc_capacity(const struct spsc *q)
{
	return q->mask + 1;
}

int spsc_box_init(struct spsc_box *b, struct arena *a, size_t size, const char *what)
{
	memset(b, 0, sizeof *b);
	if (size == 0)
		return -EINVAL;
	b->size = (size + SPSC_CACHE_LINE - 1) & ~(size_t)(SPSC_CACHE_LINE - 1);
	b->slots = arena_alloc(a, 3 * b->size, SPSC_CACHE_LINE, what);
	if (b->slots == NULL)
		return -ENOMEM;
	b->back = 0;
	atomic_init(&b->middle, 1);
	b->front = 2;
	return 0;
}

void *spsc_box_back(struct spsc_box *b)
{
	return b->slots + b->back * b->size;
}

void spsc_box_publish(struct spsc_box *b)
{
	/* release: the slot's bytes before the index; acquire: the slot we
	 * get back was let go by the consumer (or never taken) */
	unsigned old =
	    atomic_exchange_explicit(&b->middle, b->back | SPSC_BOX_FRESH, memory_order_acq_rel);

	b->back = old & ~SPSC_BOX_FRESH;
}

const void *spsc_box_latest(struct spsc_box *b)
{
	if (atomic_load_explicit(&b->middle, memory_order_relaxed) & SPSC_BOX_FRESH) {
		unsigned old = atomic_exchange_explicit(&b->middle, b->front, memory_order_acq_rel);

		b->front = old & ~SPSC_BOX_FRESH;
		b->have = 1;
	}
	return b->have ? b->slots + b->front * b->size : NULL;
}
