/* SMMUv3 (Arm IHI 0070): a linear stream table, a command queue and an event queue, all in
 * Triad's memory; stream table entries are stage-2 only and point at the VM's own stage-2
 * tables (the SMMU walks the same format as the CPU, with the same VMID). Faults are read
 * from the event queue and logged with the VM they came from. */
#include <arch/sysreg.h>
#include <triad/cpu.h>
#include <triad/errno.h>
#include <triad/feature.h>
#include <triad/log.h>
#include <triad/mem.h>
#include <triad/smmu.h>
#include <triad/spinlock.h>
#include <triad/util.h>
#include <triad/vm.h>

#include "../../core/el2.h"
#include "../../irq/gicv3.h"

enum {
	IDR0 = 0x00,
	IDR1 = 0x04,
	IDR5 = 0x14,
	CR0 = 0x20,
	CR0ACK = 0x24,
	CR1 = 0x28,
	CR2 = 0x2c,
	GBPA = 0x44,
	IRQ_CTRL = 0x50,
	IRQ_CTRLACK = 0x54,
	GERROR = 0x60,
	GERRORN = 0x64,
	STRTAB_BASE = 0x80,
	STRTAB_BASE_CFG = 0x88,
	CMDQ_BASE = 0x90,
	CMDQ_PROD = 0x98,
	CMDQ_CONS = 0x9c,
	EVTQ_BASE = 0xa0,
	EVTQ_PROD = 0x100a8, /* page 1 */
	EVTQ_CONS = 0x100ac,
};

#define CR0_SMMUEN  (1U << 0)
#define CR0_EVTQEN  (1U << 2)
#define CR0_CMDQEN  (1U << 3)
#define GBPA_ABORT  (1U << 20)
#define GBPA_UPDATE (1U << 31)
#define Q_RA	    (1ULL << 62)

#define SID_BITS  8 /* bus 0: stream IDs 0..255 */
#define CMDQ_LOG2 8
#define EVTQ_LOG2 7

#define CMD_CFGI_STE	   0x03
#define CMD_TLBI_S12_VMALL 0x28
#define CMD_SYNC	   0x46

#define STE_V	      (1ULL << 0)
#define STE_CFG_ABORT (0ULL << 1)
#define STE_CFG_S2    (6ULL << 1)

static uintptr_t base;
static uint64_t *strtab;      /* 8 dwords per stream */
static uint64_t *cmdq, *evtq; /* 2 and 4 dwords per entry */
static uint32_t cmdq_prod, evtq_cons;
static uint64_t s2ps; /* the SMMU's output size, for STE.S2PS */
static spinlock_t lock;

static uint32_t rd(uint32_t off)
{
	return *(volatile uint32_t *)(base + off);
}

static void wr(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

static void wr64(uint32_t off, uint64_t v)
{
	*(volatile uint64_t *)(base + off) = v;
}

/* The largest stage-2 input (= output) size the SMMU handles, in bits; 64 if there is none. */
static unsigned smmu_output_bits(void)
{
	static const unsigned bits[] = {32, 36, 40, 42, 44, 48, 52};
	if (!plat.smmu_base)
		return 64;
	uint32_t oas = *(volatile uint32_t *)(plat.smmu_base + IDR5) & 7;
	return oas < ARRAY_SIZE(bits) ? bits[oas] : 48;
}

bool smmu_present(void)
{
	return base != 0;
}

static bool wait_for(uint32_t off, uint32_t mask, uint32_t want)
{
	for (unsigned i = 0; i < 1000000; i++)
		if ((rd(off) & mask) == want)
			return true;
	return false;
}

/* With the lock held: one command in, then wait for the queue to drain (CMD_SYNC). */
static void command(uint64_t w0, uint64_t w1)
{
	uint32_t mask = (1U << CMDQ_LOG2) - 1, wrap = 1U << CMDQ_LOG2;
	for (int k = 0; k < 2; k++) {
		uint64_t *e = cmdq + 2 * (cmdq_prod & mask);
		e[0] = k ? CMD_SYNC : w0;
		e[1] = k ? 0 : w1;
		cmdq_prod = (cmdq_prod + 1) & (2 * wrap - 1);
	}
	dsb(ish);
	wr(CMDQ_PROD, cmdq_prod);
	if (!wait_for(CMDQ_CONS, 2 * wrap - 1, cmdq_prod))
		pr_err("SMMU: command queue stuck (CONS 0x%x, GERROR 0x%x)", rd(CMDQ_CONS),
		       rd(GERROR));
}

static void write_ste(uint32_t sid, const uint64_t ste[4])
{
	uint64_t *e = strtab + 8 * (size_t)sid;
	/* Invalid first, then the body, then valid: the SMMU never sees half an entry. */
	e[0] = 0;
	dsb(ish);
	command(CMD_CFGI_STE | (uint64_t)sid << 32, 1);
	for (int i = 1; i < 8; i++)
		e[i] = i < 4 ? ste[i] : 0;
	dsb(ish);
	e[0] = ste[0];
	dsb(ish);
	command(CMD_CFGI_STE | (uint64_t)sid << 32, 1);
}

int smmu_attach(uint32_t sid, struct vm *vm)
{
	if (!base || sid >= (1U << SID_BITS))
		return -EINVAL;
	uint64_t ste[4];
	smmu_ste_stage2(ste, vm->vmid, el2_vtcr(), (unsigned)s2ps, vm->s2.root);
	spin_lock(&lock);
	command(CMD_TLBI_S12_VMALL | (uint64_t)vm->vmid << 32, 0);
	write_ste(sid, ste);
	spin_unlock(&lock);
	return 0;
}

void smmu_flush_vm(uint16_t vmid)
{
	if (!base)
		return;
	spin_lock(&lock);
	command(CMD_TLBI_S12_VMALL | (uint64_t)vmid << 32, 0);
	spin_unlock(&lock);
}

static const char *event_name(uint32_t type)
{
	switch (type) {
	case 0x01:
		return "unsupported upstream transaction";
	case 0x02:
		return "stream ID not given to a VM";
	case 0x04:
		return "bad stream table entry";
	case 0x06:
		return "stream blocked (abort)";
	case 0x10:
		return "translation fault";
	case 0x11:
		return "address size fault";
	case 0x12:
		return "access flag fault";
	case 0x13:
		return "permission fault";
	default:
		return "event";
	}
}

static struct vm *vm_of_vmid(uint16_t vmid)
{
	for (unsigned i = 0; i < nr_vms; i++) {
		struct vm *vm = vm_by_id(i);
		if (vm && vm->vmid == vmid)
			return vm;
	}
	return NULL;
}

/* A run of like faults (same stream, kind and direction) is logged as one line: a
 * device streaming into a forbidden range faults once per transaction. */
struct fault_run {
	uint32_t sid, type, count;
	bool write;
	uint64_t first, last;
};

static void log_run(const struct fault_run *r)
{
	if (!r->count)
		return;
	const uint64_t *ste = r->sid < (1U << SID_BITS) ? strtab + 8 * (size_t)r->sid : NULL;
	struct vm *vm =
	    ste && (ste[0] & (7ULL << 1)) == STE_CFG_S2 ? vm_of_vmid((uint16_t)ste[2]) : NULL;
	const char *dir = r->write ? "write to" : "read from";
	const char *es = r->count == 1 ? "" : "es";
	/* A VM's device can fault at will: its lines count against the VM's warning budget. */
	if (vm)
		vm_warn(vm,
			"SMMU: its device (stream 0x%x): %s on DMA %s IPA 0x%lx..0x%lx (%u "
			"access%s): blocked",
			r->sid, event_name(r->type), dir, (unsigned long)r->first,
			(unsigned long)r->last, r->count, es);
	else
		pr_warn("SMMU: stream 0x%x: %s on DMA %s 0x%lx..0x%lx (%u access%s): blocked",
			r->sid, event_name(r->type), dir, (unsigned long)r->first,
			(unsigned long)r->last, r->count, es);
}

static void eventq_irq(void *ctx)
{
	(void)ctx;
	uint32_t mask = (1U << EVTQ_LOG2) - 1, idx_mask = (2U << EVTQ_LOG2) - 1;
	struct fault_run run = {0};
	spin_lock(&lock);
	for (;;) {
		uint32_t prod = rd(EVTQ_PROD) & idx_mask;
		if (prod == evtq_cons)
			break;
		const uint64_t *e = evtq + 4 * (evtq_cons & mask);
		uint32_t type = e[0] & 0xff, sid = (uint32_t)(e[0] >> 32);
		bool write = !((e[1] >> 35) & 1); /* RnW clear: a write */
		uint64_t addr = e[2];
		if (!run.count || sid != run.sid || type != run.type || write != run.write) {
			log_run(&run);
			run = (struct fault_run){sid, type, 0, write, addr, addr};
		}
		run.count++;
		run.first = MIN(run.first, addr);
		run.last = MAX(run.last, addr);
		evtq_cons = (evtq_cons + 1) & idx_mask;
		wr(EVTQ_CONS, evtq_cons);
	}
	log_run(&run);
	spin_unlock(&lock);
}

static void gerror_irq(void *ctx)
{
	(void)ctx;
	uint32_t g = rd(GERROR), gn = rd(GERRORN);
	if ((g ^ gn) & (1U << 2))
		pr_warn("SMMU: event queue full: some faults were not recorded (still blocked)");
	if ((g ^ gn) & ~(1U << 2))
		pr_err("SMMU: global error 0x%x", g ^ gn);
	wr(GERRORN, g);
}

/* Sets the SMMU up (if the machine has one), all streams blocked. */
static void smmu_init(void)
{
	el2_limit_ipa_bits(smmu_output_bits()); /* it shares the VMs' stage-2 tables */
	if (!plat.smmu_base)
		return;
	base = plat.smmu_base;
	spin_init(&lock);
	uint32_t idr0 = rd(IDR0), idr1 = rd(IDR1), idr5 = rd(IDR5);
	if (!(idr0 & 1) || !((idr0 >> 2) & 2) || (idr1 & 0x3f) < SID_BITS ||
	    ((idr1 >> 21) & 0x1f) < CMDQ_LOG2 || ((idr1 >> 16) & 0x1f) < EVTQ_LOG2 ||
	    !(idr5 & (1U << 4))) {
		pr_warn("SMMU at 0x%lx: no stage 2 with AArch64 tables and 4 KB pages (IDR0 0x%x); "
			"PCI passthrough unavailable (QEMU: -global arm-smmuv3.stage=2)",
			(unsigned long)base, idr0);
		base = 0;
		return;
	}
	s2ps = idr5 & 7;
	/* Tables and queues aligned to their size, as the base registers require. */
	strtab = (uint64_t *)page_alloc_zeroed((64U << SID_BITS) / PAGE_SIZE, 64U << SID_BITS);
	cmdq = (uint64_t *)page_alloc_zeroed(ALIGN_UP(16U << CMDQ_LOG2, PAGE_SIZE) / PAGE_SIZE,
					     PAGE_SIZE);
	evtq = (uint64_t *)page_alloc_zeroed(ALIGN_UP(32U << EVTQ_LOG2, PAGE_SIZE) / PAGE_SIZE,
					     PAGE_SIZE);
	if (!strtab || !cmdq || !evtq) {
		pr_err("SMMU: out of memory");
		base = 0;
		return;
	}
	/* Every stream aborts until a VM gets it. */
	for (uint32_t sid = 0; sid < (1U << SID_BITS); sid++)
		strtab[8 * (size_t)sid] = STE_V | STE_CFG_ABORT;
	wr(CR0, 0);
	wait_for(CR0ACK, ~0U, 0);
	wr(GBPA, GBPA_ABORT | GBPA_UPDATE); /* not bypass while it is off, either */
	wait_for(GBPA, GBPA_UPDATE, 0);
	/* Tables and queues: inner shareable, write-back cacheable. */
	wr(CR1, (3U << 10) | (1U << 8) | (1U << 6) | (3U << 4) | (1U << 2) | 1U);
	wr(CR2, 1U << 1); /* record invalid stream IDs */
	wr64(STRTAB_BASE, Q_RA | (uint64_t)strtab);
	wr(STRTAB_BASE_CFG, SID_BITS); /* linear */
	wr64(CMDQ_BASE, Q_RA | (uint64_t)cmdq | CMDQ_LOG2);
	wr(CMDQ_PROD, 0);
	wr(CMDQ_CONS, 0);
	wr64(EVTQ_BASE, Q_RA | (uint64_t)evtq | EVTQ_LOG2);
	wr(EVTQ_PROD, 0);
	wr(EVTQ_CONS, 0);
	cmdq_prod = evtq_cons = 0;
	uint32_t cr0 = CR0_CMDQEN | CR0_EVTQEN;
	wr(CR0, cr0);
	wait_for(CR0ACK, ~0U, cr0);
	wr(IRQ_CTRL, (1U << 0) | (1U << 2)); /* global errors, events */
	wait_for(IRQ_CTRLACK, 5, 5);
	/* Both are edge interrupts (QEMU pulses them). */
	if (plat.smmu_eventq_intid) {
		gic_set_edge(plat.smmu_eventq_intid);
		host_irq_register(plat.smmu_eventq_intid, eventq_irq, NULL);
	}
	if (plat.smmu_gerror_intid) {
		gic_set_edge(plat.smmu_gerror_intid);
		host_irq_register(plat.smmu_gerror_intid, gerror_irq, NULL);
	}
	spin_lock(&lock);
	command(0x04 /* CFGI_STE_RANGE */ | (0ULL << 32), 31); /* all of them */
	spin_unlock(&lock);
	cr0 |= CR0_SMMUEN;
	wr(CR0, cr0);
	if (!wait_for(CR0ACK, ~0U, cr0))
		pr_err("SMMU: did not enable");
	pr_info("SMMU at 0x%lx: %u streams, all blocked until given to a VM", (unsigned long)base,
		1U << SID_BITS);
}

FEATURE(50, smmu) = {.init = smmu_init};
