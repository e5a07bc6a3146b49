TESTS += gfx_damage
gfx_damage_SRCS := gfx/damage.c gfx/gfx.c gfx/kernels.c fonts/font.c
gfx_damage_LIBS :=
NEON_TESTS += gfx_damage
