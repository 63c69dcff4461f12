/* Wall-clock time: read once from the platform's RTC at boot, then kept by the generic
 * counter (which never stops and never goes back). */
#ifndef TRIAD_WALLCLOCK_H
#define TRIAD_WALLCLOCK_H

#include <stdint.h>

void wallclock_init(void);
/* Seconds since the epoch, now (32 bits, like the PL031 counter). */
uint32_t wallclock_seconds(void);
/* The physical counter value at which wallclock_seconds() becomes `sec`. */
uint64_t wallclock_counter_at(uint32_t sec);

#endif
