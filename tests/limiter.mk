# dsp/limiter: the master's look-ahead limiter (also under qemu-aarch64).
TESTS += limiter
NEON_TESTS += limiter
limiter_SRCS := dsp/limiter.c tests/signals.c
limiter_LIBS :=
