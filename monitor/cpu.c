/* The state the monitor keeps per CPU (monitor.h): zero at boot (start.S clears .bss), so
 * every CPU is off (psci.c) until CPU 0 starts and CPU_ON starts the others. */
#include "monitor.h"

struct monitor_cpu monitor_cpus[MAX_CPUS];
