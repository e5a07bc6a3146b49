/*
 * ed25519: the signature scheme of release files (RFC 8032, pure Ed25519).
 *
 * A thin wrapper over libsodium (crypto_sign_*_detached), linked
 * statically: a vetted, constant-time implementation that checks S < L,
 * rejects small-order and non-canonical points, and is tested here
 * against RFC 8032's vectors and Wycheproof's (tests/test_ed25519.c).
 * Nothing allocates; verification is safe after init.
 */
#ifndef SLIPMAT_ED25519_H
#define SLIPMAT_ED25519_H

#include <stddef.h>
#include <stdint.h>

#define ED25519_PUBLIC 32
#define ED25519_SEED 32
#define ED25519_SECRET 64 /* seed followed by the public key */
#define ED25519_SIG 64

/* Pre: called once before anything else here. Return: 0 or -1. */
int ed25519_init(void);

/* Return: 0 when sig is a valid signature of msg under pk, else -1. */
int ed25519_verify(const uint8_t sig[ED25519_SIG], const void *msg, size_t len,
                   const uint8_t pk[ED25519_PUBLIC]);

/* Sign msg with sk (ED25519_SECRET bytes). */
void ed25519_sign(uint8_t sig[ED25519_SIG], const void *msg, size_t len,
                  const uint8_t sk[ED25519_SECRET]);

/* Derive the key pair of a 32-byte seed (RFC 8032's private key). */
void ed25519_keypair(uint8_t pk[ED25519_PUBLIC], uint8_t sk[ED25519_SECRET],
                     const uint8_t seed[ED25519_SEED]);

/* Fill buf with len bytes from the kernel's random source. */
void ed25519_random(void *buf, size_t len);

#endif
