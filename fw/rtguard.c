/*
 * rtguard.c: a seccomp-BPF allow-list on the audio thread.
 *
 * What the audio thread is allowed, and why (found with strace on the
 * thread against the WAV sink on the host and against snd-usb-audio and
 * snd-aloop in the emulator; rtguard_install() comes after the thread's
 * set-up, so its mlock, prefault, getrusage and gettid are not here):
 *
 *   ioctl            every ALSA hw PCM call: snd_pcm_writei() is
 *                    SNDRV_PCM_IOCTL_WRITEI_FRAMES (it blocks in the
 *                    kernel until a period is free: the thread's clock),
 *                    recovery is PREPARE or RESUME, and libasound may add
 *                    SYNC_PTR or HWSYNC. Only ALSA PCM requests (ioctl
 *                    type 'A'); any other ioctl, on any fd, is refused.
 *   ppoll, poll      snd_pcm_wait(), if libasound waits for room on the
 *                    PCM's fd rather than in the write (plugins do).
 *   write            the WAV sink's device I/O; and the guards' last
 *                    words on stderr.
 *   clock_nanosleep  the WAV sink's pacing, and only that form: on
 *                    CLOCK_MONOTONIC to an absolute time (a modelled
 *                    device's clock). nanosleep(), usleep() and relative
 *                    sleeps are refused.
 *   clock_gettime    the load meter's clock. The vDSO answers it without
 *                    a system call, except on clocksources it cannot read
 *                    (hpet, acpi_pm: emulated machines), where glibc falls
 *                    back to the real call.
 *   getrusage        RUSAGE_THREAD only: the thread's own fault count, the
 *                    measure of "no page faults in steady state".
 *   restart_syscall  the kernel resumes an interrupted clock_nanosleep or
 *                    ioctl through it (after a SIGSTOP or a debugger).
 *   rt_sigprocmask, madvise (MADV_DONTNEED), exit
 *                    the thread's end in glibc: it blocks signals, gives
 *                    back its stack's pages and exits (exit_group, which
 *                    ends the whole process, is refused).
 *   getpid, gettid, tgkill (SIGABRT only)
 *                    abort() (raise() asks the kernel for both ids), which
 *                    is how the guards (this one and fw/guard.c) stop the
 *                    process from this thread.
 *   rt_sigreturn     the return from a signal handler (none runs here:
 *                    every signal is blocked in the thread but SIGSYS,
 *                    whose handler never returns).
 *
 * Not allowed, notably: futex (a lock that had to wait, a condition
 * variable, a semaphore), nanosleep, sched_yield, open/openat, read,
 * mmap/munmap/brk/mprotect (an allocation that reached the kernel),
 * anything on a socket. A refused call raises SIGSYS (SECCOMP_RET_TRAP);
 * the handler names the call on stderr and aborts. A call from another
 * ABI (x32, or a 32-bit int 0x80 on x86_64) kills the process outright.
 */
#include "rtguard.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#ifndef SLIPMAT_GUARD_ABORT
#define SLIPMAT_GUARD_ABORT 1
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RTGUARD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define RTGUARD_SANITIZER 1
#endif
#endif
#ifndef RTGUARD_SANITIZER
#define RTGUARD_SANITIZER 0
#endif

#if defined(__x86_64__)
#define RTGUARD_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define RTGUARD_ARCH AUDIT_ARCH_AARCH64
#endif

#if SLIPMAT_GUARD_ABORT
/* Written to stderr with write(2) only: this runs in the audio thread. */
static void say(const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t n = write(STDERR_FILENO, s, len);

		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}
#endif

#if SLIPMAT_GUARD_ABORT && !RTGUARD_SANITIZER && defined(RTGUARD_ARCH)

/* One allowed call: its number and up to two conditions on its arguments. */
struct rule {
	int nr;
	int nchecks;
	struct {
		int arg;       /* index of the argument; its low 32 bits are tested */
		uint32_t mask; /* (arg & mask) == value */
		uint32_t value;
	} check[2];
	const char *only; /* what the conditions allow, for the message */
};

/* clang-format off */
#define ANY(n) {.nr = __NR_##n}
#define IF1(n, a, m, v, why) {.nr = __NR_##n, .nchecks = 1, .check = {{a, m, v}}, .only = why}
#define IF2(n, a, m, v, b, mb, vb, why) \
	{.nr = __NR_##n, .nchecks = 2, .check = {{a, m, v}, {b, mb, vb}}, .only = why}

static const struct rule rules[] = {
	/* the PCM: ALSA's ioctls (type 'A'), the WAV sink's write and clock */
	IF1(ioctl, 1, 0xff00, 'A' << 8, "ALSA PCM requests (type 'A')"),
	ANY(ppoll),
#ifdef __NR_poll
	ANY(poll),
#endif
	ANY(write),
	IF2(clock_nanosleep, 0, 0xffffffff, CLOCK_MONOTONIC, 1, 0xffffffff, TIMER_ABSTIME,
	    "CLOCK_MONOTONIC to an absolute time"),
	ANY(clock_gettime),
	IF1(getrusage, 0, 0xffffffff, (uint32_t)RUSAGE_THREAD, "RUSAGE_THREAD"),
	ANY(restart_syscall),
	/* the thread's end, and abort() */
	ANY(rt_sigprocmask),
	IF1(madvise, 2, 0xffffffff, MADV_DONTNEED, "MADV_DONTNEED"),
	ANY(exit),
	ANY(getpid),
	ANY(gettid),
	IF1(tgkill, 2, 0xffffffff, SIGABRT, "SIGABRT"),
	ANY(rt_sigreturn),
};

/* Names for the message; calls not listed are named by number. */
#define NAME(n) {__NR_##n, #n}
static const struct {
	int nr;
	const char *name;
} names[] = {
	NAME(read), NAME(write), NAME(openat), NAME(close), NAME(ioctl), NAME(ppoll),
	NAME(pselect6), NAME(epoll_pwait), NAME(mmap), NAME(munmap), NAME(mremap), NAME(mprotect),
	NAME(brk), NAME(madvise), NAME(mlock), NAME(mlockall), NAME(futex), NAME(nanosleep),
	NAME(clock_nanosleep), NAME(sched_yield), NAME(clock_gettime), NAME(gettimeofday),
	NAME(getrusage), NAME(getpid), NAME(gettid), NAME(tgkill), NAME(kill), NAME(rt_sigaction),
	NAME(rt_sigprocmask), NAME(rt_sigreturn), NAME(exit), NAME(exit_group), NAME(clone),
	NAME(execve), NAME(wait4), NAME(socket), NAME(connect), NAME(sendto), NAME(recvfrom),
	NAME(sendmsg), NAME(recvmsg), NAME(lseek), NAME(pread64), NAME(pwrite64), NAME(readv),
	NAME(writev), NAME(fsync), NAME(fdatasync), NAME(newfstatat), NAME(fstat), NAME(statx),
	NAME(getdents64), NAME(unlinkat), NAME(mkdirat), NAME(renameat2), NAME(faccessat),
	NAME(readlinkat), NAME(getcwd), NAME(uname), NAME(sysinfo), NAME(prctl), NAME(seccomp),
	NAME(getrandom), NAME(membarrier), NAME(sched_setscheduler), NAME(sched_setaffinity),
	NAME(sched_getaffinity), NAME(timerfd_settime), NAME(eventfd2), NAME(epoll_ctl),
	NAME(dup3), NAME(pipe2), NAME(set_robust_list), NAME(rseq), NAME(restart_syscall),
	NAME(setitimer), NAME(getitimer), NAME(times), NAME(sigaltstack),
#ifdef __NR_open /* the older calls x86_64 still has */
	NAME(open), NAME(poll), NAME(select), NAME(stat), NAME(lstat), NAME(access), NAME(pipe),
	NAME(dup2), NAME(fork), NAME(vfork), NAME(alarm), NAME(pause), NAME(epoll_wait),
	NAME(time), NAME(unlink), NAME(rename), NAME(mkdir), NAME(creat), NAME(readlink),
	NAME(getdents),
#endif
};

/* clang-format on */

#define NRULES (sizeof rules / sizeof rules[0])
/* arch check (4) + nr load (1) + x32 check (2) + per rule at most 8 + trap */
#define PROG_MAX (8 + 8 * NRULES + 1)

struct prog {
	unsigned short len;
	struct sock_filter ins[PROG_MAX];
};

static void emit(struct prog *p, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	struct sock_filter ins = BPF_JUMP(code, k, jt, jf);

	p->ins[p->len++] = ins;
}

static uint32_t arg_low(int i)
{
	/* The low half of a 64-bit argument, on a little-endian machine. */
	return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * (size_t)i);
}

/*
 * The program: the right ABI or die; then, per rule, "this call? then
 * these argument tests, allow if they all pass, trap if one fails"; any
 * call no rule names traps.
 */
static void build(struct prog *p)
{
	size_t i;
	int c;

	p->len = 0;
	emit(p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), 0, 0);
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, RTGUARD_ARCH, 1, 0);
	emit(p, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
	emit(p, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
#if defined(__x86_64__)
	/* x32 calls share the arch tag, with bit 30 set in the number. */
	emit(p, BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1);
	emit(p, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
#endif
	for (i = 0; i < NRULES; i++) {
		const struct rule *r = &rules[i];
		/* after the JEQ: 3 per check, ALLOW, and TRAP when checked */
		uint8_t body = (uint8_t)(3 * r->nchecks + 1 + (r->nchecks > 0));

		emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r->nr, 0, body);
		for (c = 0; c < r->nchecks; c++) {
			/* jump to the TRAP at the end of this rule */
			uint8_t to_trap = (uint8_t)(3 * (r->nchecks - c - 1) + 1);

			emit(p, BPF_LD | BPF_W | BPF_ABS, arg_low(r->check[c].arg), 0, 0);
			emit(p, BPF_ALU | BPF_AND | BPF_K, r->check[c].mask, 0, 0);
			emit(p, BPF_JMP | BPF_JEQ | BPF_K, r->check[c].value, 0, to_trap);
		}
		emit(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
		if (r->nchecks > 0)
			emit(p, BPF_RET | BPF_K, SECCOMP_RET_TRAP, 0, 0);
	}
	emit(p, BPF_RET | BPF_K, SECCOMP_RET_TRAP, 0, 0);
}

/* Decimal, for a signal handler (no stdio there). Return: the end of the digits. */
static char *put_uint(char *p, unsigned long v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_str(char *p, const char *end, const char *s)
{
	while (*s && p < end)
		*p++ = *s++;
	return p;
}

/*
 * SIGSYS from the filter: name the call and abort. Runs in the audio
 * thread under its filter, so: write(2) and abort() only.
 */
static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	char msg[200], *p = msg, *end = msg + sizeof msg - 2;
	const char *name = NULL, *only = NULL;
	int nr = si->si_syscall;
	size_t i;

	(void)sig;
	(void)ctx;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].nr == nr)
			name = names[i].name;
	for (i = 0; i < NRULES; i++)
		if (rules[i].nr == nr)
			only = rules[i].only;
	p = put_str(p, end, "slipmat rtguard: the audio thread called ");
	p = put_str(p, end, name ? name : "a system call");
	p = put_str(p, end, " (syscall ");
	p = put_uint(p, (unsigned long)nr);
	p = put_str(p, end, ")");
	if (only) {
		p = put_str(p, end, ", allowed there only for ");
		p = put_str(p, end, only);
	}
	*p++ = '\n';
	*p = '\0';
	say(msg);
	abort();
}

int rtguard_install(void)
{
	struct sock_fprog fprog;
	struct sigaction sa;
	struct prog p;
	sigset_t sys;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return -errno;
	/* A blocked SIGSYS would be forced to its default action, without
	 * the message: the audio thread blocks every signal, so unblock it. */
	sigemptyset(&sys);
	sigaddset(&sys, SIGSYS);
	if (pthread_sigmask(SIG_UNBLOCK, &sys, NULL) != 0)
		return -EINVAL;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	build(&p);
	fprog.len = p.len;
	fprog.filter = p.ins;
	/* this thread only: no SECCOMP_FILTER_FLAG_TSYNC */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) < 0)
		return -errno;
	return 0;
}

#else

int rtguard_install(void)
{
#if SLIPMAT_GUARD_ABORT && RTGUARD_SANITIZER
	static volatile int said;

	if (!said) {
		said = 1;
		say("slipmat rtguard: sanitizer build: the audio thread's system calls are not "
		    "filtered\n");
	}
#elif SLIPMAT_GUARD_ABORT
	static volatile int said;

	if (!said) {
		said = 1;
		say("slipmat rtguard: no seccomp filter for this architecture: the audio "
		    "thread's system calls are not filtered\n");
	}
#endif
	return 0;
}

#endif
