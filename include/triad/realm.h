/* The realm world as the normal-world hypervisor sees it: the RMM it talks RMI to. */
#ifndef TRIAD_REALM_H
#define TRIAD_REALM_H

#include <stdbool.h>

extern bool rmm_present;

/* At boot, under Triad's own monitor: is an RMM there, speaking RMI 1.0? */
void rmi_probe(void);

#endif
