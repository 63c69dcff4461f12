/* notif.c: the FF-A guest's notification checks ("ffa=notif", "ffa=notif-vm"). */
#ifndef FFAGUEST_NOTIF_H
#define FFAGUEST_NOTIF_H

#include <stdbool.h>
#include <stdint.h>

extern bool notif_mode; /* the checks run: vCPU 1 and interrupts are theirs */
void notif_tests(const char *dtb, uint16_t me);
void notif_secondary(void); /* vCPU 1's part */
void notif_irq(void);	    /* an interrupt came */
/* With notif_mode: vCPU cpu takes the NPI; waits until it has taken more than `seen`
 * (false after a hang detector's time). msg.c's too. */
void npi_on(unsigned cpu);
bool wait_npi(unsigned cpu, unsigned seen);

#endif
