/*
 * Triad's own call to its RMM (include/triad/rmm_audit.h): the page where the RMM appends
 * its audit records for this CPU. Only a whole, tracked, Non-secure granule is taken; the
 * RMM starts its count there at zero.
 */
#include "fwtest.h"

static uint64_t page[512] __attribute__((aligned(4096)));

void audit_page(void)
{
	uint64_t pa = (uint64_t)page;
	check(rmi(TRIAD_RMM_AUDIT_PAGE, pa + 8) == RMI_ERROR_INPUT, "an audit page not aligned",
	      pa + 8);
	check(rmi(TRIAD_RMM_AUDIT_PAGE, 0x1000) == RMI_ERROR_INPUT, "an audit page outside DRAM",
	      0x1000);
	check(rmi(RMI_GRANULE_DELEGATE, pa) == RMI_SUCCESS, "delegating a granule", pa);
	check(rmi(TRIAD_RMM_AUDIT_PAGE, pa) == RMI_ERROR_INPUT, "a delegated audit page", pa);
	check(rmi(RMI_GRANULE_UNDELEGATE, pa) == RMI_SUCCESS, "undelegating it", pa);
	page[0] = 0x5a5a;
	check(rmi(TRIAD_RMM_AUDIT_PAGE, pa) == RMI_SUCCESS, "a host granule as the audit page", pa);
	check(page[0] == 0, "the RMM's count in the audit page starts at zero", page[0]);
	check(rmi(TRIAD_RMM_AUDIT_PAGE, 0) == RMI_SUCCESS, "no audit page", 0);
}
