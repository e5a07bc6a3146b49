# fw/rtguard: the audio thread's system-call filter, one child process per
# case (the expected outcome is an abort). Linked with the allocation
# guard to show that its abort still works under the filter.
TESTS += rtguard
rtguard_SRCS := fw/rtguard.c fw/guard.c
rtguard_LIBS :=
