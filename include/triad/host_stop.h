/* Stopping the whole machine gracefully (core/host_stop.c): the host asks (the machine's
 * power key), every guest is asked in turn (its own power key), and whatever has not
 * powered off by the deadline is stopped. */
#ifndef TRIAD_HOST_STOP_H
#define TRIAD_HOST_STOP_H

#include <stdbool.h>

/* A first request starts the graceful stop; a second one stops the remaining VMs now. */
void host_stop_request(void);
/* Seconds a guest has to power off (triad.stop_grace= on Triad's command line). */
void host_stop_set_grace(unsigned seconds);
/* Once asked, the run ends when the last VM stops, control channel or not. */
bool host_stop_in_progress(void);

#endif
