/*
 * pid1: what slipmat does when the kernel starts it as init.
 *
 * The box has no other init: slipmat mounts the pseudo file systems it
 * needs, reaps every child (a technician's shell, a helper), and never
 * exits, since init exiting panics the kernel.
 */
#ifndef SLIPMAT_PID1_H
#define SLIPMAT_PID1_H

/* Return: nonzero when this process is PID 1. */
int pid1_is_init(void);

/*
 * Mount proc, sys, devtmpfs on /dev, tmpfs on /run and /tmp where they
 * are not mounted yet, and make /dev/console our stdio if we have none.
 * Return: number of mounts that failed (each logged).
 */
int pid1_setup(void);

/* Reap every exited child without blocking. Return: how many. */
int pid1_reap(void);

/*
 * Write line to the kernel log (/dev/kmsg), where it gets the kernel's
 * own timestamp: how boot milestones are measured from kernel start.
 * Pre: line ends in a newline (without one the kernel holds it back).
 */
void pid1_kmsg(const char *line);

/* Init must not return: sleep forever, reaping children. */
__attribute__((noreturn)) void pid1_idle(void);

#endif
