# fw/ed25519 and fw/sha512: libsodium (static) against RFC 8032, FIPS 180-4
# and Wycheproof vectors.
TESTS += ed25519 sha512
ed25519_SRCS := fw/ed25519.c fw/sha512.c
ed25519_LIBS := $(SODIUM_LIBS)
sha512_SRCS := fw/sha512.c
sha512_LIBS := $(SODIUM_LIBS)
NEON_TESTS += ed25519 sha512
