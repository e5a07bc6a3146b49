# libFuzzer target for the library store's record parser (fw/store.c).
FUZZ += store
fuzz_store_SRCS := tests/fuzz/fuzz_store.c fw/store.c
