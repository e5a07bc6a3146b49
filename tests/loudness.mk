# dsp/loudness: EBU R128 integrated loudness on the EBU Tech 3341 signals (tools/gen).
TESTS += loudness
NEON_TESTS += loudness
loudness_SRCS := dsp/loudness.c dsp/biquad.c dsp/meter.c tools/gen/tech3341.c
loudness_LIBS :=
