# Where the controls sit on 1024x600 and 1280x800 panels, one display or two.
TESTS += layout
layout_SRCS := fw/layout.c
layout_LIBS :=
NEON_TESTS += layout
