/*
 * Saving a VM to a snapshot file and restoring one (docs/snapshot.md): the management API's
 * SAVE and RESTORE ops. The file's format and records are pure logic elsewhere
 * (core/snapshot_*.c); this file takes a quiesced VM's state from memory and puts a
 * restored one's back.
 */
#include <arch/mte.h>
#include <arch/sysreg.h>
#include <stdio.h>
#include <string.h>
#include <triad/audit.h>
#include <triad/config.h>
#include <triad/errno.h>
#include <triad/log.h>
#include <triad/mem.h>
#include <triad/mgmt.h>
#include <triad/cpu.h>
#include <triad/snapshot.h>
#include <triad/snapshot_format.h>
#include <triad/snapshot_its.h>
#include <triad/snapshot_mem.h>
#include <triad/snapshot_mte.h>
#include <triad/snapshot_stream.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vcpu_sve.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>
#include <triad/vm_kind.h>
#include <triad/vm_manage.h>

#include "../arch/arm64/cache.h"
#include "../irq/gicv3.h"

#define DEVICE_WAIT_MS	 5000
#define RESTORE_NAME_MAX (VM_NAME_MAX - 1)

static uint64_t ms_since(uint64_t t0)
{
	return (read_sysreg(cntpct_el0) - t0) / (read_sysreg(cntfrq_el0) / 1000);
}

static uint64_t pages_of(uint64_t bytes)
{
	return ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE;
}

/* ---- save ---- */

/* Why this VM can never be saved, or NULL. */
static const char *unsaveable(const struct vm *vm, char *why, size_t len)
{
	if (vm->cfg->realm || vm->kind != &normal_vm_kind)
		return "it is a realm: its memory and registers belong to the realm world, not "
		       "to Triad";
	for (unsigned i = 0; i < vm->nvdevs; i++)
		if (!vm->vdevs[i].ops->save) {
			snprintf(why, len,
				 "its device %s at 0x%lx is passed through: its state is in the "
				 "hardware",
				 vm->vdevs[i].ops->name, (unsigned long)vm->vdevs[i].base);
			return why;
		}
	return NULL;
}

/* The request in progress (one at a time): which VM, whether SAVE paused it. */
static struct {
	struct vm *vm;
	bool paused_by_us;
	uint64_t deadline;
} saving;

static int save_finish(int code)
{
	if (saving.paused_by_us)
		vm_resume(saving.vm);
	saving.vm = NULL;
	return code;
}

static int save_poll(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	(void)req;
	struct vm *vm = saving.vm;
	if (!vm_quiesced(vm)) {
		if (read_sysreg(cntpct_el0) < saving.deadline)
			return MGMT_PENDING;
		return save_finish(mgmt_fail(rep, MGMT_EBUSY,
					     "VM '%s' did not quiesce within %u ms", vm->name,
					     DEVICE_WAIT_MS));
	}
	char err[sizeof(rep->reason)];
	uint64_t t0 = read_sysreg(cntpct_el0);
	long n = snap_stream_open(vm, saving.paused_by_us, err, sizeof(err));
	if (n == -EBUSY && read_sysreg(cntpct_el0) < saving.deadline)
		return MGMT_PENDING; /* a device still has I/O in flight */
	if (n < 0)
		return save_finish(mgmt_fail(rep, n == -ENOMEM ? MGMT_ENOMEM : MGMT_EBUSY,
					     "VM '%s': %s", vm->name, err));
	uint64_t size = (uint64_t)n;
	memcpy(rep->data, &size, 8);
	rep->len = 8;
	pr_info("VM '%s' saved: %lu MB snapshot, measured in %lu ms; it stays paused until "
		"the file is read",
		vm->name, size >> 20, (unsigned long)ms_since(t0));
	audit(vm, AUDIT_SNAPSHOT_SAVED, "%lu bytes", (unsigned long)size);
	saving.vm = NULL; /* the stream resumes it once the file is read */
	return MGMT_OK;
}

/* SAVE: u32 vm. Pauses it (unless it is paused already) until its vCPUs have left the
 * CPUs and its devices' requests have completed, writes the snapshot into the output
 * buffer, and lets it run again. Reply: u64 the snapshot's size (DOWNLOAD it). */
static int save(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	int err;
	struct vm *vm = mgmt_vm_arg(req, rep, &err);
	if (!vm)
		return err;
	char why[sizeof(rep->reason) - 48];
	const char *no = unsaveable(vm, why, sizeof(why));
	if (no)
		return mgmt_fail(rep, MGMT_ENOTSUP, "VM '%s' cannot be saved: %s", vm->name, no);
	if (__atomic_load_n(&vm->ffa_mem_outstanding, __ATOMIC_ACQUIRE))
		return mgmt_fail(rep, MGMT_EBUSY,
				 "VM '%s' has memory shared with the secure world (FF-A): it "
				 "must reclaim it first",
				 vm->name);
	mgmt_set_output(NULL, 0); /* a snapshot still being read goes: its VM runs again */
	if (vm->state != VM_RUNNING && vm->state != VM_PAUSED)
		return mgmt_fail(rep, MGMT_EBUSY, "VM '%s' is not running or paused", vm->name);
	saving.vm = vm;
	saving.paused_by_us = vm->state == VM_RUNNING;
	saving.deadline = read_sysreg(cntpct_el0) + read_sysreg(cntfrq_el0) / 1000 * DEVICE_WAIT_MS;
	if (saving.paused_by_us && vm_pause(vm)) {
		saving.paused_by_us = false;
		return save_finish(
		    mgmt_fail(rep, MGMT_EBUSY, "VM '%s' could not be paused", vm->name));
	}
	return save_poll(req, rep);
}
MGMT_OP(save) = {MGMT_OP_SAVE, "SAVE", 4, 4, save, save_poll};

/* ---- restore ---- */

/* A snapshot's sections, found and checked in full before anything is built. The records
 * are copied out: a section is only 8-byte aligned, the FP registers in them want 16. */
struct checked {
	struct snap_view view;
	const struct snap_section *bundle, *devices, *memory;
	const struct snap_section *mte; /* an MTE VM's tags and tag registers */
	const struct snap_section *its; /* a VM with an ITS: it and its LPIs */
	struct snap_vm vm;
	struct snap_vgic vgic;
	struct snap_vcpu vcpu[MAX_VCPUS];
	struct triad_config cfg;
};

static int fixed_section(const struct snap_view *v, uint32_t type, uint32_t index, void *rec,
			 size_t size)
{
	const struct snap_section *s = snap_find(v, type, index);
	if (!s || s->len != size)
		return -EINVAL;
	memcpy(rec, s->data, size);
	return 0;
}

static int check_snapshot(const uint8_t *file, uint64_t len, struct checked *c, char *err,
			  size_t errlen)
{
	int r = snap_parse(file, len, &c->view, err, errlen);
	if (r)
		return r == -ENOTSUP ? MGMT_EVERSION : MGMT_EINVAL;
	c->bundle = snap_find(&c->view, SNAP_SEC_BUNDLE, 0);
	c->devices = snap_find(&c->view, SNAP_SEC_DEVICES, 0);
	c->memory = snap_find(&c->view, SNAP_SEC_MEMORY, 0);
	if (!c->bundle || !c->devices || !c->memory ||
	    fixed_section(&c->view, SNAP_SEC_VM, 0, &c->vm, sizeof(c->vm)) ||
	    fixed_section(&c->view, SNAP_SEC_VGIC, 0, &c->vgic, sizeof(c->vgic))) {
		snprintf(err, errlen, "a section is missing or has the wrong size");
		return MGMT_EINVAL;
	}
	if (c->vm.cntfrq != read_sysreg(cntfrq_el0)) {
		snprintf(err, errlen, "saved on a counter of %lu Hz, this machine's runs at %lu Hz",
			 (unsigned long)c->vm.cntfrq, (unsigned long)read_sysreg(cntfrq_el0));
		return MGMT_EINVAL;
	}
	if (config_parse(c->bundle->data, c->bundle->len, &c->cfg, err, errlen))
		return MGMT_EINVAL;
	const struct vm_config *cfg = &c->cfg.vm[0];
	/* An MTE VM's file has its tags, any other none (a version 3 file: no MTE VM). */
	c->mte = snap_find(&c->view, SNAP_SEC_MTE, 0);
	if (!cfg->mte != !c->mte) {
		snprintf(err, errlen,
			 cfg->mte ? "its bundle asks for MTE, but it holds no allocation tags"
				  : "it holds allocation tags for a VM without MTE");
		return MGMT_EINVAL;
	}
	if (c->mte &&
	    snap_mte_check(c->mte->data, c->mte->len, cfg->ncpus, cfg->memory, err, errlen))
		return MGMT_EINVAL;
	/* A VM with an ITS has its section, any other none (version 3 and 4 files: no ITS). */
	c->its = snap_find(&c->view, SNAP_SEC_ITS, 0);
	if (!cfg->its != !c->its) {
		snprintf(err, errlen,
			 cfg->its ? "its bundle asks for an ITS, but it holds no ITS state"
				  : "it holds ITS state for a VM without an ITS");
		return MGMT_EINVAL;
	}
	if (c->its && snap_its_check(c->its->data, c->its->len, cfg->ncpus, err, errlen))
		return MGMT_EINVAL;
	if (c->cfg.nvms != 1 || cfg->realm || cfg->ncpus != c->vm.ncpus ||
	    cfg->memory != c->vm.ram_size) {
		snprintf(err, errlen, "its bundle does not describe the VM it saved");
		return MGMT_EINVAL;
	}
	int sve_vl = sve_vl_for_vm(cfg->name, cfg->sve_vl, cfg->realm);
	if (sve_vl < 0) {
		snprintf(err, errlen, "its SVE vector length is not one this CPU implements");
		return MGMT_EINVAL;
	}
	for (unsigned i = 0; i < cfg->ncpus; i++) {
		if (fixed_section(&c->view, SNAP_SEC_VCPU, i, &c->vcpu[i], sizeof(c->vcpu[i]))) {
			snprintf(err, errlen, "vCPU %u's section is missing or has the wrong size",
				 i);
			return MGMT_EINVAL;
		}
		uint64_t mpidr = (1UL << 31) | ((uint64_t)(i / 16) << 8) | (i % 16); /* vm_create */
		char why[96];
		if (snap_vcpu_check(&c->vcpu[i], mpidr, (unsigned)sve_vl, why, sizeof(why))) {
			snprintf(err, errlen, "vCPU %u: %s", i, why);
			return MGMT_EINVAL;
		}
	}
	if (snap_vgic_check(&c->vgic, cfg->ncpus, err, errlen) ||
	    snap_mem_check(c->memory->data, c->memory->len, cfg->memory, err, errlen))
		return MGMT_EINVAL;
	return MGMT_OK;
}

static void set_page_tags(uint32_t pfn, const uint8_t *tags, void *ctx)
{
	const struct vm *vm = ctx;
	uint8_t aligned[SNAP_TAGS_PAGE] __attribute__((aligned(8)));
	memcpy(aligned, tags, sizeof(aligned));
	mte_page_tags_set(vm->ram_pa + (uint64_t)pfn * SNAP_PAGE_SIZE, aligned);
}

/* Puts the checked state into a VM just built from the snapshot's bundle, not yet run. */
static int load(struct vm *vm, const struct checked *c, char *err, size_t errlen)
{
	vgic_init(&vm->vgic, vm->ncpus, gic_nr_lrs());
	for (unsigned i = 0; i < vm->ncpus; i++)
		vgic_cpu_init(&vm->vgic, &vm->vcpu[i]->vgic, i, vm->vcpu[i]->mpidr);
	vm_devices_reset(vm);
	/* Memory before the devices: a virtio queue's restore checks it lies in the RAM. */
	if (!vm->ram_clean)
		zero_range(vm->ram_pa, vm->ram_size);
	vm->ram_clean = false;
	snap_mem_load(c->memory->data, c->memory->len, (uint8_t *)vm->ram_pa);
	if (c->mte) /* the RAM's tags are 0 (zero_range): each saved page's back */
		snap_mte_pages(c->mte->data, c->mte->len, set_page_tags, vm);
	dcache_clean_range(vm->ram_pa, vm->ram_size); /* a guest with its MMU off reads RAM */
	icache_invalidate_all();
	if (vdevs_restore(vm->vdevs, vm->nvdevs, c->devices->data, c->devices->len, err, errlen))
		return -EINVAL;
	/* The guest's virtual counter goes on from where it was saved; the emulated physical
	 * timer keeps the time it had left. */
	uint64_t now = read_sysreg(cntpct_el0);
	vm->cntvoff = now - c->vm.vcount;
	if (now < c->vm.vcount)
		pr_warn("VM '%s': its virtual counter is %lu s ahead of this machine's counter: "
			"CNTVOFF wraps, which QEMU's timer emulation does not (docs/snapshot.md)",
			vm->name, (unsigned long)((c->vm.vcount - now) / c->vm.cntfrq));
	for (unsigned i = 0; i < vm->ncpus; i++) {
		snap_vcpu_unpack(&c->vcpu[i], vm->vcpu[i], now - c->vm.pcount);
		if (c->mte)
			snap_mte_regs(c->mte->data, i, &vm->vcpu[i]->mte);
	}
	spin_lock(&vm->vgic.lock);
	snap_vgic_unpack(&c->vgic, &vm->vgic);
	if (c->its) /* the ITS's reset (vm_devices_reset) gave the vGIC its LPIs */
		snap_its_unpack(c->its->data, vm->its, &vm->vgic);
	spin_unlock(&vm->vgic.lock);
	return 0;
}

/* Lets a loaded VM run: its vCPUs that were on (or coming on) are woken. */
static void run_restored(struct vm *vm)
{
	spin_lock(&vm->lock);
	vm->torn_down = false; /* as vm_load_images: it runs from here */
	vm->state = VM_RUNNING;
	spin_unlock(&vm->lock);
	for (unsigned i = 0; i < vm->ncpus; i++) {
		struct vcpu *v = vm->vcpu[i];
		vcpu_cntp_resume(v);
		if (v->power != VCPU_OFF)
			sched_wake(v);
	}
}

static bool valid_name(const char *n)
{
	if (!*n)
		return false;
	for (; *n; n++)
		if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') ||
		      (*n >= '0' && *n <= '9') || *n == '-' || *n == '_'))
			return false;
	return true;
}

/* RESTORE: the staged snapshot; payload: an optional new name (up to 31 bytes). Checks
 * the whole file first: a corrupted file, one of another format version or one that does
 * not fit this machine changes nothing. Reply: u32 the new VM's id. */
static int restore(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	uint64_t len;
	const uint8_t *file = mgmt_input(&len);
	if (!file)
		return mgmt_fail(rep, MGMT_EINVAL, "no snapshot uploaded (UPLOAD_BEGIN, UPLOAD)");
	static struct checked c;
	char err[sizeof(rep->reason) - 32];
	uint64_t t0 = read_sysreg(cntpct_el0);
	int r = check_snapshot(file, len, &c, err, sizeof(err));
	if (r)
		return mgmt_fail(rep, r, "snapshot refused: %s", err);
	char name[VM_NAME_MAX] = {0};
	memcpy(name, req->payload, req->len);
	if (!req->len)
		memcpy(name, c.cfg.vm[0].name, sizeof(name));
	if (!valid_name(name))
		return mgmt_fail(rep, MGMT_EINVAL,
				 "a VM name is 1..31 letters, digits, '-' and '_'");
	if (vm_by_name(name))
		return mgmt_fail(rep, MGMT_EBUSY,
				 "a VM named '%s' exists: destroy it or restore under another name",
				 name);
	uint8_t *bundle = (uint8_t *)page_alloc_top(pages_of(c.bundle->len)); /* as vm_create's */
	if (!bundle)
		return mgmt_fail(rep, MGMT_ENOMEM, "no room for the VM's bundle");
	memcpy(bundle, c.bundle->data, c.bundle->len);
	struct vm *vm;
	r = vm_create_from_bundle(bundle, c.bundle->len, name, &vm);
	if (r) {
		page_free((uint64_t)bundle, pages_of(c.bundle->len));
		return mgmt_fail(rep, r == -ENOMEM || r == -ENOSPC ? MGMT_ENOMEM : MGMT_EINVAL,
				 "VM '%s' could not be created (%d): see Triad's log", name, r);
	}
	uint64_t checked_ms = ms_since(t0), t1 = read_sysreg(cntpct_el0);
	if (load(vm, &c, err, sizeof(err))) {
		/* Never ran: nothing of it is in a CPU, so it goes at once. */
		int d = vm_destroy(vm);
		return mgmt_fail(rep, MGMT_EINVAL, "snapshot refused: %s%s", err,
				 d ? " (and the VM built for it is left stopped)" : "");
	}
	run_restored(vm);
	pr_info("VM '%s' restored from a snapshot of Triad %s: checked and built in %lu ms, loaded "
		"in %lu ms",
		vm->name, c.view.triad_version, (unsigned long)checked_ms,
		(unsigned long)ms_since(t1));
	audit(vm, AUDIT_SNAPSHOT_RESTORED, "from a snapshot of Triad %s", c.view.triad_version);
	/* The file is in the VM now: its memory goes back. */
	uint8_t *staged = mgmt_input_take(&len);
	page_free((uint64_t)staged, pages_of(len));
	uint32_t id = vm->id;
	memcpy(rep->data, &id, 4);
	rep->len = 4;
	return MGMT_OK;
}
MGMT_OP(restore) = {MGMT_OP_RESTORE, "RESTORE", 0, RESTORE_NAME_MAX, restore, NULL};
