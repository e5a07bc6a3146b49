# dsp/tone: the sine oscillator behind the test tones.
TESTS += tone
tone_SRCS := dsp/tone.c
tone_LIBS :=
NEON_TESTS += tone
