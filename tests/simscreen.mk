TESTS += simscreen
simscreen_SRCS := hal/simscreen.c hal/display.c hal/png.c gfx/gfx.c gfx/kernels.c gfx/damage.c fonts/font.c fonts/mono8x16.c \
	fw/arena.c fw/guard.c fw/log.c
simscreen_LIBS :=
NEON_TESTS += simscreen
