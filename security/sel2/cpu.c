/* This CPU at Secure EL2: its index, and the state S-EL2 keeps for it (sel2.h). */
#include "sel2.h"

struct sel2_cpu sel2_cpus[MAX_CPUS];

unsigned this_cpu(void)
{
	uint64_t m = read_sysreg(mpidr_el1);
	return (unsigned)((m & 0xff) + ((m >> 8) & 0xff) * 16);
}
