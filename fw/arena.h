/*
 * arena: all of slipmat's memory, taken once at init.
 *
 * One anonymous mapping, sized from the board profile, prefaulted so that
 * touching it later costs no page fault, carved by a bump pointer. There is
 * no free: what init takes, the box keeps until teardown.
 */
#ifndef SLIPMAT_ARENA_H
#define SLIPMAT_ARENA_H

#include <stddef.h>

struct arena {
	unsigned char *base;
	size_t size;
	size_t used;
	size_t failed; /* bytes asked for that did not fit */
};

/*
 * Map size bytes (rounded up to a page) and fault them in.
 * Return: 0, or -errno with the reason logged.
 */
int arena_init(struct arena *a, size_t size);

/* Unmap everything. Post: a is zeroed; pointers into it are gone. */
void arena_clear(struct arena *a);

/*
 * Take size bytes aligned to align (a power of two, at least 1), zeroed.
 * Return: the memory, or NULL when the arena is full (logged, with what).
 * Pre: called from the loop thread during init or device configuration.
 */
void *arena_alloc(struct arena *a, size_t size, size_t align, const char *what);

/* Arrays: ARENA_NEW(a, struct foo, n, "foos"). */
#define ARENA_NEW(a, type, n, what) \
	((type *)arena_alloc((a), sizeof(type) * (size_t)(n), _Alignof(type), (what)))

#endif
