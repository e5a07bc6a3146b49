TESTS += font_face
font_face_SRCS := fonts/face.c $(FACES_C) gfx/gfx.c gfx/kernels.c gfx/shapes.c gfx/text.c \
	fonts/font.c hal/png.c fw/log.c fw/guard.c
font_face_LIBS :=
NEON_TESTS += font_face
