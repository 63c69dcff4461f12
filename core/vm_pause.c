/* Pausing a VM (docs/management.md): its vCPUs stop being scheduled, as if every one were
 * blocked, and its devices start no new I/O. Nothing of its state is thrown away: pending
 * interrupts stay in its vGIC (devices and passthrough lines still raise them), its timers
 * stay armed in its saved registers, and when it runs again it takes them. The virtual
 * counter is not stopped: a pause is time the guest did not run, as on Xen and KVM. */
#include <arch/sysreg.h>
#include <triad/cpu.h>
#include <triad/errno.h>
#include <triad/log.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vdev.h>
#include <triad/vm.h>
#include <triad/vm_manage.h>

int vm_pause(struct vm *vm)
{
	spin_lock(&vm->lock);
	if (vm->state != VM_RUNNING) {
		spin_unlock(&vm->lock);
		return -EBUSY;
	}
	vm->state = VM_PAUSED;
	vm->paused_at = read_sysreg(cntpct_el0);
	vm->pauses++;
	spin_unlock(&vm->lock);
	/* Each vCPU running, or loaded on an idle CPU, leaves it: the scheduler sees the VM
	 * is not running and puts them. */
	for (unsigned i = 0; i < vm->ncpus; i++)
		sched_wake(vm->vcpu[i]);
	pr_info("VM '%s' paused", vm->name);
	return 0;
}

/* Every vCPU's state is in memory and none can be entered. */
static bool vcpus_stopped(struct vm *vm)
{
	if (__atomic_load_n(&vm->nr_loaded, __ATOMIC_ACQUIRE))
		return false;
	for (unsigned i = 0; i < vm->ncpus; i++)
		if (READ_ONCE(vm->vcpu[i]->se.state) == SCHED_RUNNING)
			return false;
	return true;
}

bool vm_io_drained(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nvdevs; i++) {
		struct vdev *d = &vm->vdevs[i];
		if (d->ops->busy && d->ops->busy(d))
			return false;
	}
	return true;
}

bool vm_vcpus_stopped(struct vm *vm)
{
	return vm->state == VM_PAUSED && vcpus_stopped(vm);
}

bool vm_quiesced(struct vm *vm)
{
	return vm_vcpus_stopped(vm) && vm_io_drained(vm);
}

int vm_resume(struct vm *vm)
{
	spin_lock(&vm->lock);
	if (vm->state != VM_PAUSED) {
		spin_unlock(&vm->lock);
		return -EBUSY;
	}
	vm->paused_ticks += read_sysreg(cntpct_el0) - vm->paused_at;
	vm->paused_at = 0;
	vm->state = VM_RUNNING;
	spin_unlock(&vm->lock);
	for (unsigned i = 0; i < vm->nvdevs; i++) {
		struct vdev *d = &vm->vdevs[i];
		if (d->ops->resume)
			d->ops->resume(d);
	}
	/* All of them: one that waited in WFI looks again at its interrupts (a spurious
	 * wake-up from WFI is allowed), one powered off stays off. */
	for (unsigned i = 0; i < vm->ncpus; i++)
		if (vm->vcpu[i]->power != VCPU_OFF)
			sched_wake(vm->vcpu[i]);
	pr_info("VM '%s' resumed", vm->name);
	return 0;
}
