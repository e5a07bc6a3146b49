/*
 * releases: see releases.h.
 */
#include "releases.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint8_t release_pk[ED25519_PUBLIC], release_sk[ED25519_SECRET];

int releases_init(void)
{
	uint8_t seed[ED25519_SEED];

	if (ed25519_init() < 0)
		return -1;
	memset(seed, 0x5a, sizeof seed);
	ed25519_keypair(release_pk, release_sk, seed);
	return 0;
}

size_t release_make(uint8_t *buf, const struct release *r)
{
	struct update_trailer t = {.format = UPDATE_FORMAT, .flags = r->flags};
	size_t n = r->size ? r->size : 4096;

	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(r->fill + i * 31 + (i >> 8));
	if (update_parse_version(r->version ? r->version : "0.2.0", &t.version) < 0)
		abort();
	snprintf(t.arch, sizeof t.arch, "%s", r->arch ? r->arch : UPDATE_ARCH);
	snprintf(t.board, sizeof t.board, "%s", r->board ? r->board : UPDATE_BOARD_FAMILY);
	t.length = (uint64_t)((long)n + r->length_delta);
	sha512(t.hash, buf, n);
	update_trailer_sign(&t, release_sk);
	update_trailer_pack(buf + n, &t);
	return n + UPDATE_TRAILER_SIZE;
}

void release_write(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);

	if (fd < 0 || write(fd, p, n) != (ssize_t)n) {
		perror(path);
		abort();
	}
	close(fd);
}

size_t release_put(const char *path, const struct release *r)
{
	static uint8_t buf[2 << 20];
	size_t n;

	if ((r->size ? r->size : 4096) + UPDATE_TRAILER_SIZE > sizeof buf)
		abort();
	n = release_make(buf, r);
	release_write(path, buf, n);
	return n;
}
