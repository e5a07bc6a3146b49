# fw/deck: transport, loops, scrub, slip, sync, heard on rendered samples
# through the real resampler. Single-threaded: also under qemu-aarch64.
TESTS += deck
NEON_TESTS += deck
deck_SRCS := fw/deck.c fw/grid.c dsp/resample.c
deck_LIBS :=
