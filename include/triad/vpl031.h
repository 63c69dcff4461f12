/* Emulated PL031 real-time clock: the guest's wall-clock time. Pure logic, host-tested:
 * the caller passes the host's time in seconds since the epoch with every call. */
#ifndef TRIAD_VPL031_H
#define TRIAD_VPL031_H

#include <stdbool.h>
#include <stdint.h>

struct vpl031 {
	uint32_t offset; /* guest time - host time, seconds (modulo 2^32, like the counter) */
	uint32_t load;	 /* last value written to RTCLR (it reads back) */
	uint32_t match;	 /* RTCMR */
	bool imsc;	 /* match interrupt enabled */
	bool ris;	 /* match happened, not cleared */
};

void vpl031_init(struct vpl031 *r);
/* 32-bit register accesses; false for anything else (the caller injects an abort). */
bool vpl031_read(const struct vpl031 *r, uint32_t now, uint64_t off, unsigned size, uint64_t *val);
bool vpl031_write(struct vpl031 *r, uint32_t now, uint64_t off, unsigned size, uint64_t val);
/* The interrupt line: a match that is unmasked and not cleared. */
bool vpl031_irq_level(const struct vpl031 *r);
/* Seconds until the guest's clock reaches the match value (0: it is there now, and a
 * write of the match register already fired it). The caller calls vpl031_expire() then. */
uint32_t vpl031_seconds_to_match(const struct vpl031 *r, uint32_t now);
/* The host time reached the alarm: the match fires if the guest's clock equals it. */
void vpl031_expire(struct vpl031 *r, uint32_t now);

/* The RTC's state for a snapshot; restore checks it and changes nothing if it is bad. */
struct vpl031_saved {
	uint32_t offset, load, match, imsc, ris;
};
void vpl031_save(const struct vpl031 *r, struct vpl031_saved *s);
bool vpl031_restore(struct vpl031 *r, const struct vpl031_saved *s);

#endif
