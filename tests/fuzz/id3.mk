# fuzz_id3: see tests/fuzz/fuzz_id3.c. Seeds: tests/fuzz/corpus/id3/.
FUZZ += id3
fuzz_id3_SRCS := fw/tags.c
fuzz_id3_LIBS :=
