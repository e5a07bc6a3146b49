# fuzz_flac: see tests/fuzz/fuzz_flac.c. Seeds: tests/fuzz/corpus/flac/.
FUZZ += flac
fuzz_flac_SRCS := fw/decode.c fw/decode_md5.c fw/wav.c fw/aiff.c fw/flac.c fw/mp3.c fw/guard.c fw/log.c
fuzz_flac_LIBS := -lmpg123 -lm
