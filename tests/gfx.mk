TESTS += gfx
gfx_SRCS := gfx/gfx.c gfx/kernels.c fonts/font.c fonts/mono8x16.c
gfx_LIBS :=
NEON_TESTS += gfx
