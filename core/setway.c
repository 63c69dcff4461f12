/* Data-cache maintenance by set/way, trapped for strict VMs (HCR_EL2.TSW). A set/way
 * operation works on the physical cache, whose lines belong to every VM: done natively it
 * lets a guest clean and evict other VMs' lines (a timing channel). Trapped, it is done by
 * virtual address on the VM's own RAM only, which reaches the same end for the guest: its
 * data written back to memory and out of the caches. */
#include <arch/esr.h>
#include <arch/id_regs.h>
#include <arch/sysreg.h>
#include <triad/trap.h>
#include <triad/vcpu.h>
#include <triad/vm.h>
#include <triad/vm_kind.h>

#include "../arch/arm64/cache.h"

#define DC_ISW	SYSREG(1, 0, 7, 6, 2)
#define DC_CSW	SYSREG(1, 0, 7, 10, 2)
#define DC_CISW SYSREG(1, 0, 7, 14, 2)

void handle_setway_trap(struct vcpu *v, uint64_t esr, uint64_t val)
{
	unsigned reg = SYSREG(ISS_OP0(esr), ISS_OP1(esr), ISS_CRN(esr), ISS_CRM(esr), ISS_OP2(esr));
	bool known = reg == DC_ISW || reg == DC_CSW || reg == DC_CISW;
	if (!known || (esr & ISS_SYSREG_READ) || !v->vm->kind->el1_in_cpu) {
		vm_warn(v->vm,
			"vCPU %u: cache maintenance S1_%u_C%u_C%u_%u at pc 0x%lx: UNDEF injected",
			v->id, ISS_OP1(esr), ISS_CRN(esr), ISS_CRM(esr), ISS_OP2(esr), v->regs.pc);
		inject_undef(v);
		return;
	}
	/* A guest walks every set and way of a level, each one operation: the VM's RAM is
	 * cleaned and invalidated once per walk, at its set 0 way 0 (every field of the
	 * operand above the level, bits [3:1], is zero). An invalidate is a clean and
	 * invalidate here too (as HCR_EL2.SWIO makes it natively): nothing is lost that the
	 * guest wrote. */
	if (!(val >> 4))
		dcache_clean_inval_range(v->vm->ram_pa, v->vm->ram_size);
	v->stats.setway_ops++;
	v->regs.pc += 4;
}
