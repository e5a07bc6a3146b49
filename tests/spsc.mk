# fw/spsc: the lock-free ring between the loop and the audio thread. Its
# stress test uses two threads, so it is not in NEON_TESTS (this host's
# qemu-aarch64 hangs on pthread_create); run it under SAN=thread.
TESTS += spsc
spsc_SRCS := fw/spsc.c fw/arena.c fw/guard.c fw/log.c
spsc_LIBS :=
