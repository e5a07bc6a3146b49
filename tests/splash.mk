# fw/splash: the picture PID 1 holds up while a player restarts.
TESTS += splash
splash_SRCS := fw/splash.c gfx/gfx.c gfx/kernels.c gfx/shapes.c gfx/text.c fonts/face.c \
	fonts/font.c fonts/mono8x16.c $(FACES_C) hal/png.c fw/log.c fw/guard.c
splash_LIBS :=
