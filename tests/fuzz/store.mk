# libFuzzer target for the library store's record parser: tests/fuzz/fuzz_store.c
# with fw/store.c (it brings its own quiet log_msg, so no fw/log.c or the
# malloc guard of fw/guard.c, which a sanitizer runtime owns).
FUZZ += store
fuzz_store_SRCS := fw/store.c
