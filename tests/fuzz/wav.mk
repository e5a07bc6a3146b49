# fuzz_wav: see tests/fuzz/fuzz_wav.c. Seeds: tests/fuzz/corpus/wav/.
FUZZ += wav
fuzz_wav_SRCS := fw/decode.c fw/decode_md5.c fw/wav.c fw/aiff.c fw/flac.c fw/mp3.c fw/guard.c fw/log.c
fuzz_wav_LIBS := -lmpg123 -lm
