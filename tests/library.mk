# fw/library: the index, its sorted views and search, through sticks
# coming and going. Single-threaded: also under qemu-aarch64.
TESTS += library
NEON_TESTS += library
library_SRCS := fw/library.c fw/arena.c fw/log.c fw/guard.c dsp/key.c dsp/biquad.c
library_LIBS :=
