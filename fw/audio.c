/*
 * audio.c: the audio thread.
 *
 * Start-up order, and why: mlockall() first, so the thread's stack and
 * everything mapped later are resident; the PCM opened in a window; the
 * period buffers from the arena (prefaulted there); then one pthread,
 * created with every signal blocked (signals belong to the loop's
 * signalfd, and a handler must never run on the real-time thread). The
 * thread publishes its id, touches AUDIO_PREFAULT bytes of its stack,
 * reads its fault count once (getrusage: a syscall, but before the first
 * period, like the prefault), marks itself with guard_rt_enter(), has the
 * kernel filter its syscalls from then on (rtguard_install(): debug builds
 * die on anything but the PCM's) and from then on only asks the device
 * its delay (the engine's audio clock), renders the engine, converts and
 * writes.
 *
 * Load: the time from the end of one write to the start of the next (render
 * and convert, what the thread spends of each period) over the period's
 * duration, on CLOCK_MONOTONIC, which the vDSO answers without a syscall.
 * CLOCK_THREAD_CPUTIME_ID would exclude preemption but is a real syscall
 * on Linux, so it is not used. Minor faults are read by the loop from
 * /proc/self/task/TID/stat, never by the thread.
 */
#include "audio.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "board.h"
#include "engine.h"
#include "guard.h"
#include "log.h"
#include "rtguard.h"

/* Writes in a row that make no progress before the thread gives up. */
#define AUDIO_STUCK_MAX 100

void audio_init(struct audio *au)
{
	memset(au, 0, sizeof *au);
}

void audio_attach(struct audio *au, struct engine *e)
{
	au->engine = e;
}

enum audio_state audio_state(const struct audio *au)
{
	return (enum audio_state)atomic_load_explicit(&au->state, memory_order_acquire);
}

const char *audio_state_name(enum audio_state s)
{
	switch (s) {
	case AUDIO_STOPPED:
		return "stopped";
	case AUDIO_RUNNING:
		return "running";
	case AUDIO_ERROR:
		return "error";
	}
	return "?";
}

/* Record why audio is not running; the state goes last, for the reader. */
static void set_fault(struct audio *au, enum audio_fault f, int err)
{
	atomic_store_explicit(&au->fault, (int)f, memory_order_relaxed);
	atomic_store_explicit(&au->fault_err, err, memory_order_relaxed);
	atomic_store_explicit(&au->state, AUDIO_ERROR, memory_order_release);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Touch the stack the thread will use, so no period ever faults it in. */
__attribute__((noinline)) static void prefault_stack(void)
{
	volatile unsigned char stack[AUDIO_PREFAULT];
	size_t i;

	for (i = 0; i < sizeof stack; i += 1024)
		stack[i] = 0;
}

/*
 * One period of the engine, in float, every channel written. The engine
 * first gets the audio clock: the device's delay now (an ioctl on ALSA),
 * after which the period's frames will be heard.
 */
static void render(struct audio *au, int frames)
{
	struct pcm *p = &au->pcm;
	long long at_ns = 0;
	long queued = 0;

	if (au->engine) {
		if (!p->ops->delay || p->ops->delay(p, &queued, &at_ns) < 0)
			at_ns = 0;
		engine_clock(au->engine, at_ns, queued);
		engine_process(au->engine, au->mix, frames);
	} else
		memset(au->mix, 0, (size_t)frames * (size_t)au->pcm.channels * sizeof(float));
}

/*
 * Queue one period, recovering from xruns.
 * Return: 0, or -errno with the fault recorded (the thread must end).
 */
static int write_period(struct audio *au, int frames, size_t frame_bytes)
{
	const unsigned char *buf = au->out;
	struct pcm *p = &au->pcm;
	int done = 0, stuck = 0;

	while (done < frames) {
		int r = p->ops->write(p, buf + (size_t)done * frame_bytes, frames - done);

		if (r > 0) {
			done += r;
			stuck = 0;
			continue;
		}
		if (atomic_load_explicit(&au->stop, memory_order_relaxed))
			return 0;
		if (++stuck > AUDIO_STUCK_MAX) {
			set_fault(au, AUDIO_FAULT_WRITE, r < 0 ? r : -EIO);
			return r < 0 ? r : -EIO;
		}
		if (r == -EPIPE || r == -ESTRPIPE) {
			int e;

			atomic_fetch_add_explicit(&au->xruns, 1, memory_order_relaxed);
			e = p->ops->recover(p, r);
			if (e < 0) {
				set_fault(au, AUDIO_FAULT_RECOVER, e);
				return e;
			}
		} else if (r != 0 && r != -EINTR && r != -EAGAIN) {
			set_fault(au, AUDIO_FAULT_WRITE, r);
			return r;
		}
	}
	return 0;
}

static void run(struct audio *au)
{
	const int frames = au->pcm.period;
	const size_t samples = (size_t)frames * (size_t)au->pcm.channels;
	const size_t frame_bytes =
	    (size_t)au->pcm.channels * (size_t)convert_sample_bytes(au->pcm.format);
	const double period_ns = 1e9 * frames / au->pcm.rate;
	/* ~1 s time constant for the average */
	const double k = frames < au->pcm.rate ? (double)frames / au->pcm.rate : 1.0;
	unsigned long n = 0;
	unsigned peak = 0;
	double avg = 0;

	while (!atomic_load_explicit(&au->stop, memory_order_relaxed)) {
		long long t0 = now_ns();
		unsigned load;

		render(au, frames);
		convert_f32(au->out, au->pcm.format, au->mix, samples, &au->dither);
		load = (unsigned)((double)(now_ns() - t0) * 1000.0 / period_ns + 0.5);
		avg += (load - avg) * k;
		atomic_store_explicit(&au->load_avg, (unsigned)(avg + 0.5), memory_order_relaxed);
		/* The first buffer's worth fills the device before it starts:
		 * those periods cannot underrun, and run cold; not the peak. */
		if (n >= (unsigned long)au->pcm.periods && load > peak) {
			peak = load;
			atomic_store_explicit(&au->load_peak, peak, memory_order_relaxed);
		}

		if (write_period(au, frames, frame_bytes) < 0)
			return;
		atomic_fetch_add_explicit(&au->periods_done, 1, memory_order_relaxed);
		n++;
	}
	atomic_store_explicit(&au->state, AUDIO_STOPPED, memory_order_release);
}

static void *audio_main(void *arg)
{
	struct audio *au = arg;
	struct rusage ru;

	atomic_store(&au->tid, (int)gettid());
	prefault_stack();
	if (getrusage(RUSAGE_THREAD, &ru) == 0)
		atomic_store(&au->minflt_start, ru.ru_minflt);
	else
		atomic_store(&au->minflt_start, -1L);
	atomic_store(&au->rtguard, 0);
	guard_rt_enter();
	/* The thread cannot log: the loop reports a refusal. */
	atomic_store(&au->rtguard, rtguard_install());
	atomic_store_explicit(&au->ready, 1, memory_order_release);
	run(au);
	return NULL;
}

/* Which outputs carry what, for status. */
static void describe_routing(const struct audio *au, char *buf, size_t size)
{
	if (au->engine)
		snprintf(buf, size, "%s", engine_routing(au->engine));
	else
		snprintf(buf, size, "silence");
}

/* Period buffers: taken once, reused by later starts if they are big enough. */
static int take_buffers(struct audio *au, struct arena *a)
{
	size_t samples = (size_t)au->pcm.period * (size_t)au->pcm.channels;
	size_t mix = samples * sizeof(float);
	size_t out = samples * (size_t)convert_sample_bytes(au->pcm.format);

	if (mix > au->mix_cap) {
		au->mix = arena_alloc(a, mix, 64, "audio period (float)");
		au->mix_cap = au->mix ? mix : 0;
	}
	if (out > au->out_cap) {
		au->out = arena_alloc(a, out, 64, "audio period (device format)");
		au->out_cap = au->out ? out : 0;
	}
	return au->mix && au->out ? 0 : -ENOMEM;
}

static void close_pcm(struct audio *au)
{
	if (!au->pcm_open)
		return;
	guard_window_begin("audio: close PCM");
	au->pcm.ops->close(&au->pcm);
	guard_window_end();
	au->pcm_open = 0;
}

/*
 * mlockall(), current and future mappings. Without the privilege to lock
 * any amount (not root, RLIMIT_MEMLOCK finite), MCL_FUTURE would make
 * every later mapping that crosses the limit fail (a framebuffer, the next
 * thread's stack), so only what is mapped now gets locked.
 * Return: 1 when current and future memory are locked.
 */
static int lock_memory(void)
{
	struct rlimit lim;
	int limited =
	    geteuid() != 0 && getrlimit(RLIMIT_MEMLOCK, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY;

	if (!limited && mlockall(MCL_CURRENT | MCL_FUTURE) == 0)
		return 1;
	if (!limited)
		log_warn("audio: mlockall: %s; the audio thread may take page faults",
		         strerror(errno));
	else if (mlockall(MCL_CURRENT) == 0)
		log_warn("audio: memory lock limit %llu KiB: locked what is mapped now, not "
		         "what comes later",
		         (unsigned long long)lim.rlim_cur / 1024);
	else
		log_warn("audio: mlockall within the %llu KiB limit: %s; the audio thread may "
		         "take page faults",
		         (unsigned long long)lim.rlim_cur / 1024, strerror(errno));
	return 0;
}

/*
 * Wait (bounded) until the new thread has set itself up. Until then it
 * may allocate: nothing does in a plain build, but a sanitizer's thread
 * start-up does, and that must land inside our window, not after it.
 */
static void wait_ready(struct audio *au)
{
	struct timespec ms = {0, 1000000};
	int i;

	for (i = 0; i < 2000; i++) {
		if (atomic_load_explicit(&au->ready, memory_order_acquire))
			return;
		nanosleep(&ms, NULL);
	}
	log_warn("audio thread: not ready after 2 s");
}

/*
 * pthread_create allocates (the thread's TLS vector; the attribute's CPU
 * set): inside a window, which stays open until the thread is ready.
 * Falls back to a normal thread on EPERM (no CAP_SYS_NICE or
 * RLIMIT_RTPRIO) and to any CPU when the mask is refused.
 */
static int create_thread(struct audio *au, const struct board_realtime *rt)
{
	int lo = sched_get_priority_min(SCHED_FIFO), hi = sched_get_priority_max(SCHED_FIFO);
	int prio = rt->priority, fifo = 1, pin = rt->cpus != 0, err;
	sigset_t all, old;

	if (prio < lo || prio > hi) {
		log_warn("audio thread: priority %d out of %d..%d; using %d", prio, lo, hi,
		         prio < lo ? lo : hi);
		prio = prio < lo ? lo : hi;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	guard_window_begin("audio: create thread");
	for (;;) {
		struct sched_param sp = {.sched_priority = fifo ? prio : 0};
		pthread_attr_t attr;
		cpu_set_t set;
		unsigned i;

		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, AUDIO_STACK);
		pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
		pthread_attr_setschedpolicy(&attr, fifo ? SCHED_FIFO : SCHED_OTHER);
		pthread_attr_setschedparam(&attr, &sp);
		if (pin) {
			CPU_ZERO(&set);
			for (i = 0; i < 8 * sizeof rt->cpus && i < CPU_SETSIZE; i++)
				if (rt->cpus & (1UL << i))
					CPU_SET(i, &set);
			pthread_attr_setaffinity_np(&attr, sizeof set, &set);
		}
		err = pthread_create(&au->thread, &attr, audio_main, au);
		pthread_attr_destroy(&attr);
		if (err == EPERM && fifo) {
			log_warn("audio thread: SCHED_FIFO priority %d refused (%s); running it as "
			         "a normal thread, xruns likely under load",
			         prio, strerror(err));
			fifo = 0;
			continue;
		}
		if (err == EINVAL && pin) {
			log_warn("audio thread: CPU mask 0x%lx refused; running on any CPU",
			         rt->cpus);
			pin = 0;
			continue;
		}
		break;
	}
	if (err == 0)
		wait_ready(au);
	guard_window_end();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		log_error("audio thread: cannot create: %s", strerror(err));
		return -err;
	}
	au->have_thread = 1;
	au->fifo = fifo;
	au->priority = fifo ? prio : 0;
	au->any_cpu = !pin;
	au->cpus = pin ? rt->cpus : 0;
	return 0;
}

int audio_start(struct audio *au, const struct board *b, struct arena *a, const struct pcm_ops *ops)
{
	char routing[40], thread[64];
	int err;

	if (au->have_thread || au->pcm_open) {
		log_error("audio: start while %s is still open", au->pcm.device);
		return -EBUSY;
	}
	atomic_store(&au->stop, 0);
	atomic_store(&au->tid, 0);
	atomic_store(&au->ready, 0);
	atomic_store(&au->xruns, 0);
	atomic_store(&au->periods_done, 0);
	atomic_store(&au->load_avg, 0);
	atomic_store(&au->load_peak, 0);
	atomic_store(&au->minflt_start, -1L);
	atomic_store(&au->rtguard, 0);
	atomic_store(&au->fault, AUDIO_FAULT_NONE);
	atomic_store(&au->fault_err, 0);
	atomic_store(&au->state, AUDIO_STOPPED);
	au->fault_logged = 0;

	au->mlocked = lock_memory();

	guard_window_begin("audio: open PCM");
	err = ops->open(&au->pcm, &b->audio);
	guard_window_end();
	if (err < 0) {
		snprintf(au->pcm.device, sizeof au->pcm.device, "%s", b->audio.device);
		set_fault(au, AUDIO_FAULT_OPEN, err);
		return err;
	}
	au->pcm.ops = ops;
	au->pcm_open = 1;

	err = take_buffers(au, a);
	if (err == 0 && au->engine &&
	    (au->engine->rate != au->pcm.rate || au->engine->channels != au->pcm.channels)) {
		log_error("audio: %s plays %d Hz %d channels, the engine was set up for %d Hz %d",
		          au->pcm.device, au->pcm.rate, au->pcm.channels, au->engine->rate,
		          au->engine->channels);
		err = -EINVAL;
	}
	if (err == 0) {
		dither_init(&au->dither, 0x51f3a7u);
		atomic_store(&au->state, AUDIO_RUNNING);
		err = create_thread(au, &b->rt);
	}
	if (err < 0) {
		close_pcm(au);
		set_fault(au, AUDIO_FAULT_THREAD, err);
		return err;
	}
	describe_routing(au, routing, sizeof routing);
	if (au->fifo)
		snprintf(thread, sizeof thread, "SCHED_FIFO %d", au->priority);
	else
		snprintf(thread, sizeof thread, "normal thread");
	if (au->cpus)
		snprintf(thread + strlen(thread), sizeof thread - strlen(thread),
		         " on cpu mask 0x%lx", au->cpus);
	err = atomic_load(&au->rtguard);
	if (err < 0)
		log_warn("audio thread: the kernel refused its syscall filter (%s); it plays "
		         "unguarded",
		         strerror(-err));
	/* the PCM's open logged the device and format */
	log_info("audio: %s, mlockall %s, %.1f ms buffer; %s", thread,
	         au->mlocked ? "ok" : "failed",
	         1000.0 * au->pcm.period * au->pcm.periods / au->pcm.rate, routing);
	return 0;
}

void audio_stop(struct audio *au)
{
	if (au->have_thread) {
		struct timespec ts;

		/* Joining frees the thread's TLS vector (and a sanitizer's
		 * thread exit may free more): open the window first. */
		guard_window_begin("audio: join thread");
		atomic_store(&au->stop, 1);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 2;
		if (pthread_timedjoin_np(au->thread, NULL, &ts) == ETIMEDOUT) {
			log_error("audio: thread still in a write to %s after 2 s; waiting",
			          au->pcm.device);
			pthread_join(au->thread, NULL);
		}
		guard_window_end();
		au->have_thread = 0;
	}
	close_pcm(au);
	if (audio_state(au) != AUDIO_ERROR)
		atomic_store_explicit(&au->state, AUDIO_STOPPED, memory_order_release);
}

/* Field 10 of /proc/self/task/TID/stat: the thread's minor faults. -1: gone. */
static long thread_minflt(int tid)
{
	char path[48], buf[512];
	const char *s;
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* The name (field 2) is in parentheses and may hold spaces or ')'. */
	s = strrchr(buf, ')');
	if (s == NULL)
		return -1;
	for (field = 2; field < 10 && s; field++)
		s = strchr(s + 1, ' ');
	return s ? strtol(s + 1, NULL, 10) : -1;
}

static void describe_fault(const struct audio *au, char *buf, size_t size)
{
	static const char *const where[] = {
	    [AUDIO_FAULT_NONE] = "",
	    [AUDIO_FAULT_OPEN] = "open failed",
	    [AUDIO_FAULT_THREAD] = "start failed",
	    [AUDIO_FAULT_WRITE] = "write failed",
	    [AUDIO_FAULT_RECOVER] = "xrun recovery failed",
	};
	int f = atomic_load_explicit(&au->fault, memory_order_relaxed);
	int err = atomic_load_explicit(&au->fault_err, memory_order_relaxed);

	if (f <= AUDIO_FAULT_NONE || f > AUDIO_FAULT_RECOVER) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, size, "%s: %s", where[f], strerror(-err));
}

int audio_check(struct audio *au)
{
	char why[96];

	if (audio_state(au) != AUDIO_ERROR)
		return 0;
	if (!au->fault_logged) {
		describe_fault(au, why, sizeof why);
		log_error("audio: %s: %s; audio stopped", au->pcm.device, why);
		au->fault_logged = 1;
	}
	return atomic_load(&au->fault_err);
}

void audio_report(const struct audio *au, struct audio_report *r)
{
	const struct pcm *p = &au->pcm;
	long start;
	int tid;

	memset(r, 0, sizeof *r);
	r->state_id = audio_state(au);
	snprintf(r->device, sizeof r->device, "%s", p->device);
	snprintf(r->card, sizeof r->card, "%s", p->card);
	r->format = convert_format_name(p->format);
	r->rate = p->rate;
	r->channels = p->channels;
	r->period = p->period;
	r->periods = p->periods;
	r->latency_ms = p->rate > 0 ? 1000.0 * p->period * p->periods / p->rate : 0;
	if (r->state_id == AUDIO_ERROR) {
		char why[56];

		describe_fault(au, why, sizeof why);
		snprintf(r->state, sizeof r->state, "error: %s", why);
	} else {
		snprintf(r->state, sizeof r->state, "%s", audio_state_name(r->state_id));
	}
	r->xruns = atomic_load_explicit(&au->xruns, memory_order_relaxed);
	r->periods_done = atomic_load_explicit(&au->periods_done, memory_order_relaxed);
	r->load_avg = atomic_load_explicit(&au->load_avg, memory_order_relaxed) / 10.0;
	r->load_peak = atomic_load_explicit(&au->load_peak, memory_order_relaxed) / 10.0;
	r->fifo = au->fifo;
	r->priority = au->priority;
	r->mlocked = au->mlocked;
	r->minor_faults = -1;
	tid = atomic_load(&au->tid);
	start = atomic_load(&au->minflt_start);
	if (r->state_id == AUDIO_RUNNING && tid > 0 && start >= 0) {
		long now = thread_minflt(tid);

		if (now >= start)
			r->minor_faults = now - start;
	}
	r->rtguard = atomic_load(&au->rtguard);
	if (p->channels > 0)
		describe_routing(au, r->routing, sizeof r->routing);
}

int audio_report_format(const struct audio_report *r, char *buf, size_t size)
{
	char faults[24];

	if (r->rate <= 0) /* never opened */
		return snprintf(buf, size, "audio %s; %s", r->state, r->device);
	if (r->minor_faults >= 0)
		snprintf(faults, sizeof faults, "%ld", r->minor_faults);
	else
		snprintf(faults, sizeof faults, "n/a");
	return snprintf(buf, size,
	                "audio %s; %s (%s) %s %dch %d Hz %dx%d (%.1f ms); xruns %lu, periods %lu, "
	                "load %.1f%% avg %.1f%% peak; %s %d, mlockall %s, faults %s; %s",
	                r->state, r->device, r->card, r->format, r->channels, r->rate, r->period,
	                r->periods, r->latency_ms, r->xruns, r->periods_done, r->load_avg,
	                r->load_peak, r->fifo ? "SCHED_FIFO" : "normal", r->priority,
	                r->mlocked ? "ok" : "failed", faults, r->routing);
}
