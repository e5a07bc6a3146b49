# fuzz_aiff: see tests/fuzz/fuzz_aiff.c. Seeds: tests/fuzz/corpus/aiff/.
FUZZ += aiff
fuzz_aiff_SRCS := fw/decode.c fw/decode_md5.c fw/wav.c fw/aiff.c fw/flac.c fw/mp3.c fw/guard.c fw/log.c
fuzz_aiff_LIBS := -lmpg123 -lm
