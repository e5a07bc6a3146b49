# fw/update: release trailers, verification, install, trial and rollback,
# on a temporary boot directory.
TESTS += update
update_SRCS := fw/update.c fw/ed25519.c fw/sha512.c fw/log.c fw/guard.c tests/releases.c
update_LIBS := $(SODIUM_LIBS)
