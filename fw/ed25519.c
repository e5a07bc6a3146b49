#include "ed25519.h"

#include <sodium/core.h>
#include <sodium/crypto_sign_ed25519.h>
#include <sodium/randombytes.h>

int ed25519_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int ed25519_verify(const uint8_t sig[ED25519_SIG], const void *msg, size_t len,
                   const uint8_t pk[ED25519_PUBLIC])
{
	return crypto_sign_ed25519_verify_detached(sig, msg, len, pk) == 0 ? 0 : -1;
}

void ed25519_sign(uint8_t sig[ED25519_SIG], const void *msg, size_t len,
                  const uint8_t sk[ED25519_SECRET])
{
	crypto_sign_ed25519_detached(sig, NULL, msg, len, sk);
}

void ed25519_keypair(uint8_t pk[ED25519_PUBLIC], uint8_t sk[ED25519_SECRET],
                     const uint8_t seed[ED25519_SEED])
{
	crypto_sign_ed25519_seed_keypair(pk, sk, seed);
}

void ed25519_random(void *buf, size_t len)
{
	randombytes_buf(buf, len);
}
