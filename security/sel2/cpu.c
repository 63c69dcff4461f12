/* This CPU at Secure EL2: its index, and the state S-EL2 keeps for it (sel2.h). */
#include "sel2.h"

struct sel2_cpu sel2_cpus[MAX_CPUS];

unsigned this_cpu(void)
{
	return mpidr_cpu_index(read_sysreg(mpidr_el1));
}
