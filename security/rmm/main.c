/*
 * Triad's Realm Management Monitor at Realm EL2 (Arm RMM 1.0). It boots on each CPU when
 * EL3 first enters it there, then lives in one loop: its SMC to EL3 hands the last RMI
 * call's results to the host and comes back with the next call.
 */
#include <triad/smccc.h>

#include "attest.h"
#include "rec.h"
#include "rmm.h"

static unsigned nr_cpus;
static struct rmm_cpu cpus[MAX_CPUS];
static uint64_t shared_page; /* shared with EL3: the boot manifest */

extern char _rmm_entry[], _end[];

static int64_t cold_boot(unsigned cpu, uint64_t version, uint64_t ncpus, uint64_t shared)
{
	/* The interface must be ours: the same major, a minor no older. */
	if ((version >> 16) != (RMM_EL3_IFC_VERSION >> 16) ||
	    (version & 0xffff) < (RMM_EL3_IFC_VERSION & 0xffff) || (version >> 31))
		return RMM_BOOT_VERSION_NOT_VALID;
	if (!ncpus || ncpus > MAX_CPUS)
		return RMM_BOOT_CPUS_OUT_OF_RANGE;
	if (cpu >= ncpus)
		return RMM_BOOT_CPU_ID_OUT_OF_RANGE;
	if (!shared || shared % GRANULE_SIZE)
		return RMM_BOOT_INVALID_SHARED_BUFFER;
	uint64_t dram_size;
	int64_t bad = manifest_dram(shared, &dram_size);
	if (bad)
		return bad;
	/* The granule table after the image, in the region EL3 sized for both. */
	uint64_t table = (uint64_t)_rmm_entry + RMM_IMAGE_MAX;
	if ((uint64_t)_end > table)
		return E_RMM_UNK;
	nr_cpus = (unsigned)ncpus;
	shared_page = shared;
	if (!mmu_build(dram_size))
		return E_RMM_UNK;
	mmu_enable();
	granules_init((granule_t *)table, dram_size);
	/* Boot messages and panics only: the console is the normal world's once it runs. */
	early_console_init(PLAT_EARLY_UART);
	early_puts("[rmm] Triad RMM up (RMI 1.0)\n");
	return attest_boot(shared);
}

void rmm_main(unsigned cpu, uint64_t version, uint64_t ncpus, uint64_t shared)
    __attribute__((noreturn));

void rmm_main(unsigned cpu, uint64_t version, uint64_t ncpus, uint64_t shared)
{
	if (!version && cpu < nr_cpus)
		mmu_enable(); /* a warm boot: the tables are built */
	int64_t status = version	 ? cold_boot(cpu, version, ncpus, shared)
			 : cpu < nr_cpus ? E_RMM_OK
					 : RMM_BOOT_CPU_ID_OUT_OF_RANGE;
	if (status == E_RMM_OK) /* then cpu < nr_cpus <= MAX_CPUS */
		write_sysreg(tpidr_el2, (uint64_t)&cpus[cpu]);
	uint64_t r[8] = {RMM_BOOT_COMPLETE, (uint64_t)status};
	smc_call_regs(r);
	/* EL3 comes back only if the boot succeeded, with the host's first call. */
	for (;;) {
		uint64_t out[5];
		rmi_handle(r, out);
		r[0] = RMM_RMI_REQ_COMPLETE;
		for (unsigned i = 0; i < 5; i++)
			r[1 + i] = out[i];
		r[6] = r[7] = 0;
		smc_call_regs(r);
	}
}

void rmm_unexpected(uint64_t esr, uint64_t elr, uint64_t far)
{
	(void)esr, (void)elr, (void)far;
	early_puts("[rmm] panic: unexpected exception at Realm EL2\n");
	for (;;)
		__asm__ volatile("wfi");
}
