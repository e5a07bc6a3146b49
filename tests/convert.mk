# dsp/convert: scalar references, NEON kernels (also run under qemu-aarch64).
TESTS += convert
NEON_TESTS += convert
convert_SRCS := dsp/convert.c tests/signals.c
convert_LIBS :=
