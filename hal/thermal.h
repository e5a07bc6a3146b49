/*
 * thermal: the SoC's temperature, from the kernel's thermal zones
 * (/sys/class/thermal/thermal_zoneN/{type,temp}, millidegrees C).
 *
 * The zones are found once at init and kept open, so a reading is a
 * pread() of each: no allocation, no path walking in steady state. A box
 * reports the hottest of its SoC zones (on RK3588: soc-thermal and the
 * big and little CPU clusters' zones); one without zones (the emulator,
 * a host) reads NaN, and the UI goes by the audio load alone.
 */
#ifndef SLIPMAT_THERMAL_H
#define SLIPMAT_THERMAL_H

#define THERMAL_MAX_ZONES 16

struct thermal {
	int count;
	int fd[THERMAL_MAX_ZONES];
	char type[THERMAL_MAX_ZONES][24];
};

/*
 * Open every zone under root ("/sys/class/thermal" on the box; tests pass
 * a directory of their own). Return: the number of zones (0 is not an
 * error).
 */
int thermal_open(struct thermal *t, const char *root);

/* Return: the hottest zone in degrees C, or NaN when none reads. */
float thermal_read(const struct thermal *t);

void thermal_close(struct thermal *t);

#endif
