/* VM creation, image loading and life cycle. */
#include <arch/sysreg.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <triad/cpu.h>
#include <triad/errno.h>
#include <triad/feature.h>
#include <triad/guest_firmware.h>
#include <triad/guest_dt.h>
#include <triad/host_stop.h>
#include <triad/linux_image.h>
#include <triad/log.h>
#include <triad/vm_devices.h>
#include <triad/mem.h>
#include <triad/panic.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vcpu_mte.h>
#include <triad/vcpu_sve.h>
#include <triad/vits.h>
#include <triad/vm.h>
#include <triad/vm_kind.h>

#include "../arch/arm64/cache.h"
#include "../irq/gicv3.h"
#include "el2.h"

#define DTB_MAX	    SZ_64K
#define WARN_BUDGET 64

/* From the top of memory: the low memory a destroyed VM left stays whole for the next
 * VM's RAM (on QEMU it is resident in the host, where fresh memory costs a fault a page). */
static void *alloc_struct(size_t size)
{
	uint64_t pages = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
	uint64_t pa = page_alloc_top(pages);
	if (pa)
		memset((void *)pa, 0, pages * PAGE_SIZE);
	return (void *)pa;
}

/* What vm_create takes besides the structure itself; vm_free gives back what it got. */
static int create_parts(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	vm->kind = cfg->realm ? features_vm_kind("realm") : &normal_vm_kind;
	if (!vm->kind) {
		pr_err("VM '%s': this build of Triad cannot run realms", vm->name);
		return -EINVAL;
	}
	int vmid = el2_vmid_alloc();
	if (vmid < 0) {
		pr_err("VM '%s': out of VMIDs", vm->name);
		return -ENOSPC;
	}
	vm->vmid = (uint16_t)vmid;
	vm->ram_size = cfg->memory;
	vm->ram_pa = page_alloc_clean(cfg->memory / PAGE_SIZE, SZ_2M, &vm->ram_clean);
	if (!vm->ram_pa) {
		pr_err("VM '%s': cannot allocate %lu MB of RAM (%lu MB free)", vm->name,
		       cfg->memory >> 20, mem_free_bytes() >> 20);
		return -ENOMEM;
	}
	if (pt_init(&vm->s2, el2_ipa_bits(), &mem_pt_allocator) ||
	    vm_s2_map(vm, IPA(GUEST_RAM_IPA), PA(vm->ram_pa), vm->ram_size, S2_NORMAL_RWX) ||
	    (cfg->firmware && guest_firmware_map(vm))) {
		pr_err("VM '%s': no memory for its stage-2 tables", vm->name);
		return -ENOMEM;
	}
	vm->vttbr = vm->s2.root | ((uint64_t)vm->vmid << 48);
	for (unsigned i = 0; i < vm->ncpus; i++) {
		struct vcpu *v = alloc_struct(sizeof(*v));
		if (!v) {
			pr_err("VM '%s': no memory for vCPU %u", vm->name, i);
			return -ENOMEM;
		}
		v->vm = vm;
		v->id = i;
		/* Aff0 = i % 16, Aff1 = i / 16: 16 per cluster, like QEMU and SGI target lists. */
		v->mpidr = (1UL << 31) | ((uint64_t)(i / 16) << 8) | (i % 16);
		v->vtimer_wake.fn = vm->kind->vtimer_wake;
		v->se.rt = cfg->realtime;
		vm->vcpu[i] = v;
	}
	return 0;
}

static void free_struct(void *p, size_t size)
{
	if (p)
		page_free((uint64_t)p, ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
}

void vm_free(struct vm *vm)
{
	for (unsigned i = 0; i < vm->ncpus; i++) {
		struct vcpu *v = vm->vcpu[i];
		if (!v)
			continue;
		/* Its timers may still be armed on some CPU (or firing there). */
		softtimer_cancel_sync(&v->vtimer_wake);
		softtimer_cancel_sync(&v->wfit_timer);
		softtimer_cancel_sync(&v->cntp_timer);
		free_struct(v, sizeof(*v));
	}
	/* The VMID's TLB entries go before the tables they came from, and before the RAM they
	 * point to goes to someone else. */
	if (vm->vmid)
		el2_vmid_release(vm->vmid);
	if (vm->s2.root)
		pt_destroy(&vm->s2);
	if (vm->ram_pa && vm->ram_quarantined) {
		pr_warn("VM '%s': %lu MB of RAM quarantined: never reused", vm->name,
			vm->ram_size >> 20);
	} else if (vm->ram_pa) {
		/* Scrubbed here, not only when the next owner loads it: nothing of this guest
		 * lingers in free memory. */
		zero_range(vm->ram_pa, vm->ram_size);
		page_free_zeroed(vm->ram_pa, vm->ram_size / PAGE_SIZE);
	}
	guest_firmware_free(vm);
	if (vm->bundle_owned)
		page_free((uint64_t)vm->bundle_owned,
			  ALIGN_UP(vm->bundle_owned_size, PAGE_SIZE) / PAGE_SIZE);
	free_struct(vm, sizeof(*vm));
}

int vm_create(unsigned id, const struct vm_config *cfg, const uint8_t *bundle, struct vm **out)
{
	struct vm *vm = alloc_struct(sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->id = id;
	vm->config = *cfg;
	vm->cfg = &vm->config;
	vm->bundle = bundle;
	memcpy(vm->name, cfg->name, sizeof(vm->name));
	vm->ncpus = cfg->ncpus;
	vm->log_budget = WARN_BUDGET;
	vm->policy = security_policy(cfg->security);
	vm->hcr = GUEST_HCR | (vm->policy->trap_setway ? HCR_TSW : 0);
	vm->mdcr_extra = vm->policy->guest_pmu ? 0 : MDCR_TPM | MDCR_TPMCR;
	vm->state = VM_STOPPED; /* until vm_load_images */
	spin_init(&vm->lock);
	int vl = sve_vl_for_vm(vm->name, cfg->sve_vl, cfg->realm);
	int mte = mte_for_vm(vm->name, cfg->mte, cfg->realm);
	int r = vl < 0 || mte < 0 ? -EINVAL : create_parts(vm);
	vm->sve_vl = (uint16_t)(vl < 0 ? 0 : vl);
	vm->mte = mte > 0;
	vm->hcr |= mte_hcr(vm->mte);
	if (r) {
		vm_free(vm);
		return r;
	}
	/* A realm's FP state is the RMM's business: always eager. */
	vm->lazy_fp = vm->policy->lazy_fp && vm->kind->el1_in_cpu;
	audit(vm, AUDIT_VM_CREATED, "%s VM, %u vCPU(s), %lu MB", vm->kind->name, vm->ncpus,
	      vm->ram_size >> 20);
	*out = vm;
	return 0;
}

/* Puts the VM in its power-on state: clean RAM, the images and a fresh DTB in it, devices
 * reset, vCPU 0 at the kernel entry and the others off. Also used for SYSTEM_RESET. */
int vm_load_images(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	uint64_t kernel_off, dtb_off, initrd_off, need;
	if (cfg->uefi) {
		/* EDK2 runs from its flash (core/guest_firmware.c) and finds the DTB at the start
		 * of RAM, as QEMU leaves it; nothing else goes into RAM. */
		dtb_off = kernel_off = initrd_off = 0;
		need = SZ_2M;
	} else if (cfg->firmware) {
		/* As QEMU's -bios boot leaves things, which is where guest firmware for virt
		 * (U-Boot) looks: the DTB at the start of RAM. The firmware goes 2 MiB in (it is
		 * position-independent and moves itself to the top of RAM). */
		dtb_off = 0;
		kernel_off = initrd_off = SZ_2M;
		need = kernel_off + ALIGN_UP(cfg->kernel.size, SZ_2M) + SZ_2M;
	} else {
		struct linux_image img;
		const char *bad =
		    linux_image_parse(vm->bundle + cfg->kernel.offset, cfg->kernel.size, &img);
		if (bad) {
			pr_err("VM '%s': kernel is not a usable arm64 Image: %s", vm->name, bad);
			return -EINVAL;
		}
		kernel_off = img.text_offset;
		dtb_off = ALIGN_UP(kernel_off + img.mem_size, SZ_2M);
		initrd_off = dtb_off + SZ_2M;
		need = initrd_off + ALIGN_UP(cfg->initrd.size, PAGE_SIZE) + SZ_2M;
	}
	if (need > vm->ram_size) {
		pr_err("VM '%s': %lu MB of memory is too small for its kernel and initrd "
		       "(%lu MB needed)",
		       vm->name, vm->ram_size >> 20, (need + SZ_1M - 1) >> 20);
		return -E2BIG;
	}
	/* The virtual hardware first: the vGIC, then the devices back to power-on state,
	 * which waits for their DMA still in flight (a disk's reads) to land in the old
	 * memory before it is scrubbed and reloaded below (docs/devices.md). */
	vgic_init(&vm->vgic, vm->ncpus, gic_nr_lrs());
	for (unsigned i = 0; i < vm->ncpus; i++) {
		struct vcpu *v = vm->vcpu[i];
		vgic_cpu_init(&vm->vgic, &v->vgic, i, v->mpidr);
		v->power = VCPU_OFF;
	}
	vm_devices_reset(vm);
	/* A realm's old self goes first: its granules of this RAM back to Triad. */
	if (vm->kind->teardown)
		vm->kind->teardown(vm);
	uint8_t *ram = (uint8_t *)vm->ram_pa;
	/* A VM never sees what its memory held before (another VM's data, say). */
	if (!vm->ram_clean)
		zero_range(vm->ram_pa, vm->ram_size);
	vm->ram_clean = false; /* from now on it holds the guest's data */
	uint64_t kernel_size = cfg->uefi ? 0 : cfg->kernel.size; /* UEFI's is in its flash */
	memcpy(ram + kernel_off, vm->bundle + cfg->kernel.offset, kernel_size);
	if (cfg->initrd.size)
		memcpy(ram + initrd_off, vm->bundle + cfg->initrd.offset, cfg->initrd.size);

	uint64_t mpidrs[MAX_VCPUS];
	for (unsigned i = 0; i < vm->ncpus; i++)
		mpidrs[i] = vm->vcpu[i]->mpidr;
	struct guest_dt_params p = {
	    .mem_base = GUEST_RAM_IPA,
	    .mem_size = vm->ram_size,
	    .ncpus = vm->ncpus,
	    .mpidr = mpidrs,
	    .bootargs = cfg->bootargs,
	    .initrd_start = cfg->initrd.size ? GUEST_RAM_IPA + initrd_off : 0,
	    .initrd_end = cfg->initrd.size ? GUEST_RAM_IPA + initrd_off + cfg->initrd.size : 0,
	    .gicd_base = GICD_BASE_IPA,
	    .gicr_base = GICR_BASE_IPA,
	    .its_base = vm->its ? VITS_BASE_IPA : 0,
	    .uart_base = GUEST_UART_IPA,
	    .uart_spi = GUEST_UART_SPI,
	    .rtc_base = GUEST_RTC_IPA,
	    .rtc_spi = GUEST_RTC_SPI,
	    .gpio_base = GUEST_GPIO_IPA,
	    .gpio_spi = GUEST_GPIO_SPI,
	    .power_line = GUEST_POWER_KEY_LINE,
	    .flash0_size = vm->fw_code_size,
	    .flash1_base = GUEST_FLASH1_IPA,
	    .flash1_size = cfg->uefi ? GUEST_VARSTORE_SIZE : 0,
	    .timer_ppi = {13, 14, 11, 10},
	    .pmu = vpmu_available() && vm->policy->guest_pmu,
	    .pmu_ppi = plat.pmu_intid - 16,
	};
	struct guest_dt_virtio virtio[MAX_VDEVS];
	for (unsigned i = 0; i < vm->nvdevs; i++)
		if (vm->vdevs[i].virtio_spi >= 0)
			virtio[p.nvirtio++] = (struct guest_dt_virtio){
			    vm->vdevs[i].base, (uint32_t)vm->vdevs[i].virtio_spi};
	p.virtio = virtio;
	struct guest_dt_passthrough pt[MAX_VM_DEVICES];
	p.passthrough = pt;
	features_guest_dt(vm, &p);
	if (vm->kind->guest_dt)
		vm->kind->guest_dt(vm, &p);
	int r = guest_dt_build(ram + dtb_off, DTB_MAX, &p);
	if (r) {
		pr_err("VM '%s': device tree generation failed (%d)", vm->name, r);
		return -EINVAL;
	}
	/* The guest starts with its MMU (so its caches) off: what it reads then must be in
	 * memory, not only in our caches. It cleans or invalidates anything else itself. */
	dcache_clean_range(vm->ram_pa + kernel_off, kernel_size);
	dcache_clean_range(vm->ram_pa + dtb_off, DTB_MAX);
	dcache_clean_range(vm->ram_pa + initrd_off, cfg->initrd.size);
	icache_invalidate_all();

	vm->cntvoff = read_sysreg(cntpct_el0);
	vm->torn_down = false;
	const struct vm_image images[] = {
	    {GUEST_RAM_IPA + kernel_off, cfg->kernel.size},
	    {GUEST_RAM_IPA + dtb_off, fdt_totalsize(ram + dtb_off)},
	    {GUEST_RAM_IPA + initrd_off, cfg->initrd.size},
	};
	if (vm->kind->build && vm->kind->build(vm, images, cfg->initrd.size ? 3 : 2,
					       GUEST_RAM_IPA + kernel_off, GUEST_RAM_IPA + dtb_off))
		return -EINVAL;
	features_vm_loaded(vm);
	struct vcpu *boot = vm->vcpu[0];
	boot->on_entry = cfg->uefi ? GUEST_FLASH0_IPA : GUEST_RAM_IPA + kernel_off;
	boot->on_context = GUEST_RAM_IPA + dtb_off; /* x0 = DTB address */
	boot->power = VCPU_ON_PENDING;
	vm->state = VM_RUNNING;
	sched_wake(boot);
	return 0;
}

/* Triad ends once no VM is left running, paused, resetting or loading. */
static void exit_if_none_alive(int code, const char *reason)
{
	for (unsigned i = 0; i < nr_vms; i++) {
		struct vm *vm = vm_by_id(i);
		enum vm_state s = vm ? vm->state : VM_STOPPED;
		if (s == VM_RUNNING || s == VM_PAUSED || s == VM_RESETTING || s == VM_LOADING)
			return;
	}
	if (!host_stop_in_progress() && vm_lifecycle_keep_running(reason))
		return;
	sched_print_stats();
	features_print_stats();
	triad_exit(code, reason);
}

void vm_stop(struct vm *vm, enum vm_state state)
{
	spin_lock(&vm->lock);
	/* A VM being destroyed stays dead: no reset or power-off of its guest's brings it
	 * back or changes what its destruction waits for. */
	vm->state = vm->destroying ? VM_DEAD : state;
	for (unsigned i = 0; i < vm->ncpus; i++)
		vm->vcpu[i]->power = VCPU_OFF;
	spin_unlock(&vm->lock);
	for (unsigned i = 0; i < vm->ncpus; i++)
		sched_wake(vm->vcpu[i]);
}

void vm_power_off(struct vm *vm, const char *why)
{
	vm_stop(vm, VM_STOPPED);
	audit(vm, AUDIT_VM_STOPPED, "%s", why);
	pr_info("VM '%s' %s", vm->name, why);
	exit_if_none_alive(0, "all guests powered off");
}

void vm_vcpu_off(struct vcpu *v)
{
	struct vm *vm = v->vm;
	spin_lock(&vm->lock);
	v->power = VCPU_OFF;
	bool none_on = vm->state == VM_RUNNING;
	for (unsigned i = 0; i < vm->ncpus && none_on; i++)
		none_on = vm->vcpu[i]->power == VCPU_OFF;
	spin_unlock(&vm->lock);
	/* Decided under the lock: of two last vCPUs going off at once, one sees none on. */
	if (none_on)
		vm_power_off(vm, "turned its last vCPU off (PSCI CPU_OFF): stopped, as if powered "
				 "off");
}

void vm_kill(struct vm *vm, const char *why)
{
	vm_stop(vm, VM_DEAD);
	audit(vm, AUDIT_VM_KILLED, "%s", why);
	pr_err("VM '%s' stopped by the hypervisor: %s", vm->name, why);
	char reason[160];
	snprintf(reason, sizeof(reason), "guest '%s' killed: %s", vm->name, why);
	exit_if_none_alive(2, reason);
}

void vm_request_reset(struct vm *vm)
{
	vm_stop(vm, VM_RESETTING);
	pr_info("VM '%s' requested a reset", vm->name);
}

void vm_teardown(struct vm *vm)
{
	if (vm->kind->teardown)
		vm->kind->teardown(vm);
	features_vm_reset(vm);
	__atomic_store_n(&vm->torn_down, true, __ATOMIC_RELEASE);
}

/* Runs on the CPU that put the VM's last loaded vCPU; the VM's images are reloaded there
 * while no vCPU of it can run (VM_LOADING). A stopped realm is taken apart there. */
void vm_reset(struct vm *vm)
{
	if (vm->state == VM_STOPPED || vm->state == VM_DEAD) {
		vm_teardown(vm);
		return;
	}
	spin_lock(&vm->lock);
	bool mine = vm->state == VM_RESETTING && !vm->destroying &&
		    !__atomic_load_n(&vm->nr_loaded, __ATOMIC_ACQUIRE);
	if (mine)
		vm->state = VM_LOADING;
	spin_unlock(&vm->lock);
	if (!mine)
		return;
	features_vm_reset(vm); /* the old guest's OP-TEE sessions, FF-A buffers, ... go */
	if (vm_load_images(vm)) {
		vm_kill(vm, "could not reload its images on reset");
		return;
	}
	pr_info("VM '%s' restarted", vm->name);
}

struct vcpu *vm_find_vcpu(struct vm *vm, uint64_t mpidr)
{
	for (unsigned i = 0; i < vm->ncpus; i++)
		if ((vm->vcpu[i]->mpidr & MPIDR_AFF_MASK) == (mpidr & MPIDR_AFF_MASK))
			return vm->vcpu[i];
	return NULL;
}

bool vm_ipa_is_ram(const struct vm *vm, uint64_t ipa, uint64_t size)
{
	return range_within(ipa, size, GUEST_RAM_IPA, vm->ram_size);
}

void *vm_guest_map(void *vm_ptr, uint64_t ipa, uint64_t len)
{
	struct vm *vm = vm_ptr;
	/* A realm shares buffers with its devices through its unprotected half, which is the
	 * VM's Non-secure RAM (its own memory is out of Triad's reach anyway). */
	ipa &= ~vm->ipa_alias;
	if (!vm_ipa_is_ram(vm, ipa, len) ||
	    (vm->kind->host_may_touch && !vm->kind->host_may_touch(vm, ipa, len)))
		return NULL;
	/* Pages it lent or donated to the secure world (FF-A) are out of its stage 2 and out of
	 * reach of what Triad does for it (its devices' DMA, its FF-A buffers) too. */
	if (__atomic_load_n(&vm->ffa_mem_outstanding, __ATOMIC_ACQUIRE))
		for (uint64_t a = ipa & ~(PAGE_SIZE - 1); a < ipa + len; a += PAGE_SIZE)
			if (pt_lookup(&vm->s2, a, NULL, NULL))
				return NULL;
	return (void *)(vm->ram_pa + (ipa - GUEST_RAM_IPA)); /* RAM is identity-mapped at EL2 */
}

/* A guest can trap millions of times: a bounded number of lines per VM. */
static bool take_warning(struct vm *vm, bool *last)
{
	unsigned left = __atomic_load_n(&vm->log_budget, __ATOMIC_RELAXED);
	do {
		if (!left)
			return false;
	} while (!__atomic_compare_exchange_n(&vm->log_budget, &left, left - 1, false,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	*last = left == 1;
	return true;
}

void vm_warn(struct vm *vm, const char *fmt, ...)
{
	bool last;
	if (!take_warning(vm, &last))
		return;
	char buf[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr_warn("VM '%s': %s%s", vm->name, buf, last ? " (further guest warnings suppressed)" : "");
}

void vm_audit(struct vm *vm, enum audit_event ev, const char *fmt, ...)
{
	char buf[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	audit(vm, ev, "%s", buf); /* always: the audit ring has no budget, only a size */
	bool last;
	if (take_warning(vm, &last))
		pr_warn("VM '%s': %s%s", vm->name, buf,
			last ? " (further guest warnings suppressed)" : "");
}

int vm_s2_map(struct vm *vm, ipa_t ipa, paddr_t pa, uint64_t size, uint64_t attr)
{
	return pt_map(&vm->s2, ipa.bits, pa.bits, size, attr);
}

int vm_s2_unmap(struct vm *vm, ipa_t ipa, uint64_t size)
{
	int r = pt_unmap(&vm->s2, ipa.bits, size);
	el2_tlb_flush_vmid(vm->vmid); /* no vCPU may go on using the old entries */
	return r;
}
