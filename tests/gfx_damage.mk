TESTS += gfx_damage
gfx_damage_SRCS := gfx/damage.c gfx/gfx.c gfx/kernels.c fonts/font.c hal/simscreen.c hal/display.c \
	hal/png.c fw/arena.c fw/guard.c fw/log.c
gfx_damage_LIBS :=
NEON_TESTS += gfx_damage
