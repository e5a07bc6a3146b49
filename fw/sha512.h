/*
 * sha512: SHA-512 (FIPS 180-4), incremental, for release hashes.
 *
 * A thin wrapper over libsodium's crypto_hash_sha512 (linked statically,
 * see README's dependency table): the state lives in the caller's struct,
 * nothing allocates.
 */
#ifndef SLIPMAT_SHA512_H
#define SLIPMAT_SHA512_H

#include <stddef.h>
#include <stdint.h>

#include <sodium/crypto_hash_sha512.h>

#define SHA512_BYTES 64

struct sha512 {
	crypto_hash_sha512_state st;
};

void sha512_init(struct sha512 *h);
void sha512_update(struct sha512 *h, const void *data, size_t len);
void sha512_final(struct sha512 *h, uint8_t out[SHA512_BYTES]);

/* One call: out = SHA-512(data). */
void sha512(uint8_t out[SHA512_BYTES], const void *data, size_t len);

#endif
