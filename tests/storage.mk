# hal/storage: USB sticks' block uevents mounted read-only and let go,
# through fake mount calls. Single-threaded: also under qemu-aarch64.
TESTS += storage
NEON_TESTS += storage
storage_SRCS := hal/storage.c fw/log.c fw/guard.c
storage_LIBS :=
