/*
 * Saving a VM to a snapshot file and restoring one (docs/snapshot.md): the management API's
 * SAVE and RESTORE ops. The file's format and records are pure logic elsewhere
 * (core/snapshot_*.c); this file takes a quiesced VM's state from memory and puts a
 * restored one's back.
 */
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
#include <triad/snapshot_mem.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vcpu_sve.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>
#include <triad/vm_kind.h>
#include <triad/vm_manage.h>

#include "../arch/arm64/cache.h"
#include "../irq/gicv3.h"

#define SCRATCH_PAGES	 16 /* the bundle's device tree, the devices' state: 64 KiB each */
#define DEVICE_WAIT_MS	 5000
#define RESTORE_NAME_MAX (VM_NAME_MAX - 1)

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

/* Builds the whole file of a quiesced VM: returns its size and the buffer (whole pages of
 * the page allocator), or a negative errno with the reason in err. */
static long capture(struct vm *vm, uint8_t **out, char *err, size_t errlen)
{
	uint8_t *dt = (uint8_t *)page_alloc(SCRATCH_PAGES, PAGE_SIZE);
	uint8_t *devs = (uint8_t *)page_alloc(SCRATCH_PAGES, PAGE_SIZE);
	uint64_t *nonzero = NULL, bitmap_pages = 0;
	long r = -ENOMEM;
	*out = NULL;
	if (!dt || !devs) {
		snprintf(err, errlen, "no memory for the snapshot's scratch buffers");
		goto done;
	}
	uint64_t bundle_size;
	long dt_size =
	    snap_bundle_dt(vm->bundle, vm->cfg, dt, SCRATCH_PAGES * PAGE_SIZE, &bundle_size);
	if (dt_size < 0) {
		snprintf(err, errlen, "the VM's bundle entry cannot be copied (%ld)", dt_size);
		r = dt_size;
		goto done;
	}
	long devs_size =
	    vdevs_save(vm->vdevs, vm->nvdevs, devs, SCRATCH_PAGES * PAGE_SIZE, err, errlen);
	if (devs_size < 0) {
		r = devs_size;
		goto done;
	}
	const uint8_t *ram = (const uint8_t *)vm->ram_pa;
	/* One scan of the RAM: the second pass copies the pages the first found. */
	bitmap_pages = pages_of(snap_mem_bitmap_words(vm->ram_size) * 8);
	nonzero = (uint64_t *)page_alloc(bitmap_pages, PAGE_SIZE);
	uint64_t npages, mem_size = snap_mem_size(ram, vm->ram_size, &npages, nonzero);
	uint64_t total = sizeof(struct snap_header) + snap_section_size(bundle_size) +
			 snap_section_size(sizeof(struct snap_vm)) +
			 vm->ncpus * snap_section_size(sizeof(struct snap_vcpu)) +
			 snap_section_size(sizeof(struct snap_vgic)) +
			 snap_section_size((uint64_t)devs_size) + snap_section_size(mem_size);
	uint8_t *buf = (uint8_t *)page_alloc(pages_of(total), PAGE_SIZE);
	if (!buf) {
		snprintf(err, errlen, "no room for a %lu MB snapshot (%lu MB free)", total >> 20,
			 mem_free_bytes() >> 20);
		goto done;
	}
	struct snap_writer w;
	snap_write_begin(&w, buf, total, TRIAD_VERSION);
	uint8_t *p = snap_section_begin(&w, SNAP_SEC_BUNDLE, 0, bundle_size);
	if (p) {
		snap_bundle_copy(p, dt, (uint64_t)dt_size, vm->bundle, vm->cfg);
		snap_section_end(&w, bundle_size);
	}
	uint64_t now = read_sysreg(cntpct_el0);
	struct snap_vm vmrec = {.ram_size = vm->ram_size,
				.ncpus = vm->ncpus,
				.cntfrq = read_sysreg(cntfrq_el0),
				.vcount = now - vm->cntvoff,
				.pcount = now};
	snap_section_add(&w, SNAP_SEC_VM, 0, &vmrec, sizeof(vmrec));
	for (unsigned i = 0; i < vm->ncpus; i++) {
		p = snap_section_begin(&w, SNAP_SEC_VCPU, i, sizeof(struct snap_vcpu));
		if (p) {
			static struct snap_vcpu rec; /* 11 KB: not on the stack (CPU 0 only) */
			snap_vcpu_pack(vm->vcpu[i], vm->sve_vl, &rec);
			memcpy(p, &rec, sizeof(rec));
			snap_section_end(&w, sizeof(rec));
		}
	}
	p = snap_section_begin(&w, SNAP_SEC_VGIC, 0, sizeof(struct snap_vgic));
	if (p) {
		static struct snap_vgic grec; /* 4 KiB: not on the stack; one request at a time */
		spin_lock(&vm->vgic.lock);
		snap_vgic_pack(&vm->vgic, &grec);
		spin_unlock(&vm->vgic.lock);
		memcpy(p, &grec, sizeof(grec));
		snap_section_end(&w, sizeof(grec));
	}
	snap_section_add(&w, SNAP_SEC_DEVICES, 0, devs, (uint64_t)devs_size);
	p = snap_section_begin(&w, SNAP_SEC_MEMORY, 0, mem_size);
	if (p && snap_mem_write(ram, vm->ram_size, npages, nonzero, p, mem_size) == mem_size)
		snap_section_end(&w, mem_size);
	else if (p)
		w.error = -EBUSY; /* its memory changed: it was not quiesced */
	r = snap_write_finish(&w);
	if (r < 0 || (uint64_t)r != total) {
		snprintf(err, errlen, "the snapshot did not come out as sized (%ld)", r);
		page_free((uint64_t)buf, pages_of(total));
		r = r < 0 ? r : -EINVAL;
		goto done;
	}
	*out = buf;
done:
	if (dt)
		page_free((uint64_t)dt, SCRATCH_PAGES);
	if (devs)
		page_free((uint64_t)devs, SCRATCH_PAGES);
	if (nonzero)
		page_free((uint64_t)nonzero, bitmap_pages);
	return r;
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
	uint8_t *buf;
	long n = capture(vm, &buf, err, sizeof(err));
	if (n == -EBUSY && read_sysreg(cntpct_el0) < saving.deadline)
		return MGMT_PENDING; /* a device still has I/O in flight */
	if (n < 0)
		return save_finish(mgmt_fail(rep, n == -ENOMEM ? MGMT_ENOMEM : MGMT_EBUSY,
					     "VM '%s': %s", vm->name, err));
	mgmt_set_output(buf, (uint64_t)n);
	uint64_t size = (uint64_t)n;
	memcpy(rep->data, &size, 8);
	rep->len = 8;
	pr_info("VM '%s' saved: %lu MB snapshot", vm->name, size >> 20);
	audit(vm, AUDIT_SNAPSHOT_SAVED, "%lu bytes", (unsigned long)size);
	return save_finish(MGMT_OK);
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
	snap_mem_load(c->memory->data, (uint8_t *)vm->ram_pa);
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
	for (unsigned i = 0; i < vm->ncpus; i++)
		snap_vcpu_unpack(&c->vcpu[i], vm->vcpu[i], now - c->vm.pcount);
	spin_lock(&vm->vgic.lock);
	snap_vgic_unpack(&c->vgic, &vm->vgic);
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
	uint8_t *bundle = (uint8_t *)page_alloc(pages_of(c.bundle->len), PAGE_SIZE);
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
	if (load(vm, &c, err, sizeof(err))) {
		/* Never ran: nothing of it is in a CPU, so it goes at once. */
		int d = vm_destroy(vm);
		return mgmt_fail(rep, MGMT_EINVAL, "snapshot refused: %s%s", err,
				 d ? " (and the VM built for it is left stopped)" : "");
	}
	run_restored(vm);
	pr_info("VM '%s' restored from a snapshot of Triad %s", vm->name, c.view.triad_version);
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
