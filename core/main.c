/* Boot: read the platform, take over memory, interrupts and timers, create the VMs from the
 * bundle, start the other physical CPUs, run. */
#include <arch/sysreg.h>
#include <lib/early_console.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include <triad/boot_info.h>
#include <triad/config.h>
#include <triad/vcpu.h>
#include <triad/cpu.h>
#include <triad/feature.h>
#include <triad/log.h>
#include <triad/mem.h>
#include <triad/panic.h>
#include <triad/util.h>
#include <triad/sched.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>
#include <triad/vm_manage.h>
#include <triad/vpmu.h>
#include <triad/wallclock.h>

#include "../mm/el2_mmu.h"
#include "../irq/gicv3.h"
#include "el2.h"

struct cpu cpus[MAX_CPUS];
unsigned nr_cpus;
struct platform plat;
static struct palloc palloc;
static struct triad_config config;
extern char exit_token[40];
extern char _start[], _end[];
void secondary_entry(void);
#include <triad/smccc.h>
#include <triad/trace.h>
#include <triad/audit.h>
#include <triad/host_stop.h>
#include <triad/vcpu_mte.h>
#include <triad/vcpu_sve.h>

#define PSCI_CPU_ON_64 0xc4000003UL

static int64_t boot_trace; /* triad.trace=: the trace classes on from the start */

/* Options on Triad's own command line: "loglevel=debug|info|warn|error triad.token=HEX
 * triad.trace=CLASS,...". */
static void parse_bootargs(const char *args)
{
	static const char *const levels[] = {"debug", "info", "warn", "error"};
	while (*args) {
		while (*args == ' ')
			args++;
		const char *end = args;
		while (*end && *end != ' ')
			end++;
		size_t n = (size_t)(end - args);
		if (n > 9 && !strncmp(args, "loglevel=", 9)) {
			for (unsigned i = 0; i < ARRAY_SIZE(levels); i++)
				if (n - 9 == strlen(levels[i]) &&
				    !strncmp(args + 9, levels[i], n - 9))
					log_set_level((enum log_level)i);
		} else if (n > 12 && !strncmp(args, "triad.token=", 12)) {
			size_t len = MIN(n - 12, sizeof(exit_token) - 1);
			memcpy(exit_token, args + 12, len);
			exit_token[len] = '\0';
		} else if (n > 17 && !strncmp(args, "triad.stop_grace=", 17)) {
			unsigned s = 0;
			for (const char *d = args + 17; d < end && *d >= '0' && *d <= '9'; d++)
				s = s * 10 + (unsigned)(*d - '0');
			host_stop_set_grace(s ? MIN(s, 3600U) : 30);
		} else if (n == 11 && !strncmp(args, "triad.audit", 11)) {
			audit_dump_at_exit = true;
		} else if (n > 12 && !strncmp(args, "triad.trace=", 12)) {
			const char *bad;
			size_t badlen;
			boot_trace = trace_parse(args + 12, n - 12, &bad, &badlen);
			if (boot_trace < 0)
				pr_warn("triad.trace: no trace class '%.*s' (exit, inject, sched, "
					"world, rmi, ffa, device, all): tracing stays off",
					(int)badlen, bad);
		}
		args = end;
	}
}

static void setup_memory(const void *fdt)
{
	palloc_init(&palloc);
	/* The firmware's memory is not even part of a zone: the allocator keeps its own
	 * bitmaps at a zone's end, and that memory may be out of Triad's reach (the GPT
	 * gives it to another physical address space). */
	uint64_t rs = plat.fw_reserved_base, re = rs + plat.fw_reserved_size;
	for (unsigned i = 0; i < plat.nmem; i++) {
		uint64_t b = plat.mem[i].base, e = b + plat.mem[i].size;
		uint64_t parts[2][2] = {{b, MIN(e, rs)}, {MAX(b, re), e}};
		for (unsigned p = 0; p < 2; p++)
			if (parts[p][0] < parts[p][1] &&
			    palloc_add_zone(&palloc, parts[p][0], parts[p][1] - parts[p][0],
					    PLAT_RAM_ZEROED_AT_BOOT))
				panic("cannot use memory 0x%lx", parts[p][0]);
	}
	/* cppcheck-suppress comparePointers ; _start and _end: the linker's bounds of the image */
	palloc_reserve(&palloc, (uint64_t)_start, (uint64_t)(_end - _start));
	palloc_reserve(&palloc, (uint64_t)fdt, fdt_totalsize(fdt));
	palloc_reserve(&palloc, plat.initrd_start, plat.initrd_end - plat.initrd_start);
	int n = fdt_num_mem_rsv(fdt);
	for (int i = 0; i < n; i++) {
		uint64_t a, s;
		if (!fdt_get_mem_rsv(fdt, i, &a, &s))
			palloc_reserve(&palloc, a, s);
	}
	mem_init(&palloc);
}

static void cpu_setup(unsigned id)
{
	struct cpu *c = &cpus[id];
	write_sysreg(tpidr_el2, c);
	el2_cpu_init();
	gic_cpu_init(id, c->mpidr);
	gic_enable_ppi(id, plat.gic_maint_intid, 0x80);
	gic_enable_ppi(id, plat.timer_hyp_intid, 0x80);
	gic_enable_ppi(id, plat.timer_virt_intid, 0x80);
	gic_enable_ppi(id, IPI_KICK, 0x80);
	cpu_enable_host_sgis(id);
	if (vpmu_available())
		gic_enable_ppi(id, plat.pmu_intid, 0x80);
	c->online = true;
}

void secondary_main(unsigned long id)
{
	cpu_setup((unsigned)id);
	cpu_loop();
}

static void create_vms(void)
{
	const uint8_t *bundle = (const uint8_t *)plat.initrd_start;
	uint64_t size = plat.initrd_end - plat.initrd_start;
	char err[160];
	if (!size)
		triad_exit(1, "no boot bundle (QEMU -initrd): nothing to run");
	if (config_parse(bundle, size, &config, err, sizeof(err))) {
		pr_err("%s", err);
		triad_exit(1, err);
	}
	for (unsigned i = 0; i < config.nvms; i++)
		if (vm_config_check_cpus(&config.vm[i], err, sizeof(err))) {
			pr_err("%s", err);
			triad_exit(1, err);
		}
	sched_init();
	for (unsigned i = 0; i < config.nvms; i++) {
		struct vm *vm;
		if (vm_create_configured(&config.vm[i], bundle, &vm, err, sizeof(err))) {
			pr_err("%s", err);
			triad_exit(1, err);
		}
		if (vm_load_images(vm)) {
			snprintf(err, sizeof(err), "VM '%s' could not be loaded",
				 config.vm[i].name);
			triad_exit(1, err);
		}
		pr_info("VM %u '%s': %u vCPU(s), %lu MB RAM at PA 0x%lx, VMID %u, security %s",
			vm->id, vm->name, vm->ncpus, vm->ram_size >> 20, vm->ram_pa, vm->vmid,
			vm->policy->name);
	}
}

/* Triad's monitor gives the boot bundle and command line here, not in the DTB. Read at
 * once: the memory it is in becomes free memory. */
static void take_boot_info(const struct boot_info *bi)
{
	if (!bi || bi->magic != BOOT_INFO_MAGIC)
		return;
	plat.initrd_start = bi->initrd_start;
	plat.initrd_end = bi->initrd_end;
	memcpy(plat.bootargs, bi->bootargs, sizeof(plat.bootargs));
	plat.bootargs[sizeof(plat.bootargs) - 1] = '\0';
	plat.own_monitor = true;
	plat.fw_reserved_base = bi->reserved_base;
	plat.fw_reserved_size = bi->reserved_size;
}

void triad_main(void *fdt, const struct boot_info *bi)
{
	const char *why = "?";
	early_console_init(PLAT_EARLY_UART);
	if (platform_parse(fdt, &plat, &why))
		panic("cannot read the platform DTB: %s", why);
	take_boot_info(bi);
	early_console_init(plat.uart_base);
	parse_bootargs(plat.bootargs);
	pr_info("Triad hypervisor, %u CPU(s), GICv3 at 0x%lx", plat.ncpus, plat.gicd_base);
	nr_cpus = plat.ncpus;
	for (unsigned i = 0; i < nr_cpus; i++) {
		cpus[i].id = i;
		cpus[i].mpidr = plat.cpu_mpidr[i];
	}
	setup_memory(fdt);
	mmu_init(&plat);
	if (boot_trace > 0 && trace_set((uint32_t)boot_trace))
		pr_warn("triad.trace: no memory for the trace buffers: tracing stays off");
	gic_init(&plat);
	vpmu_global_init(plat.pmu_intid);
	vdebug_global_init();
	cpu_setup(0);
	features_init();   /* the secure and realm worlds' probes, the drivers: before */
	el2_global_init(); /* which an SMMU limits the IPA size */
	sve_global_init();
	mte_global_init();
	console_input_init();
	wallclock_init();
	uint64_t free_before_vms = mem_free_bytes();
	create_vms();
	console_set_vms(nr_vms);
	for (unsigned i = 1; i < nr_cpus; i++) {
		int64_t r = (int64_t)smc_call(PSCI_CPU_ON_64, plat.cpu_mpidr[i],
					      (uint64_t)secondary_entry, i);
		if (r)
			pr_warn("CPU %u (MPIDR 0x%lx) did not start: PSCI error %ld", i,
				plat.cpu_mpidr[i], r);
	}
	/* What the VMs cost Triad beyond their RAM: vCPUs, tables, devices, DTBs. */
	uint64_t vm_ram = 0;
	for (unsigned i = 0; i < nr_vms; i++)
		if (vm_by_id(i))
			vm_ram += vm_by_id(i)->ram_size;
	uint64_t own = free_before_vms - mem_free_bytes() - vm_ram;
	pr_info("%lu MB free after creating %u VM(s) (%lu KB); Triad's own memory for them: %lu KB "
		"per VM",
		mem_free_bytes() >> 20, nr_vms, mem_free_bytes() >> 10,
		nr_vms ? (own >> 10) / nr_vms : 0);
	cpu_loop();
}
