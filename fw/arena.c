#include "arena.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guard.h"
#include "log.h"

int arena_init(struct arena *a, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *p;

	memset(a, 0, sizeof *a);
	size = (size + page - 1) & ~(page - 1);
	if (size == 0) {
		log_error("arena: size 0 asked for");
		return -EINVAL;
	}
	/* MAP_POPULATE faults every page in now, not on first touch in the
	 * audio thread. mlockall() later keeps them resident. */
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		 -1, 0);
	if (p == MAP_FAILED) {
		int err = errno;
		log_error("arena: cannot map %zu bytes: %s", size, strerror(err));
		return -err;
	}
	a->base = p;
	a->size = size;
	return 0;
}

void arena_clear(struct arena *a)
{
	if (a->base)
		munmap(a->base, a->size);
	memset(a, 0, sizeof *a);
}

void *arena_alloc(struct arena *a, size_t size, size_t align, const char *what)
{
	uintptr_t start, end;

	guard_rt_forbid("arena_alloc");
	if (align == 0 || (align & (align - 1)) != 0)
		align = 16;
	start = ((uintptr_t)a->base + a->used + align - 1) & ~(uintptr_t)(align - 1);
	end = start + size;
	if (a->base == NULL || size > a->size || end > (uintptr_t)a->base + a->size) {
		a->failed += size;
		log_error("arena: out of memory for %s (%zu bytes asked, %zu of %zu used)",
			  what ? what : "?", size, a->used, a->size);
		return NULL;
	}
	a->used = end - (uintptr_t)a->base;
	memset((void *)start, 0, size);
	return (void *)start;
}
