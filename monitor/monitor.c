/*
 * Triad's EL3 monitor: the first code to run. It sets up what only EL3 may (the GIC's
 * interrupt groups and redistributors, SCR_EL3 and the feature enables the lower ELs
 * need), loads the normal-world hypervisor and its boot bundle from QEMU's fw_cfg, boots
 * it at Normal EL2 on CPU 0, and then serves its SMCs: PSCI (CPU_ON/OFF, SYSTEM_OFF/RESET,
 * ...) and SMCCC queries. It is meant to grow the secure and realm worlds' dispatch.
 */
#include <triad/rmm_abi.h>
#include <triad/sel2_abi.h>

#include "monitor.h"

#define DTB RAM_BASE /* where QEMU puts the machine's DTB (1 MiB) */
/* Secure RAM: the monitor's first 128 KiB, Triad at S-EL2, then OP-TEE's TZDRAM. */

volatile uint32_t monitor_ready;
uint8_t monitor_stacks[MAX_CPUS + 1][STACK_SIZE] __attribute__((aligned(16)));
/* In normal-world memory (the hypervisor reads it), between the DTB and the kernel. */
#define BOOT_INFO (RAM_BASE + 0x100000)
static uint64_t scr_ns, cptr;

/* With FEAT_RME, the top of DRAM is the firmware's: the Realm world (the RMM, its table of
 * granule states), a page the monitor and the RMM share, the GPT's level-1 tables. */
uint64_t rmm_base;

/* The RMM's boot manifest in the shared page: one DRAM bank, all of it. */
static void rmm_write_manifest(uint64_t ram_size)
{
	struct rmm_manifest *m = (struct rmm_manifest *)rmm_shared;
	struct rmm_dram_bank *bank = (struct rmm_dram_bank *)(m + 1);
	m->version = RMM_MANIFEST_VERSION;
	m->padding = 0;
	m->plat_data = 0;
	bank->base = RAM_BASE;
	bank->size = ram_size;
	m->dram_banks = 1;
	m->dram_bank_array = (uint64_t)bank;
	m->consoles = m->console_array = m->console_checksum = 0;
	m->dram_checksum = -(m->dram_banks + m->dram_bank_array + bank->base + bank->size);
}

/* ---- EL3 configuration of a CPU before it enters the normal world ---- */

static uint64_t field(uint64_t v, unsigned lo)
{
	return (v >> lo) & 0xf;
}

/* The enables for every feature the CPU has, so that its users at EL2/EL1 do not trap to
 * EL3: SCR_EL3 for the normal world, and CPTR_EL3. */
static void plan_el3_controls(void)
{
	uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1), pfr1 = read_sysreg(id_aa64pfr1_el1);
	uint64_t mmfr0 = read_sysreg(id_aa64mmfr0_el1), mmfr1 = read_sysreg(id_aa64mmfr1_el1);
	uint64_t mmfr3 = read_sysreg(s3_0_c0_c7_3); /* ID_AA64MMFR3_EL1 */
	uint64_t isar1 = read_sysreg(id_aa64isar1_el1), isar2 = read_sysreg(s3_0_c0_c6_2);
	scr_ns = SCR_NS | SCR_RW | SCR_HCE | SCR_RES1;
	if (field(isar1, 4) || field(isar1, 8) || field(isar1, 24) || field(isar1, 28) ||
	    field(isar2, 12))
		scr_ns |= SCR_APK | SCR_API;
	if (field(pfr1, 8) >= 2)
		scr_ns |= SCR_ATA;
	if (field(pfr0, 56) >= 2)
		scr_ns |= SCR_ENSCXT;
	if (field(mmfr0, 56))
		scr_ns |= SCR_FGTEN;
	if (field(mmfr0, 60))
		scr_ns |= SCR_ECVEN;
	mon_hcx = field(mmfr1, 40);
	if (mon_hcx)
		scr_ns |= SCR_HXEN;
	if (field(mmfr3, 0))
		scr_ns |= SCR_TCR2EN;
	if (field(mmfr3, 4))
		scr_ns |= SCR_SCTLR2EN;
	if (field(mmfr3, 8))
		scr_ns |= SCR_PIEN;
	if (field(pfr1, 44))
		scr_ns |= SCR_GCSEN;
	cptr = 0;
	if (field(pfr0, 32))
		cptr |= CPTR_EZ;
	if (field(pfr1, 24)) {
		cptr |= CPTR_ESM;
		scr_ns |= SCR_ENTP2;
	}
}

static void setup_cpu_el3(bool with_gpt)
{
	write_sysreg(scr_el3, scr_ns);
	write_sysreg(cptr_el3, cptr);
	isb();
	if (cptr & CPTR_EZ)
		write_sysreg(s3_6_c1_c2_0, MON_SVE_VL / 16 - 1); /* ZCR_EL3 (monitor.h) */
	if (cptr & CPTR_ESM)
		write_sysreg(s3_6_c1_c2_6, 0xf); /* SMCR_EL3 */
	write_sysreg(mdcr_el3, 0);
	write_sysreg(sctlr_el2, SCTLR_EL2_RES1); /* MMU and caches off */
	write_sysreg(cntvoff_el2, 0);
	gic_cpu_setup();
	isb();
	if (gpt_on && with_gpt)
		gpt_enable();
}

/* ---- boot ---- */

void monitor_main(unsigned cpu) __attribute__((noreturn));

void monitor_main(unsigned cpu)
{
	(void)cpu;
	early_console_init(PLAT_EARLY_UART);
	early_console_enable();
	early_puts("[monitor] Triad EL3 monitor\n");
	plan_el3_controls();
	struct boot_info *bi = (struct boot_info *)BOOT_INFO;
	fw_cfg_init((uint8_t *)bi + 0x800);
	/* The secure world, if given: Triad for S-EL2 and OP-TEE, staged through normal RAM
	 * where the hypervisor goes next. */
	uint64_t staging = RAM_BASE + 0x200000;
	if (fw_cfg_load_file("opt/triad/sel2", SEL2_BASE, SEL2_MAX, staging) &&
	    (optee_size = fw_cfg_load_file("opt/triad/optee", OPTEE_BASE, OPTEE_SIZE, staging))) {
		sel2_entry = SEL2_BASE;
		early_puts("[monitor] secure world: Triad S-EL2 and OP-TEE loaded\n");
		/* FF-A secure partitions, if given, one per region: Triad at S-EL2 checks their
		 * manifests. */
		static char name[] = "opt/triad/sp0";
		for (unsigned k = 0; k < SP_MAX; k++) {
			name[sizeof(name) - 2] = (char)('0' + k);
			uint64_t size = fw_cfg_load_file(name, SP_REGION_OF(k), SP_REGION, staging);
			sp_sizes |= size << (SP_SIZES_SHIFT * k);
			if (size) {
				early_puts("[monitor] secure world: secure partition ");
				mon_putdec(k);
				early_puts(" loaded\n");
			}
		}
		optee_read_test_hook(staging);
	}
	gic_global_setup(sel2_entry != 0);
	uint64_t ram_end = dtb_ram_end((const void *)DTB);
	if (!ram_end) {
		early_puts("[monitor] error: no RAM at 0x40000000 in the machine's DTB\n");
		power_off();
	}
	bi->reserved_base = bi->reserved_size = 0;
	if (gpt_supported() && ram_end > RAM_BASE + GPT_RAM_MAX) {
		early_puts("[monitor] error: RAM beyond 256 GiB: no GPT for it (the RMM's view "
			   "of the normal world's memory starts there)\n");
		power_off();
	}
	if (gpt_supported()) {
		uint64_t ram_size = ram_end - RAM_BASE;
		uint64_t l1 = (ram_end - gpt_l1_size(ram_size)) & ~(GPT_L1_SIZE - 1);
		rmm_shared = l1 - PAGE_SIZE;
		/* The RMM, then its byte per granule of DRAM. */
		uint64_t realm_size = RMM_IMAGE_MAX + ALIGN_UP(ram_size / PAGE_SIZE, PAGE_SIZE);
		rmm_base = (rmm_shared - realm_size) & ~(SZ_2M - 1);
		gpt_init(ram_size, l1, rmm_base, rmm_shared - rmm_base, rmm_shared);
		rmm_write_manifest(ram_size);
		early_puts("[monitor] GPT on: realm world at ");
		mon_puthex(rmm_base);
		early_puts(", GPT level 1 ");
		mon_putdec(gpt_l1_size(ram_size) >> 10);
		early_puts(" KiB for ");
		mon_putdec(ram_size >> 20);
		early_puts(" MiB of DRAM\n");
		bi->reserved_base = rmm_base;
		bi->reserved_size = ram_end - rmm_base;
		if (sel2_entry) {
			/* OP-TEE's image and DT, kept for its restart (optee_restart.c). */
			bi->reserved_base -= OPTEE_KEEP_SIZE;
			bi->reserved_size += OPTEE_KEEP_SIZE;
			optee_keep_image(bi->reserved_base, (const void *)DTB);
		}
		ram_end = bi->reserved_base;
		gpt_on = true;
		if (fw_cfg_load_file("opt/triad/rmm", rmm_base, RMM_IMAGE_MAX, staging)) {
			rmm_entry = rmm_base;
			early_puts("[monitor] realm world: Triad's RMM loaded\n");
		}
	}
	uint64_t entry;
	const char *why = fw_cfg_load(bi, RAM_BASE, ram_end, &entry);
	if (why) {
		early_puts("[monitor] error: ");
		early_puts(why);
		early_puts("\n");
		power_off();
	}
	bi->magic = BOOT_INFO_MAGIC;
	dsb(sy);
	monitor_ready = 0x52454459;
	dsb(sy);
	__asm__ volatile("sev");
	early_puts("[monitor] starting the hypervisor at Normal EL2, ");
	mon_puthex(entry);
	early_puts("\n");
	/* The GPT is on from here (no more writes to normal-world memory), or, with a secure
	 * world, once it has booted: OP-TEE reads the machine's DT with its MMU off, as Secure
	 * accesses to normal memory, which the GPT would fault (world.c starts it). */
	setup_cpu_el3(!sel2_entry);
	psci_cpu_started(0);
	world_boot_cpu(0, entry, DTB, BOOT_INFO, false); /* the other worlds first, if any */
}

void monitor_secondary(unsigned cpu)
{
	uint64_t entry, context;
	psci_wait_for_cpu_on(cpu, &entry, &context);
	setup_cpu_el3(true);
	world_boot_cpu(cpu, entry, context, 0, true);
}

/* ---- exceptions ---- */

struct world_context *lower_sync(struct world_context *c);

/* Out of line, so that the SMC path of lower_sync saves no register for it. */
static __attribute__((noinline, noreturn)) void unexpected_trap(uint64_t esr)
{
	early_puts("[monitor] error: unexpected trap from the normal world, ESR ");
	mon_puthex(esr);
	early_puts(" at ");
	mon_puthex(read_sysreg(elr_el3));
	early_puts("\n");
	power_off();
}

/* A synchronous exception from a lower EL, its registers in its world's context c;
 * returns the context to resume. */
struct world_context *lower_sync(struct world_context *c)
{
	uint64_t esr = read_sysreg(esr_el3);
	if (ESR_EC(esr) != EC_SMC64)
		unexpected_trap(esr);
	uint64_t scr = read_sysreg(scr_el3);
	if (!(scr & SCR_NS))
		return world_secure_smc(c);
	if (scr & SCR_NSE)
		return world_realm_smc(c);
	return smc_handler(c);
}

void monitor_unexpected(void *sp)
{
	(void)sp;
	early_puts("[monitor] panic: exception at EL3, ESR ");
	mon_puthex(read_sysreg(esr_el3));
	early_puts(" ELR ");
	mon_puthex(read_sysreg(elr_el3));
	early_puts("\n");
	power_off();
}
