# dsp/mix: ramped gains and crossfader curves (also under qemu-aarch64).
TESTS += mix
NEON_TESTS += mix
mix_SRCS := dsp/mix.c tests/signals.c
mix_LIBS :=
