# dsp/key: 24 keys in standard and Camelot notation, on generated progressions (tools/gen).
TESTS += key
key_SRCS := dsp/key.c dsp/biquad.c tools/gen/gentrack.c
key_LIBS :=
