/* The management API's ops that make and end VMs (docs/management.md): CREATE, START,
 * SHUTDOWN, REBOOT, DESTROY, QUIT. Those that wait for a VM's vCPUs to leave the CPUs (or
 * for a guest to power off) return MGMT_PENDING and finish in their poll. */
#include <arch/sysreg.h>
#include <string.h>
#include <triad/cpu.h>
#include <triad/errno.h>
#include <triad/log.h>
#include <triad/mem.h>
#include <triad/mgmt.h>
#include <triad/panic.h>
#include <triad/sched.h>
#include <triad/softtimer.h>
#include <triad/util.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>
#include <triad/snapshot_stream.h>
#include <triad/vm_manage.h>

static int status_of(int err)
{
	switch (err) {
	case -ENOMEM:
	case -ENOSPC:
		return MGMT_ENOMEM;
	case -ENOTSUP:
		return MGMT_ENOTSUP;
	case -EBUSY:
		return MGMT_EBUSY;
	default:
		return MGMT_EINVAL;
	}
}

/* CREATE: an optional name (up to 31 bytes, replacing the bundle's), the bundle staged by
 * UPLOAD_BEGIN/UPLOAD. Reply: u32 the new VM's id. The VM is created stopped. */
static int create(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	char name[VM_NAME_MAX] = "";
	memcpy(name, req->payload, req->len);
	if (req->len && strnlen(name, sizeof(name)) != req->len)
		return mgmt_fail(rep, MGMT_EINVAL, "the name has a NUL byte");
	uint64_t size;
	uint8_t *bundle = mgmt_input_take(&size);
	if (!bundle)
		return mgmt_fail(rep, MGMT_EPROTO, "no bundle uploaded (UPLOAD_BEGIN, UPLOAD)");
	struct vm *vm;
	char err[160];
	int r = vm_create_bundle(bundle, size, req->len ? name : NULL, &vm, err, sizeof(err));
	if (r) {
		page_free((uint64_t)bundle, ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
		pr_warn("management: %s", err);
		return mgmt_fail(rep, r == -EEXIST ? MGMT_EBUSY : status_of(r), "%s", err);
	}
	mgmt_put32(rep, vm->id);
	return MGMT_OK;
}
MGMT_OP(create) = {MGMT_OP_CREATE, "CREATE", 0, VM_NAME_MAX - 1, create, NULL};

/* The request in progress, for the polls (one at a time). */
static struct {
	struct vm *vm;
	uint64_t deadline; /* SHUTDOWN: physical counter ticks */
	bool destroying;   /* SHUTDOWN: the deadline passed */
} pending;

static int start_poll(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	(void)req;
	int r = vm_start(pending.vm);
	if (r == -EAGAIN)
		return MGMT_PENDING;
	if (r)
		return mgmt_fail(rep, status_of(r), "VM '%s' could not be started (%d)",
				 pending.vm->name, r);
	return MGMT_OK;
}

/* START: u32 vm. A stopped VM (created, powered off, killed) boots from its images. */
static int start(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	int err;
	struct vm *vm = mgmt_vm_arg(req, rep, &err);
	if (!vm)
		return err;
	if (vm->state != VM_STOPPED && vm->state != VM_DEAD)
		return mgmt_fail(rep, MGMT_EBUSY, "VM '%s' is not stopped", vm->name);
	pending.vm = vm;
	return start_poll(req, rep);
}
MGMT_OP(start) = {MGMT_OP_START, "START", 4, 4, start, start_poll};

static int destroy_poll(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	(void)req;
	int r = vm_destroy(pending.vm);
	if (r == -EAGAIN)
		return MGMT_PENDING;
	if (r)
		return mgmt_fail(rep, status_of(r), "VM '%s' cannot be destroyed: %s",
				 pending.vm->name,
				 r == -ENOTSUP ? "it has a passthrough device" : "error");
	return MGMT_OK;
}

/* DESTROY: u32 vm. Stopped at once, then freed: memory scrubbed and returned, VMID and
 * stage-2 tables freed, devices released; its id and name can be used again. */
static int destroy(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	int err;
	struct vm *vm = mgmt_vm_arg(req, rep, &err);
	if (!vm)
		return err;
	if (snap_stream_holds(vm))
		mgmt_set_output(NULL, 0); /* its snapshot, being read, goes with it */
	pending.vm = vm;
	return destroy_poll(req, rep);
}
MGMT_OP(destroy) = {MGMT_OP_DESTROY, "DESTROY", 4, 4, destroy, destroy_poll};

/* What SHUTDOWN replies: how the VM ended. */
enum { SHUTDOWN_POWERED_OFF = 0, SHUTDOWN_DESTROYED = 1 };

static int shutdown_poll(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	(void)req;
	struct vm *vm = pending.vm;
	if (!pending.destroying) {
		enum vm_state s = vm->state;
		if (s == VM_STOPPED || s == VM_DEAD) {
			pr_info("VM '%s' shut down", vm->name);
			mgmt_put32(rep, SHUTDOWN_POWERED_OFF);
			return MGMT_OK;
		}
		if (read_sysreg(cntpct_el0) < pending.deadline)
			return MGMT_PENDING;
		pr_warn("VM '%s' did not power off by its shutdown deadline: destroyed", vm->name);
		pending.destroying = true;
	}
	int r = vm_destroy(vm);
	if (r == -EAGAIN)
		return MGMT_PENDING;
	if (r)
		return mgmt_fail(rep, status_of(r),
				 "VM '%s' missed its deadline and cannot be "
				 "destroyed (%d)",
				 vm->name, r);
	mgmt_put32(rep, SHUTDOWN_DESTROYED);
	return MGMT_OK;
}

/* SHUTDOWN: u32 vm, u32 deadline in ms. Presses the VM's power key; the guest powers off
 * (reply u32 0, the VM stays, stopped), or at the deadline it is destroyed (reply u32 1).
 * The channel answers other requests only once this one is done. */
static int shutdown(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	int err;
	struct vm *vm = mgmt_vm_arg(req, rep, &err);
	if (!vm)
		return err;
	if (vm->state != VM_RUNNING)
		return mgmt_fail(rep, MGMT_EBUSY, "VM '%s' is not running", vm->name);
	uint64_t ms = mgmt_get32(req->payload + 4);
	if (vm_power_key_press(vm))
		return mgmt_fail(rep, MGMT_ENOTSUP, "VM '%s' has no power key", vm->name);
	pr_info("VM '%s': power key pressed (shutdown, deadline %lu ms)", vm->name,
		(unsigned long)ms);
	pending.vm = vm;
	pending.destroying = false;
	pending.deadline = read_sysreg(cntpct_el0) + ms * sched_ticks_per_ms;
	return shutdown_poll(req, rep);
}
MGMT_OP(shutdown) = {MGMT_OP_SHUTDOWN, "SHUTDOWN", 8, 8, shutdown, shutdown_poll};

static int reboot_poll(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	(void)req;
	struct vm *vm = pending.vm;
	enum vm_state s = vm->state;
	if (s == VM_RUNNING) /* reloaded and running again */
		return MGMT_OK;
	if (s != VM_RESETTING && s != VM_LOADING)
		return mgmt_fail(rep, MGMT_EBUSY, "VM '%s' stopped while rebooting", vm->name);
	/* A VM none of whose vCPUs was in a CPU has no last one out to reload it: this CPU
	 * does (vm_reset does it once, whoever calls). */
	if (s == VM_RESETTING && !__atomic_load_n(&vm->nr_loaded, __ATOMIC_ACQUIRE))
		vm_reset(vm);
	return MGMT_PENDING;
}

/* REBOOT: u32 vm. A hard reset (the guest is not asked): the VM restarts from its images,
 * as a guest's own PSCI SYSTEM_RESET does. Replies once it runs again. */
static int reboot(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	int err;
	struct vm *vm = mgmt_vm_arg(req, rep, &err);
	if (!vm)
		return err;
	if (vm->state != VM_RUNNING)
		return mgmt_fail(rep, MGMT_EBUSY, "VM '%s' is not running", vm->name);
	pr_info("VM '%s' reset by the management API", vm->name);
	vm_stop(vm, VM_RESETTING);
	pending.vm = vm;
	return reboot_poll(req, rep);
}
MGMT_OP(reboot) = {MGMT_OP_REBOOT, "REBOOT", 4, 4, reboot, reboot_poll};

static struct softtimer quit_timer;

static void quit_now(struct softtimer *t)
{
	(void)t;
	triad_exit(0, "quit through the management API");
}

/* QUIT: no payload. Ends the run, every VM with it, a moment after the reply went out. */
static int quit(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	(void)req, (void)rep;
	pr_info("management: quit requested");
	quit_timer.fn = quit_now;
	softtimer_arm(&quit_timer, read_sysreg(cntpct_el0) + 50 * sched_ticks_per_ms);
	return MGMT_OK;
}
MGMT_OP(quit) = {MGMT_OP_QUIT, "QUIT", 0, 0, quit, NULL};
