# fw/engine: two decks and the mixer rendered offline, heard on the outputs.
# Single-threaded, so it also runs under qemu-aarch64 with the NEON kernels.
TESTS += engine
NEON_TESTS += engine
engine_SRCS := fw/engine.c fw/deck.c fw/grid.c fw/spsc.c fw/arena.c fw/guard.c fw/log.c \
	dsp/resample.c dsp/eq.c dsp/biquad.c dsp/djfilter.c dsp/limiter.c dsp/meter.c dsp/mix.c
engine_LIBS :=
