# dsp/eq: the 3-band isolator, on the SVF and mix kernels (also under qemu-aarch64).
TESTS += eq
NEON_TESTS += eq
eq_SRCS := dsp/eq.c dsp/biquad.c dsp/mix.c tests/signals.c
eq_LIBS :=
