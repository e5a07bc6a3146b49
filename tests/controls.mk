# fw/controls: gestures on the layout's controls, heard at the engine's
# outputs. Single-threaded: also runs under qemu-aarch64.
TESTS += controls
NEON_TESTS += controls
controls_SRCS = fw/board.c fw/controls.c fw/gesture.c fw/layout.c fw/playhead.c $(engine_SRCS)
controls_LIBS :=
