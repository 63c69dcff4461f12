/* One-shot timers on each physical CPU's EL2 physical timer (CNTHP). */
#ifndef TRIAD_SOFTTIMER_H
#define TRIAD_SOFTTIMER_H

#include <stdbool.h>
#include <stdint.h>

struct softtimer {
	uint64_t deadline; /* in physical counter ticks */
	void (*fn)(struct softtimer *t);
	struct softtimer *next;
	unsigned cpu; /* where it is armed */
	volatile bool armed;
};

/* Arms (or re-arms) t on the calling CPU; it fires there. */
void softtimer_arm(struct softtimer *t, uint64_t deadline);
/* Disarms t, wherever it is armed. */
void softtimer_cancel(struct softtimer *t);
/* Disarms t and waits until its callback (which may re-arm it) runs nowhere: then its
 * memory may be freed. Not from t's own callback. */
void softtimer_cancel_sync(struct softtimer *t);
/* Runs expired timers; called from the CNTHP interrupt. */
void softtimer_expire(void);

#endif
