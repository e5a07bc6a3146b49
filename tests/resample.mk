# dsp/resample: the deck's interpolator: pitch, glides, reverse, scrubs, the
# track's ends, and the vector path against the scalar reference (also run
# under qemu-aarch64, where the vector path is NEON).
TESTS += resample
NEON_TESTS += resample
resample_SRCS := dsp/resample.c tests/signals.c
resample_LIBS :=
