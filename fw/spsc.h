/*
 * spsc: a lock-free ring of fixed-size messages between exactly one
 * producer thread and exactly one consumer thread.
 *
 * How the audio thread and the loop talk (commands one way, state the
 * other) without either ever waiting for the other. The producer owns
 * head, the consumer owns tail; each reads the other's index with acquire
 * and publishes its own with release, so a message's bytes are visible
 * before the index that hands it over. Each side also keeps a private copy
 * of the other's index and re-reads the shared one only when that copy
 * says full (or empty): in steady state a push or pop touches no cache
 * line the other thread writes. head, tail and the read-only part sit on
 * separate cache lines so the two cores do not fight over one.
 *
 * Capacity is a power of two and the indices run free (they wrap at
 * SIZE_MAX, harmlessly): count = head - tail, slot = index & mask. No
 * locks, no syscalls, no allocation after spsc_init(): safe in the audio
 * thread on either side.
 */
#ifndef SLIPMAT_SPSC_H
#define SLIPMAT_SPSC_H

#include <stdatomic.h>
#include <stddef.h>

struct arena;

/* The cache line of the cores slipmat runs on (Cortex-A76/A55, x86-64). */
#define SPSC_CACHE_LINE 64

struct spsc {
	/* Producer's line: its index, its view of the consumer's. */
	_Alignas(SPSC_CACHE_LINE) atomic_size_t head;
	size_t tail_seen;
	/* Consumer's line. */
	_Alignas(SPSC_CACHE_LINE) atomic_size_t tail;
	size_t head_seen;
	/* Read-only after init. */
	_Alignas(SPSC_CACHE_LINE) unsigned char *slots;
	size_t msg_size; /* bytes per message */
	size_t mask;     /* capacity - 1 */
};

/*
 * Take room for capacity messages of msg_size bytes from a.
 * Return: 0; -EINVAL unless capacity is a power of two (>= 2) and
 * msg_size > 0; -ENOMEM when the arena is full (logged, naming what).
 * Pre: loop thread, at init.
 */
int spsc_init(struct spsc *q, struct arena *a, size_t msg_size, size_t capacity, const char *what);

/*
 * Copy msg (msg_size bytes) in.
 * Return: 0; -EAGAIN when full (nothing written).
 * Pre: the producer thread only.
 */
int spsc_push(struct spsc *q, const void *msg);

/*
 * Copy the oldest message out into msg.
 * Return: 0; -EAGAIN when empty.
 * Pre: the consumer thread only.
 */
int spsc_pop(struct spsc *q, void *msg);

/* Return: messages waiting; exact on either side, a snapshot elsewhere. */
size_t spsc_count(struct spsc *q);

/* Return: how many messages the ring holds when full. */
size_t spsc_capacity(const struct spsc *q);

/*
 * spsc_box: the newest of a stream of snapshots (a triple buffer), for
 * state that the consumer wants as it is now rather than every step of
 * (a ring hands over the oldest first, and when it is full the newest is
 * the one dropped). Three slots: the producer fills its own, then swaps it
 * with the middle one in a single atomic exchange (release), marking it
 * fresh; the consumer, when the middle is fresh, swaps its own for it
 * (acquire). Each slot belongs to one thread at a time, so neither side
 * ever waits or copies under the other's feet; a snapshot the consumer
 * did not come for in time is simply replaced by the next.
 */
struct spsc_box {
	_Alignas(SPSC_CACHE_LINE) atomic_uint middle; /* slot index, | SPSC_BOX_FRESH */
	_Alignas(SPSC_CACHE_LINE) unsigned back;      /* the producer's slot */
	_Alignas(SPSC_CACHE_LINE) unsigned front;     /* the consumer's slot */
	int have;                                     /* the consumer has had one */
	_Alignas(SPSC_CACHE_LINE) unsigned char *slots;
	size_t size; /* bytes per slot, rounded up to a cache line */
};

#define SPSC_BOX_FRESH 4u

/*
 * Take three slots of size bytes from a.
 * Return: 0; -EINVAL for size 0; -ENOMEM when the arena is full (logged).
 * Pre: loop thread, at init.
 */
int spsc_box_init(struct spsc_box *b, struct arena *a, size_t size, const char *what);

/* Return: the producer's slot, to fill. Pre: the producer thread only. */
void *spsc_box_back(struct spsc_box *b);

/* Hand the filled slot over; the producer gets another. Pre: producer. */
void spsc_box_publish(struct spsc_box *b);

/*
 * Return: the newest snapshot published, valid until the next call; NULL
 * before the first. Pre: the consumer thread only.
 */
const void *spsc_box_latest(struct spsc_box *b);

#endif
