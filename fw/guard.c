/*
 * guard.c: the allocation guard sits in front of glibc's allocator.
 *
 * Defining malloc and friends in the executable interposes them for every
 * library in the process; we forward to glibc's __libc_* entry points.
 * Under ASan or TSan the sanitizer owns malloc, so we watch it through the
 * sanitizer's allocation hooks instead.
 */
#include "guard.h"

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SLIPMAT_GUARD_ABORT
#define SLIPMAT_GUARD_ABORT 1
#endif

static atomic_int armed;
static atomic_int window_depth;
static atomic_ulong n_init, n_window, n_windows, n_stray;
static _Thread_local int rt_thread;

/* Only async-signal-safe calls here: we may be inside a broken malloc. */
static void die(const char *what, const char *why)
{
	static const char head[] = "slipmat guard: ";
	static const char tail[] = "\n";

	if (write(STDERR_FILENO, head, sizeof head - 1) < 0 ||
	    write(STDERR_FILENO, what, strlen(what)) < 0 ||
	    write(STDERR_FILENO, why, strlen(why)) < 0 ||
	    write(STDERR_FILENO, tail, sizeof tail - 1) < 0)
		abort();
	abort();
}

/* Account for one allocation; abort where the rules forbid it. */
static void check_alloc(const char *what)
{
	if (rt_thread)
		die(what, " called in the audio thread");
	if (!atomic_load_explicit(&armed, memory_order_relaxed)) {
		atomic_fetch_add_explicit(&n_init, 1, memory_order_relaxed);
		return;
	}
	if (atomic_load_explicit(&window_depth, memory_order_relaxed) > 0) {
		atomic_fetch_add_explicit(&n_window, 1, memory_order_relaxed);
		return;
	}
	atomic_fetch_add_explicit(&n_stray, 1, memory_order_relaxed);
	if (SLIPMAT_GUARD_ABORT)
		die(what, " called after init, outside a configuration window");
}

void guard_arm(void)
{
	atomic_store(&armed, 1);
}

void guard_disarm(void)
{
	atomic_store(&armed, 0);
}

void guard_window_begin(const char *why)
{
	(void)why;
	guard_rt_forbid("guard_window_begin");
	atomic_fetch_add(&window_depth, 1);
	atomic_fetch_add(&n_windows, 1);
}

void guard_window_end(void)
{
	atomic_fetch_sub(&window_depth, 1);
}

void guard_rt_enter(void)
{
	rt_thread = 1;
}

int guard_is_rt(void)
{
	return rt_thread;
}

void guard_rt_forbid(const char *what)
{
	if (rt_thread)
		die(what, " called in the audio thread");
}

void guard_counts(struct guard_counts *c)
{
	c->init = atomic_load(&n_init);
	c->window = atomic_load(&n_window);
	c->windows = atomic_load(&n_windows);
	c->stray = atomic_load(&n_stray);
	c->armed = atomic_load(&armed);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)

int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void *, size_t),
					      void (*free_hook)(const volatile void *));

static void on_malloc(const volatile void *p, size_t size)
{
	(void)p;
	(void)size;
	check_alloc("malloc");
}

static void on_free(const volatile void *p)
{
	if (p)
		check_alloc("free");
}

__attribute__((constructor)) static void install_hooks(void)
{
	__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
}

#else

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void *__libc_memalign(size_t align, size_t size);
void __libc_free(void *p);
/* Declared by <malloc.h>, which would also declare glibc's own hooks. */
void *memalign(size_t align, size_t size);

void *malloc(size_t size)
{
	check_alloc("malloc");
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	check_alloc("calloc");
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	check_alloc("realloc");
	return __libc_realloc(p, size);
}

void free(void *p)
{
	/* free(NULL) does nothing anywhere, so it is allowed everywhere. */
	if (p == NULL)
		return;
	check_alloc("free");
	__libc_free(p);
}

void *aligned_alloc(size_t align, size_t size)
{
	check_alloc("aligned_alloc");
	return __libc_memalign(align, size);
}

void *memalign(size_t align, size_t size)
{
	check_alloc("memalign");
	return __libc_memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	check_alloc("posix_memalign");
	if (align < sizeof(void *) || (align & (align - 1)) != 0)
		return EINVAL;
	p = __libc_memalign(align, size);
	if (p == NULL)
		return ENOMEM;
	*out = p;
	return 0;
}

#endif
