/* Emulated MMIO: a stage-2 translation fault inside a device's range becomes a call to its
 * ops; anything else the guest touches outside its RAM gets an external abort. */
#include <arch/sysreg.h>
#include <triad/vm.h>

#define ISS_ISV	   (1UL << 24)
#define ISS_SAS(e) (((e) >> 22) & 3)
#define ISS_SSE	   (1UL << 21)
#define ISS_SRT(e) (((e) >> 16) & 0x1f)
#define ISS_SF	   (1UL << 15)
#define ISS_S1PTW  (1UL << 7)
#define ISS_WNR	   (1UL << 6)

static struct vdev *find_vdev(struct vm *vm, uint64_t ipa)
{
	for (unsigned i = 0; i < vm->nvdevs; i++) {
		struct vdev *d = &vm->vdevs[i];
		if (ipa >= d->base && ipa - d->base < d->size)
			return d;
	}
	return NULL;
}

void handle_mmio_abort(struct vcpu *v, uint64_t esr, uint64_t ipa)
{
	uint64_t far = read_sysreg(far_el2);
	struct vdev *d = find_vdev(v->vm, ipa);
	if (!d || (esr & ISS_S1PTW)) {
		vm_warn(v->vm, "vCPU %u: %s of unmapped IPA 0x%lx at pc 0x%lx: abort injected",
			v->id, (esr & ISS_WNR) ? "write" : "read", ipa, v->regs.pc);
		inject_data_abort(v, far, esr & ISS_WNR);
		return;
	}
	if (!(esr & ISS_ISV)) {
		/* No syndrome (load/store pair, writeback...): nothing to emulate it from. */
		vm_warn(v->vm, "vCPU %u: %s access to %s at 0x%lx has no syndrome: abort injected",
			v->id, (esr & ISS_WNR) ? "write" : "read", d->ops->name, ipa);
		inject_data_abort(v, far, esr & ISS_WNR);
		return;
	}
	unsigned size = 1U << ISS_SAS(esr), rt = ISS_SRT(esr);
	struct mmio_access a = {.offset = ipa - d->base, .size = size, .write = esr & ISS_WNR};
	if (a.write) {
		a.value = rt == 31 ? 0 : v->regs.x[rt];
		if (size < 8)
			a.value &= (1UL << (8 * size)) - 1;
	}
	if (!d->ops->access(d, v, &a)) {
		vm_warn(v->vm,
			"vCPU %u: %u-byte %s of %s offset 0x%lx is not allowed: abort "
			"injected",
			v->id, size, a.write ? "write" : "read", d->ops->name, a.offset);
		inject_data_abort(v, far, esr & ISS_WNR);
		return;
	}
	if (!a.write && rt != 31) {
		uint64_t val = a.value;
		if (size < 8) {
			val &= (1UL << (8 * size)) - 1;
			if ((esr & ISS_SSE) && (val >> (8 * size - 1)))
				val |= ~0UL << (8 * size);
		}
		if (!(esr & ISS_SF))
			val = (uint32_t)val;
		v->regs.x[rt] = val;
	}
	v->regs.pc += 4;
}
