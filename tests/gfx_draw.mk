TESTS += gfx_draw
gfx_draw_SRCS := gfx/gfx.c gfx/kernels.c gfx/shapes.c gfx/text.c fonts/face.c fonts/font.c \
	$(FACES_C) hal/png.c fw/log.c fw/guard.c
gfx_draw_LIBS :=
NEON_TESTS += gfx_draw
