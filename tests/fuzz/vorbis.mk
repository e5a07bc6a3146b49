# fuzz_vorbis: see tests/fuzz/fuzz_vorbis.c. Seeds: tests/fuzz/corpus/vorbis/.
FUZZ += vorbis
fuzz_vorbis_SRCS := fw/tags.c
fuzz_vorbis_LIBS :=
