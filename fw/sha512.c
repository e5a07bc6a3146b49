#include "sha512.h"

void sha512_init(struct sha512 *h)
{
	crypto_hash_sha512_init(&h->st);
}

void sha512_update(struct sha512 *h, const void *data, size_t len)
{
	crypto_hash_sha512_update(&h->st, data, len);
}

void sha512_final(struct sha512 *h, uint8_t out[SHA512_BYTES])
{
	crypto_hash_sha512_final(&h->st, out);
}

void sha512(uint8_t out[SHA512_BYTES], const void *data, size_t len)
{
	crypto_hash_sha512(out, data, len);
}
