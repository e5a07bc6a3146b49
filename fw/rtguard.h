/*
 * rtguard: the kernel holds the audio thread to its promise.
 *
 * fw/guard.h catches the audio thread when it calls something of ours or
 * the allocator; rtguard catches everything else, at the only place that
 * sees it all: the system call. In debug and test builds
 * (SLIPMAT_GUARD_ABORT=1) the thread installs a seccomp filter on itself
 * that lets through only what playing a PCM needs (the list and why each
 * entry is there are in rtguard.c); any other system call (an open, a
 * contended lock's futex, a sleep, an mmap or brk from a malloc) stops
 * the process with the call named on stderr:
 *
 *     slipmat rtguard: the audio thread called futex (syscall 202)
 *
 * and an abort, like the allocation guard's. Only the calling thread is
 * filtered (no TSYNC): the loop thread and any other thread go on as
 * before. A filter cannot be removed; it ends with the thread.
 *
 * Release builds (SLIPMAT_GUARD_ABORT=0) install nothing. Sanitizer
 * builds (ASan, TSan) install nothing either, and say so once on stderr:
 * their runtimes make calls of their own (mmap for shadow memory, futex
 * in their reports) that are not the program's.
 */
#ifndef SLIPMAT_RTGUARD_H
#define SLIPMAT_RTGUARD_H

/*
 * Filter the calling thread's system calls from now on.
 * Return: 0 (also when this build installs nothing), or -errno when the
 * kernel refused (no seccomp, or no_new_privs refused): the thread then
 * plays unguarded; the caller decides whether that is fatal.
 * Pre: the audio thread, set up and about to play (its stack prefaulted,
 * its fault count read): everything it does afterwards is checked.
 * Post: SIGSYS is unblocked in this thread and handled process-wide.
 */
int rtguard_install(void);

#endif
