/*
 * releases: signed releases (fw/update.h) made by the tests, with a test
 * key pair from a fixed seed (not the box's key): the binary part is a
 * pattern of the given size, the trailer as the options say.
 */
#ifndef SLIPMAT_TEST_RELEASES_H
#define SLIPMAT_TEST_RELEASES_H

#include <stddef.h>
#include <stdint.h>

#include "fw/update.h"

extern uint8_t release_pk[ED25519_PUBLIC], release_sk[ED25519_SECRET];

struct release {
	const char *version, *arch, *board; /* default "0.2.0", this box's */
	unsigned flags;
	long length_delta; /* a trailer that lies about the length */
	size_t size;       /* of the binary part (default 4096) */
	uint8_t fill;      /* varies the pattern */
};

/* Make the key pair. Return: 0, or -1 when libsodium cannot start. */
int releases_init(void);

/* Build a release in buf (room for size + UPDATE_TRAILER_SIZE). Return: its size. */
size_t release_make(uint8_t *buf, const struct release *r);

/* Write one to path (mode 0755). Return: its size. */
size_t release_put(const char *path, const struct release *r);

/* Write n bytes of p to path. */
void release_write(const char *path, const void *p, size_t n);

#endif
