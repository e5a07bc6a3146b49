TESTS += testcard
testcard_SRCS := fw/testcard.c gfx/gfx.c gfx/kernels.c fonts/font.c fonts/mono8x16.c
testcard_LIBS :=
NEON_TESTS += testcard
