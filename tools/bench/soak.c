/*
 * soak: the full engine (tools/bench/scene.h) played in real time by the
 * box's own audio thread (fw/audio.c: SCHED_FIFO, mlockall, the syscall
 * filter in debug builds) into the WAV sink (hal/wavsink.c, paced like a
 * device with a buffer of PERIODS x 64 frames, writing to /dev/null),
 * while one busy process per CPU competes for the machine.
 *
 *   soak SECONDS [PERIODS [BUSY]]    PERIODS: 2 by default; BUSY: busy
 *                                    processes, one per CPU by default
 *
 * Prints "key value" lines for tools/bench/run.sh: the worst and mean
 * time the thread spent on a period (render and convert, as status
 * reports it, against the period's 1333 us), xruns the device would have
 * had (the sink's count of writes that came a whole buffer late, plus
 * the PCM's own), the thread's minor page faults while playing, and
 * whether it got SCHED_FIFO.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fw/arena.h"
#include "fw/audio.h"
#include "fw/engine.h"
#include "fw/guard.h"
#include "fw/log.h"
#include "hal/pcm.h"
#include "scene.h"

#define SOAK_ARENA (64u << 20)
#define BUSY_MAX 64

static struct arena arena;
static struct engine engine;
static struct scene scene;
static struct audio au;
static pid_t busy[BUSY_MAX];
static int nbusy;

static void start_busy(int n)
{
	for (nbusy = 0; nbusy < n && nbusy < BUSY_MAX; nbusy++) {
		pid_t pid = fork();

		if (pid == 0) {
			volatile unsigned long spin = 0;

			prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the soak */
			for (;;)
				spin++;
		}
		if (pid < 0)
			break;
		busy[nbusy] = pid;
	}
}

static void stop_busy(void)
{
	for (int i = 0; i < nbusy; i++) {
		kill(busy[i], SIGKILL);
		waitpid(busy[i], NULL, 0);
	}
	nbusy = 0;
}

static void sleep_s(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The sink's count of writes that came a whole buffer late, from its warning. */
static unsigned long sink_underruns(void)
{
	char lines[LOG_RECENT_MAX][LOG_LINE_MAX];
	int n = log_recent(lines, LOG_RECENT_MAX);
	unsigned long u = 0;

	for (int i = 0; i < n; i++) {
		const char *s = strstr(lines[i], "fell a buffer behind ");

		if (s)
			u = strtoul(s + strlen("fell a buffer behind "), NULL, 10);
	}
	return u;
}

/*
 * Ticks (USER_HZ) the hypervisor kept this machine's CPUs from running,
 * all CPUs together: the "steal" column of /proc/stat. On a virtual
 * machine a period's wall time includes any stretch in which the vCPU
 * itself was not running, which no scheduling inside can prevent.
 */
static unsigned long long steal_ticks(void)
{
	unsigned long long v[8] = {0};
	FILE *f = fopen("/proc/stat", "r");

	if (!f)
		return 0;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]) != 8)
		v[7] = 0;
	fclose(f);
	return v[7];
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 30;
	int periods = argc > 2 ? atoi(argv[2]) : 2;
	int nproc = (int)sysconf(_SC_NPROCESSORS_ONLN);
	int nb = argc > 3 ? atoi(argv[3]) : nproc;
	struct engine_state st;
	struct audio_report r;
	unsigned long under;
	unsigned long long steal0, steal1;
	struct board b;
	int err;

	if (argc < 2 || seconds <= 0 || periods < 2) {
		fprintf(stderr, "usage: soak SECONDS [PERIODS [BUSY]]\n");
		return 2;
	}
	log_set_level(LOG_WARN);
	scene_board(&b, "wav:/dev/null");
	b.audio.periods = periods;
	err = scene_setup(&scene, &engine, &arena, SOAK_ARENA, &b);
	if (err) {
		fprintf(stderr, "soak: set-up failed: %s\n", strerror(-err));
		return 1;
	}

	start_busy(nb);
	audio_init(&au);
	audio_attach(&au, &engine);
	err = audio_start(&au, &b, &arena, &pcm_wav_ops);
	if (err) {
		stop_busy();
		fprintf(stderr, "soak: audio did not start: %s\n", strerror(-err));
		return 1;
	}
	steal0 = steal_ticks();
	guard_arm(); /* steady state: nothing may allocate */
	sleep_s(seconds);
	audio_report(&au, &r);
	err = engine_state(&engine, &st);
	guard_disarm();
	steal1 = steal_ticks(); /* stdio allocates */
	audio_stop(&au);
	stop_busy();
	under = sink_underruns();

	printf("seconds %.0f\n", seconds);
	printf("busy_processes %d\ncpus %d\n", nb, nproc);
	printf("period_frames %d\nperiods %d\n", r.period, r.periods);
	printf("buffer_ms %.2f\n", r.latency_ms);
	printf("fifo %d\npriority %d\nmlocked %d\n", r.fifo, r.priority, r.mlocked);
	printf("periods_done %lu\n", r.periods_done);
	printf("worst_us %.1f\n", r.load_peak / 100.0 * 1e6 * r.period / r.rate);
	printf("worst_pct %.1f\n", r.load_peak);
	printf("last_second_pct %.1f\n", r.load_avg);
	printf("xruns %lu\n", r.xruns + under);
	printf("minor_faults %ld\n", r.minor_faults);
	printf("steal_ms %llu\n", (steal1 - steal0) * 1000 / (unsigned long long)sysconf(_SC_CLK_TCK));
	printf("state %s\n", r.state);
	if (err == 0)
		printf("decks_playing %d %d\n", st.deck[0].playing, st.deck[1].playing);
	return 0;
}
