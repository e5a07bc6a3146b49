# fw/decode and its formats: WAV, AIFF, FLAC (hand-written) and MP3
# (libmpg123). Each test links the decoder and its helpers.
DECODE_SRCS := fw/decode.c fw/decode_md5.c fw/wav.c fw/aiff.c fw/flac.c fw/mp3.c fw/guard.c fw/log.c
DECODE_LIBS := $(MPG123_LIBS)
TESTS += flac
NEON_TESTS += flac
flac_SRCS := $(DECODE_SRCS)
flac_LIBS := $(DECODE_LIBS)
TESTS += decode
NEON_TESTS += decode
decode_SRCS := $(DECODE_SRCS)
decode_LIBS := $(DECODE_LIBS)
TESTS += mp3
mp3_SRCS := $(DECODE_SRCS)
mp3_LIBS := $(DECODE_LIBS)
TESTS += load
load_SRCS := fw/load.c fw/deck.c fw/grid.c dsp/resample.c $(DECODE_SRCS)
load_LIBS := $(DECODE_LIBS)
