/* The statistics guest: makes a known number of each kind of exit, then powers off, so that
 * a test can compare Triad's per-VM statistics and audit log with what it did. Exactly
 * STATS_HVCS HVCs (SMCCC_VERSION), STATS_REFUSED HVCs of a function nobody implements
 * (refused, each an audit record; more than Triad's warning budget of a VM) and STATS_SMCS
 * SMCs (trapped: HCR_EL2.TSC) before the final PSCI SYSTEM_OFF, itself one more HVC. Its
 * console output is data aborts, counted apart. */
#include "../lib/guest.h"

#define STATS_HVCS	 1000
#define STATS_SMCS	 250
#define STATS_REFUSED	 100
#define NOBODYS_FUNCTION 0x86001234UL /* a fast call of an owner Triad serves nothing of */

int main(const char *dtb)
{
	(void)dtb;
	for (unsigned i = 0; i < STATS_HVCS; i++)
		hvc(SMCCC_VERSION, 0, 0, 0);
	for (unsigned i = 0; i < STATS_REFUSED; i++)
		hvc(NOBODYS_FUNCTION, 0, 0, 0);
	for (unsigned i = 0; i < STATS_SMCS; i++)
		smc(SMCCC_VERSION, 0, 0, 0);
	puts_("statsguest: done\n");
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	return 0;
}
