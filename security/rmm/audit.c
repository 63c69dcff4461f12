/*
 * The RMM's audit records (include/triad/rmm_audit.h): appended to the page the host
 * named for this CPU. The page stays the host's memory: the RMM only writes to it, never
 * trusts what it reads there, and a page the host has since delegated faults, which
 * ns_write survives; the RMM then stops writing to it.
 */
#include <triad/rmm_audit.h>

#include "rec.h"
#include "rmm.h"

void rmm_audit_set_page(const uint64_t *in, uint64_t *out)
{
	struct rmm_cpu *cpu = rmm_this_cpu();
	if (in[1] && !granule_is_host(in[1])) {
		out[0] = RMI_ERROR_INPUT;
		return;
	}
	cpu->audit_page = in[1];
	cpu->audit_count = 0;
	const uint64_t zero = 0;
	if (in[1] && ns_write((void *)(in[1] + NS_ALIAS), &zero, sizeof(zero))) {
		cpu->audit_page = 0; /* delegated since the check: nothing is written */
		out[0] = RMI_ERROR_INPUT;
		return;
	}
	out[0] = RMI_SUCCESS;
}

void rmm_audit(const void *rd, enum rmm_audit_event event, uint64_t info0, uint64_t info1)
{
	struct rmm_cpu *cpu = rmm_this_cpu();
	if (!cpu->audit_page)
		return;
	struct rmm_audit_page *page = (struct rmm_audit_page *)(cpu->audit_page + NS_ALIAS);
	struct rmm_audit_record r = {
	    .time = read_sysreg(cntpct_el0),
	    .rd = (uint64_t)rd, /* the RMM maps realm granules at their addresses */
	    .event = event,
	    .info = {info0, info1},
	};
	uint64_t n = cpu->audit_count + 1;
	if (ns_write(&page->rec[cpu->audit_count % RMM_AUDIT_RECORDS], &r, sizeof(r)) ||
	    ns_write(&page->count, &n, sizeof(n))) {
		cpu->audit_page = 0;
		return;
	}
	cpu->audit_count = n;
}
