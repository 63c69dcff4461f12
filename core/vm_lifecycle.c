/* VMs made and ended while Triad runs: the slot table behind vm_by_id/vm_by_name, creating
 * a VM from a bundle (at boot, or one uploaded through the management API), starting it, and
 * destroying it with everything it holds given back. */
#include <stdio.h>
#include <string.h>
#include <triad/audit.h>
#include <triad/config.h>
#include <triad/cpu.h>
#include <triad/errno.h>
#include <triad/feature.h>
#include <triad/log.h>
#include <triad/mem.h>
#include <triad/mgmt.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>
#include <triad/vm_manage.h>
#include <triad/vm_slots.h>

static struct vm_slots slots;
/* The table, and a VM's existence for those who use one they found there (vm_list_lock):
 * outermost lock. */
static spinlock_t slots_lock = SPINLOCK_INIT;
unsigned nr_vms;
static unsigned next_pcpu; /* where the next vCPU created starts, round-robin */

struct vm *vm_by_id(unsigned id)
{
	return id < MAX_VMS ? __atomic_load_n(&slots.vm[id], __ATOMIC_ACQUIRE) : NULL;
}

struct vm *vm_by_name(const char *name)
{
	spin_lock(&slots_lock);
	int id = vm_slots_find(&slots, name);
	spin_unlock(&slots_lock);
	return id < 0 ? NULL : vm_by_id((unsigned)id);
}

void vm_list_lock(void)
{
	spin_lock(&slots_lock);
}

void vm_list_unlock(void)
{
	spin_unlock(&slots_lock);
}

static uint32_t present_cpus(void)
{
	return nr_cpus >= 32 ? UINT32_MAX : (1U << nr_cpus) - 1;
}

int vm_config_check_cpus(const struct vm_config *cfg, char *err, size_t errlen)
{
	uint32_t present = present_cpus();
	for (unsigned v = 0; v < cfg->ncpus; v++)
		if (!(cfg->affinity[v] & present) ||
		    (cfg->affinity[v] != UINT32_MAX && (cfg->affinity[v] & ~present))) {
			snprintf(err, errlen,
				 "config: VM '%s' vCPU %u: affinity 0x%x names a CPU this machine "
				 "does not have (%u CPUs)",
				 cfg->name, v, cfg->affinity[v], nr_cpus);
			return -EINVAL;
		}
	return 0;
}

int vm_create_configured(const struct vm_config *cfg, const uint8_t *bundle, struct vm **out,
			 char *err, size_t errlen)
{
	int r = vm_config_check_cpus(cfg, err, errlen);
	if (r)
		return r;
	spin_lock(&slots_lock);
	int id = vm_slots_claim(&slots, cfg->name);
	spin_unlock(&slots_lock);
	if (id < 0) {
		snprintf(err, errlen, "VM '%s': %s", cfg->name,
			 id == -EEXIST	 ? "a VM of that name exists"
			 : id == -EINVAL ? "not a valid VM name"
					 : "no free VM slot");
		return id;
	}
	struct vm *vm;
	r = vm_create((unsigned)id, cfg, bundle, &vm);
	if (r) {
		if (r == -ENOMEM)
			snprintf(err, errlen,
				 "VM '%s': not enough free memory (%lu MB asked, %lu MB free)",
				 cfg->name, cfg->memory >> 20, mem_free_bytes() >> 20);
		else if (r == -ENOSPC)
			snprintf(err, errlen, "VM '%s': no free VMID", cfg->name);
		else
			snprintf(err, errlen, "VM '%s' could not be created (%d)", cfg->name, r);
		goto release_slot;
	}
	r = vm_devices_create(vm, err, errlen);
	if (r) {
		vm_devices_release(vm);
		vm_free(vm);
		goto release_slot;
	}
	/* Spread the vCPUs round-robin over the CPUs each may use; the scheduler balances
	 * from there. */
	for (unsigned v = 0; v < vm->ncpus; v++) {
		uint32_t allowed = cfg->affinity[v] & present_cpus();
		while (!(allowed & (1U << next_pcpu)))
			next_pcpu = (next_pcpu + 1) % nr_cpus;
		sched_add_vcpu(vm->vcpu[v], allowed,
			       cfg->weight ? cfg->weight : SCHED_WEIGHT_DEFAULT, next_pcpu);
		next_pcpu = (next_pcpu + 1) % nr_cpus;
	}
	spin_lock(&slots_lock);
	vm_slots_set(&slots, (unsigned)id, vm);
	bool more = vm_slots_end(&slots) > nr_vms;
	nr_vms = vm_slots_end(&slots);
	spin_unlock(&slots_lock);
	if (more)
		console_set_vms(nr_vms); /* name-tagged lines once there are several */
	*out = vm;
	return 0;
release_slot:
	spin_lock(&slots_lock);
	vm_slots_release(&slots, (unsigned)id);
	nr_vms = vm_slots_end(&slots);
	spin_unlock(&slots_lock);
	return r;
}

int vm_create_bundle(uint8_t *bundle, uint64_t size, const char *name, struct vm **out, char *err,
		     size_t errlen)
{
	/* Too big for a stack: whole pages, given back before returning. */
	uint64_t cfg_pages = ALIGN_UP(sizeof(struct triad_config), PAGE_SIZE) / PAGE_SIZE;
	struct triad_config *cfg = (struct triad_config *)page_alloc_top(cfg_pages);
	if (!cfg) {
		snprintf(err, errlen, "create: no memory to parse the bundle");
		return -ENOMEM;
	}
	int r = config_parse(bundle, size, cfg, err, errlen);
	if (!r && cfg->nvms != 1) {
		snprintf(err, errlen, "create: the bundle has %u VMs, not one", cfg->nvms);
		r = -EINVAL;
	}
	for (unsigned i = 0; !r && i < cfg->vm[0].ndevs; i++)
		if (cfg->vm[0].dev[i].type->boot_only) {
			snprintf(
			    err, errlen,
			    "create: VM '%s': a %s device can only be given to a VM of the boot "
			    "bundle",
			    cfg->vm[0].name, cfg->vm[0].dev[i].type->node);
			r = -ENOTSUP;
		}
	if (!r && name) {
		if (!vm_name_valid(name)) {
			snprintf(err, errlen, "create: '%.40s' is not a valid VM name", name);
			r = -EINVAL;
		} else {
			strncpy(cfg->vm[0].name, name, VM_NAME_MAX - 1);
			cfg->vm[0].name[VM_NAME_MAX - 1] = '\0';
		}
	}
	struct vm *vm = NULL;
	if (!r)
		r = vm_create_configured(&cfg->vm[0], bundle, &vm, err, errlen);
	page_free((uint64_t)cfg, cfg_pages);
	if (r)
		return r;
	/* From here the VM owns the bundle: its kernel and initrd are read from it at each
	 * (re)start, and it goes with the VM. */
	vm->bundle_owned = bundle;
	vm->bundle_owned_size = size;
	pr_info("VM %u '%s' created: %u vCPU(s), %lu MB RAM at PA 0x%lx, VMID %u, security %s",
		vm->id, vm->name, vm->ncpus, vm->ram_size >> 20, vm->ram_pa, vm->vmid,
		vm->policy->name);
	*out = vm;
	return 0;
}

int vm_create_from_bundle(uint8_t *bundle, uint64_t size, const char *name, struct vm **out)
{
	char err[160];
	int r = vm_create_bundle(bundle, size, name, out, err, sizeof(err));
	if (r)
		pr_err("%s", err);
	return r;
}

/* No vCPU of the VM in a CPU or a run queue, and no CPU about to tear it down. */
static bool out_of_cpus(struct vm *vm)
{
	/* First the run queues' locks: a CPU that put the VM's last vCPU has set its
	 * reset_vm under the same lock. */
	for (unsigned i = 0; i < vm->ncpus; i++)
		if (!sched_remove_vcpu(vm->vcpu[i]))
			return false;
	if (__atomic_load_n(&vm->nr_loaded, __ATOMIC_ACQUIRE))
		return false;
	for (unsigned i = 0; i < nr_cpus; i++)
		if (__atomic_load_n(&cpus[i].reset_vm, __ATOMIC_ACQUIRE) == vm)
			return false;
	return true;
}

int vm_start(struct vm *vm)
{
	if (vm->destroying)
		return -EBUSY;
	enum vm_state s = vm->state;
	if (s != VM_STOPPED && s != VM_DEAD) {
		pr_warn("start: VM '%s' is not stopped", vm->name);
		return -EBUSY;
	}
	if (!out_of_cpus(vm))
		return -EAGAIN; /* its vCPUs are still leaving the CPUs it ran on */
	if (!vm->torn_down)
		vm_teardown(vm); /* what its last run left (a realm's old incarnation) */
	int r = vm_load_images(vm);
	if (r)
		return r;
	pr_info("VM '%s' started", vm->name);
	return 0;
}

int vm_destroy(struct vm *vm)
{
	if (!vm->destroying) {
		const char *dev = vm_devices_unreleasable(vm);
		if (dev) {
			pr_warn("destroy: VM '%s' has a device that cannot be released (%s)",
				vm->name, dev);
			return -ENOTSUP;
		}
		/* Decided under the VM's lock, where vm_reset decides to reload it: a reload
		 * under way finishes first, and none starts once it is marked. */
		spin_lock(&vm->lock);
		bool loading = vm->state == VM_LOADING;
		if (!loading)
			vm->destroying = true;
		spin_unlock(&vm->lock);
		if (loading)
			return -EAGAIN;
		vm_stop(vm, VM_DEAD);
	}
	if (!out_of_cpus(vm))
		return -EAGAIN;
	if (!vm->torn_down)
		vm_teardown(vm); /* no CPU put it since it stopped: nobody else will */
	/* Nobody finds it any more; whoever holds it under vm_list_lock is done with it. */
	spin_lock(&slots_lock);
	vm_slots_release(&slots, vm->id);
	nr_vms = vm_slots_end(&slots);
	spin_unlock(&slots_lock);
	char name[VM_NAME_MAX];
	memcpy(name, vm->name, sizeof(name));
	unsigned id = vm->id;
	audit(vm, AUDIT_VM_DESTROYED, "at the host's request; VMID %u freed", vm->vmid);
	vm_devices_release(vm);
	features_vm_destroy(vm);
	vm_free(vm);
	pr_info("VM %u '%s' destroyed: %lu KB free", id, name, mem_free_bytes() >> 10);
	return 0;
}

bool vm_lifecycle_keep_running(const char *reason)
{
	if (!mgmt_enabled())
		return false;
	pr_info("no VM is running (%s); Triad keeps running for its management channel "
		"(`triad-ctl quit` ends the run)",
		reason);
	return true;
}
