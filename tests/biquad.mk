# dsp/biquad: cookbook designs as TDF-II and SVF sections (also under qemu-aarch64).
TESTS += biquad
NEON_TESTS += biquad
biquad_SRCS := dsp/biquad.c tests/signals.c
biquad_LIBS :=
