/* Emulated MMIO: a stage-2 translation fault inside a device's range becomes a call to its
 * ops; anything else the guest touches outside its RAM gets an external abort. */
#include <arch/esr.h>
#include <arch/sysreg.h>
#include <triad/trap.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vm.h>

static inline __attribute__((always_inline)) struct vdev *find_vdev(struct vm *vm, uint64_t ipa)
{
	/* Drivers poll one device at a time: try the last one hit first. The hint is only a
	 * guess (vCPUs race on it harmlessly), so it is checked like any other entry. */
	unsigned hint = READ_ONCE(vm->vdev_hint);
	if (hint < vm->nvdevs && ipa - vm->vdevs[hint].base < vm->vdevs[hint].size &&
	    ipa >= vm->vdevs[hint].base)
		return &vm->vdevs[hint];
	for (unsigned i = 0; i < vm->nvdevs; i++) {
		struct vdev *d = &vm->vdevs[i];
		if (ipa >= d->base && ipa - d->base < d->size) {
			vm->vdev_hint = i;
			return d;
		}
	}
	return NULL;
}

bool mmio_claims(struct vm *vm, uint64_t ipa)
{
	return find_vdev(vm, ipa) != NULL;
}

/* The guest gets an external abort for an access that cannot be emulated. Out of line:
 * the hot path below then needs no stack frame for it. */
static void __attribute__((noinline, cold))
mmio_refuse(struct vcpu *v, uint64_t esr, uint64_t ipa, const struct vdev *d, const char *why)
{
	bool write = esr & ESR_WNR;
	if (d)
		vm_audit(v->vm, AUDIT_ABORT_INJECTED,
			 "vCPU %u: %u-byte %s of %s offset 0x%lx at pc 0x%lx %s: abort injected",
			 v->id, 1U << ESR_SAS(esr), write ? "write" : "read", d->ops->name,
			 ipa - d->base, v->regs.pc, why);
	else
		vm_audit(v->vm, AUDIT_ABORT_INJECTED,
			 "vCPU %u: %s of unmapped IPA 0x%lx at pc 0x%lx: abort injected", v->id,
			 write ? "write" : "read", ipa, v->regs.pc);
	inject_data_abort(v, read_sysreg(far_el2), write);
}

/* The emulation itself, inlined into the trap path (handle_mmio_abort) and wrapped for
 * realm exits (mmio_emulate). */
static inline __attribute__((always_inline)) bool emulate(struct vcpu *v, uint64_t esr,
							  uint64_t ipa, uint64_t *value)
{
	struct vdev *d = find_vdev(v->vm, ipa);
	if (!d || (esr & ESR_S1PTW) || !(esr & ESR_ISV))
		return false;
	unsigned size = 1U << ESR_SAS(esr);
	struct mmio_access a; /* field by field: no padding to clear on this hot path */
	a.offset = ipa - d->base;
	a.size = size;
	a.write = esr & ESR_WNR;
	a.value = a.write && size < 8 ? *value & ((1UL << (8 * size)) - 1) : *value;
	if (!d->ops->access(d, v, &a))
		return false;
	if (!a.write) {
		uint64_t val = a.value;
		if (size < 8) {
			val &= (1UL << (8 * size)) - 1;
			if ((esr & ESR_SSE) && (val >> (8 * size - 1)))
				val |= ~0UL << (8 * size);
		}
		if (!(esr & ESR_SF))
			val = (uint32_t)val;
		*value = val;
	}
	return true;
}

bool mmio_emulate(struct vcpu *v, uint64_t esr, uint64_t ipa, uint64_t *value)
{
	return emulate(v, esr, ipa, value);
}

void handle_mmio_abort(struct vcpu *v, uint64_t esr, uint64_t ipa)
{
	unsigned rt = ESR_SRT(esr);
	uint64_t value = rt == 31 || !(esr & ESR_WNR) ? 0 : v->regs.x[rt];
	if (!emulate(v, esr, ipa, &value)) {
		struct vdev *d = find_vdev(v->vm, ipa);
		mmio_refuse(v, esr, ipa, d,
			    !d		      ? NULL
			    : (esr & ESR_ISV) ? "is not allowed"
					      : "has no syndrome");
		return;
	}
	if (!(esr & ESR_WNR) && rt != 31)
		v->regs.x[rt] = value;
	v->regs.pc += 4;
}
