# The touch decoder against recorded evdev sequences (tests/data/evdev/).
TESTS += touchdec
touchdec_SRCS := hal/touchdec.c
touchdec_LIBS :=
NEON_TESTS += touchdec
