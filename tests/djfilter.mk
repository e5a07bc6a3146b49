# dsp/djfilter: the one-knob filter, on the SVF kernel (also under qemu-aarch64).
TESTS += djfilter
NEON_TESTS += djfilter
djfilter_SRCS := dsp/djfilter.c dsp/biquad.c tests/signals.c
djfilter_LIBS :=
