# fw/store: per-track records on the track's device; crash-safe saves
# checked by killing a saving process a few hundred times (fork: host only).
TESTS += store
store_SRCS := fw/store.c fw/log.c fw/guard.c
store_LIBS :=
