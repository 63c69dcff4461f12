/* Virtual CPUs: their state, and running them (core/vcpu.c). */
#ifndef TRIAD_VCPU_H
#define TRIAD_VCPU_H

#include <arch/regs.h>
#include <stdbool.h>
#include <stdint.h>
#include <triad/config.h>
#include <triad/sched.h>
#include <triad/softtimer.h>
#include <triad/vdebug.h>
#include <triad/vgic.h>
#include <triad/vm_stats.h>
#include <triad/vpmu.h>

struct vm;

enum vcpu_power { VCPU_OFF, VCPU_ON_PENDING, VCPU_ON };

/* EL1 state that lives in the CPU while the vCPU is loaded. */
struct el1_sysregs {
	uint64_t sctlr, actlr, cpacr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
	uint64_t tpidr_el0, tpidrro_el0, tpidr_el1, sp_el0, sp_el1, elr, spsr, esr, far;
	uint64_t afsr0, afsr1, par, cntkctl, csselr, mdscr;
	uint64_t cntv_ctl, cntv_cval;
	uint64_t vdisr; /* DISR_EL1 as the guest sees it (HCR_EL2.AMO): VDISR_EL2 (FEAT_RAS) */
	uint64_t apia[2], apib[2], apda[2], apdb[2], apga[2];
};

/* An MTE VM's tag registers (arch/arm64/include/arch/mte.h: MTE_EL1_LIST). */
struct mte_regs {
	uint64_t tfsr, tfsre0, rgsr, gcr;
};

struct fpsimd_state {
	__uint128_t v[32];
	uint64_t fpsr, fpcr;
};

/* SVE registers at the VM's vector length vl, as arch/arm64/sve.S packs them: Z0-Z31 (vl
 * bytes each), P0-P15 (vl / 8 each), FFR; every byte after them zero. */
#define SVE_REGS_BYTES(vl) (32 * (vl) + 17 * (vl) / 8)
struct sve_regs {
	uint8_t regs[SVE_REGS_BYTES(SVE_VL_MAX)];
	uint64_t zcr_el1;
} __attribute__((aligned(16)));

struct vcpu {
	struct gp_regs regs;
	struct vm *vm;
	unsigned id;
	uint64_t mpidr;
	struct sched_entity se; /* where and when it runs: core/sched.c */
	volatile enum vcpu_power power;
	uint64_t on_entry, on_context; /* PSCI CPU_ON arguments, consumed at power-on */
	volatile bool kicked;	       /* something changed: re-evaluate before (re-)entering */
	volatile bool loaded;	       /* EL1 state is in a CPU (se.cpu) rather than in sys/fp */
	struct softtimer vtimer_wake;  /* wakes it from WFI for its virtual timer while put */
	struct softtimer wfit_timer;   /* the deadline of a WFIT it waits in */
	struct el1_sysregs sys;
	struct fpsimd_state fp;
	bool fp_live; /* loaded, with its FP/SIMD registers in the CPU rather than in fp */
	/* An SVE VM's (vm->sve_vl != 0), core/vcpu_sve.c: SVE open with its registers in the
	 * CPU; its saved ones hold more than fp does (then they are in sve, V0-V31 too). */
	bool sve_live, sve_dirty;
	struct mte_regs mte; /* an MTE VM's (vm->mte): switched with the EL1 registers */
	struct vpmu_state pmu;
	struct vdebug_state dbg;
	struct vgic_cpu vgic;
	uint64_t ich_vmcr, ich_ap0r0, ich_ap1r0;
	/* What it waited for in Triad, inside a call of its own, came (an OP-TEE notification
	 * the mediator answers): ends its handle_wfi_wait() as an interrupt would. */
	volatile bool call_woken;
	/* Emulated EL1 physical timer (CNTP_*): the guest's accesses trap. */
	uint64_t cntp_ctl, cntp_cval;
	struct softtimer cntp_timer;
	struct vcpu_stats stats;
	struct sve_regs sve; /* last: 8.7 KB, kept out of the hot fields' short offsets */
};

/* core/vcpu.c */
void vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t x0);
void vcpu_run(struct vcpu *v);
void vcpu_put(struct vcpu *v);
/* Guest interrupt plumbing: take the VM's vGIC lock and kick whoever must notice. */
void vcpu_set_irq_line(struct vm *vm, unsigned vcpu, uint32_t intid, bool level);
/* An edge of interrupt intid (an SGI Triad sends, say) for the VM's vCPU vcpu. */
void vcpu_raise_edge(struct vm *vm, unsigned vcpu, uint32_t intid);
/* core/sysreg_trap.c: a restored vCPU's emulated physical timer (cntp_*) armed again. */
void vcpu_cntp_resume(struct vcpu *v);

#endif
