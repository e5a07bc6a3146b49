# fw/supervise: PID 1's player supervisor, with the test binary as a fake
# player (crashes, hangs, good and broken trials).
TESTS += supervise
supervise_SRCS := fw/supervise.c fw/update.c fw/ed25519.c fw/sha512.c fw/ctl.c fw/loop.c \
	fw/arena.c fw/pid1.c fw/log.c fw/guard.c
supervise_LIBS := $(SODIUM_LIBS)
