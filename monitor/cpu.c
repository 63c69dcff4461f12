/* The state the monitor keeps per CPU (monitor.h): zero at boot, every CPU off (psci.c). */
#include "monitor.h"

struct monitor_cpu monitor_cpus[MAX_CPUS];
