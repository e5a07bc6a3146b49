# Touch mapping (calibration, swap, invert, rotation), device classification
# and profile matching: the pure parts of hal/touchdec.c.
TESTS += touchmap
touchmap_SRCS := hal/touchdec.c gfx/gfx.c gfx/kernels.c fonts/font.c
touchmap_LIBS :=
NEON_TESTS += touchmap
