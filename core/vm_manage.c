/* The management API's ops that look at VMs and pause them (docs/management.md): LIST, INFO,
 * PAUSE, RESUME. Each names a VM by its id (LIST gives them). */
#include <arch/sysreg.h>
#include <string.h>
#include <triad/cpu.h>
#include <triad/errno.h>
#include <triad/mem.h>
#include <triad/mgmt.h>
#include <triad/sched.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vm.h>
#include <triad/vm_kind.h>
#include <triad/snapshot_stream.h>
#include <triad/vm_manage.h>

/* One VM in LIST and INFO replies (docs/management.md). Little-endian, packed. */
struct mgmt_vm_record {
	uint32_t id;
	uint32_t vcpus;
	uint64_t memory;      /* bytes of RAM */
	uint64_t cpu_time_ns; /* its vCPUs' time on physical CPUs */
	char name[32];
	char state[16]; /* running, paused, stopped, resetting, loading, dead */
	char kind[16];	/* normal, realm */
} __attribute__((packed));

/* One vCPU in an INFO reply. */
struct mgmt_vcpu_record {
	uint32_t id;
	uint32_t cpu;	/* the physical CPU it runs or last ran on */
	char state[12]; /* running, queued, blocked; or off */
	uint32_t migrations;
	uint64_t cpu_time_ns;
} __attribute__((packed));

static const char *state_name(enum vm_state s)
{
	switch (s) {
	case VM_RUNNING:
		return "running";
	case VM_PAUSED:
		return "paused";
	case VM_STOPPED:
		return "stopped";
	case VM_RESETTING:
		return "resetting";
	case VM_LOADING:
		return "loading";
	case VM_DEAD:
		return "dead";
	}
	return "unknown";
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
	uint64_t tpm = sched_ticks_per_ms;
	return ticks / tpm * 1000000 + ticks % tpm * 1000000 / tpm;
}

static void copy_name(char *dst, size_t size, const char *src)
{
	memset(dst, 0, size);
	strncpy(dst, src, size - 1);
}

static void fill_record(struct vm *vm, struct mgmt_vm_record *r)
{
	uint64_t ticks = 0;
	for (unsigned i = 0; i < vm->ncpus; i++)
		ticks += sched_runtime(&vm->vcpu[i]->se); /* with the slice running now */
	r->id = vm->id;
	r->vcpus = vm->ncpus;
	r->memory = vm->ram_size;
	r->cpu_time_ns = ticks_to_ns(ticks);
	copy_name(r->name, sizeof(r->name), vm->name);
	copy_name(r->state, sizeof(r->state), state_name(vm->state));
	copy_name(r->kind, sizeof(r->kind), vm->kind->name);
}

struct vm *mgmt_vm_arg(const struct mgmt_request *req, struct mgmt_reply *rep, int *err)
{
	uint32_t id = mgmt_get32(req->payload);
	struct vm *vm = id < MAX_VMS ? vm_by_id(id) : NULL;
	if (!vm)
		*err = mgmt_fail(rep, MGMT_ENOENT, "no VM %u", id);
	return vm;
}

/* LIST: no payload. Reply: u32 count, u32 record size, the records, then the machine's
 * free memory in bytes (u64) and the events dropped so far (u64). */
static int list(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	(void)req;
	uint32_t n = 0, size = sizeof(struct mgmt_vm_record);
	for (unsigned i = 0; i < MAX_VMS; i++) {
		struct vm *vm = vm_by_id(i);
		if (!vm)
			continue;
		struct mgmt_vm_record r;
		fill_record(vm, &r);
		memcpy(rep->data + 8 + n * size, &r, size);
		n++;
	}
	uint64_t trailer[2] = {mem_free_bytes(), mgmt_events_dropped()};
	memcpy(rep->data, &n, 4);
	memcpy(rep->data + 4, &size, 4);
	memcpy(rep->data + 8 + n * size, trailer, sizeof(trailer));
	rep->len = 8 + n * size + sizeof(trailer);
	return MGMT_OK;
}
MGMT_OP(list) = {MGMT_OP_LIST, "LIST", 0, 0, list, NULL};

/* INFO: u32 vm. Reply: its record, u32 vCPU record size, u32 vCPU count, the vCPUs, its
 * pause totals, its security mode. */
static int info(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	static const char *const sched_states[] = {"blocked", "queued", "running"};
	int err;
	struct vm *vm = mgmt_vm_arg(req, rep, &err);
	if (!vm)
		return err;
	struct mgmt_vm_record r;
	fill_record(vm, &r);
	uint32_t size = sizeof(struct mgmt_vcpu_record), n = vm->ncpus;
	uint8_t *p = rep->data;
	memcpy(p, &r, sizeof(r));
	memcpy(p + sizeof(r), &size, 4);
	memcpy(p + sizeof(r) + 4, &n, 4);
	p += sizeof(r) + 8;
	for (unsigned i = 0; i < n; i++) {
		struct vcpu *v = vm->vcpu[i];
		struct mgmt_vcpu_record c = {
		    .id = i,
		    .cpu = READ_ONCE(v->se.cpu),
		    .migrations = v->se.migrations,
		    .cpu_time_ns = ticks_to_ns(sched_runtime(&v->se)),
		};
		unsigned st = READ_ONCE(v->se.state);
		copy_name(c.state, sizeof(c.state),
			  v->power == VCPU_OFF ? "off"
			  : st < 3	       ? sched_states[st]
					       : "?");
		memcpy(p, &c, size);
		p += size;
	}
	/* How long it has been paused, in all, and how many times. */
	uint64_t paused = vm->paused_ticks, pauses = vm->pauses;
	if (vm->state == VM_PAUSED)
		paused += read_sysreg(cntpct_el0) - vm->paused_at;
	paused = ticks_to_ns(paused);
	memcpy(p, &paused, 8);
	memcpy(p + 8, &pauses, 8);
	p += 16;
	copy_name((char *)p, 16, vm->policy->name);
	p += 16;
	rep->len = (uint32_t)(p - rep->data);
	return MGMT_OK;
}
MGMT_OP(info) = {MGMT_OP_INFO, "INFO", 4, 4, info, NULL};

/* PAUSE: u32 vm. Replied once every vCPU of the VM has left the CPUs (or after
 * PAUSE_WAIT_MS, to be safe against a hang), with u32 flags: PAUSE_VCPUS_BUSY (some vCPU
 * still had not left) and PAUSE_IO_BUSY (device I/O it started is still in flight, which
 * will finish: it starts no new). */
#define PAUSE_WAIT_MS	 10000
#define PAUSE_VCPUS_BUSY 1u
#define PAUSE_IO_BUSY	 2u
static uint64_t pause_started;

static int pause_poll(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	int err;
	struct vm *vm = mgmt_vm_arg(req, rep, &err);
	if (!vm)
		return err;
	if (vm->state != VM_PAUSED)
		return mgmt_fail(rep, MGMT_EBUSY, "VM '%s' became %s while pausing", vm->name,
				 state_name(vm->state));
	bool waited_out =
	    read_sysreg(cntpct_el0) - pause_started > (uint64_t)PAUSE_WAIT_MS * sched_ticks_per_ms;
	bool stopped = vm_vcpus_stopped(vm);
	if (!stopped && !waited_out)
		return MGMT_PENDING;
	uint32_t flags = (stopped ? 0 : PAUSE_VCPUS_BUSY) | (vm_io_drained(vm) ? 0 : PAUSE_IO_BUSY);
	memcpy(rep->data, &flags, 4);
	rep->len = 4;
	return MGMT_OK;
}

static int pause(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	int err;
	struct vm *vm = mgmt_vm_arg(req, rep, &err);
	if (!vm)
		return err;
	if (vm_pause(vm))
		return mgmt_fail(rep, MGMT_EBUSY, "VM '%s' is %s, not running", vm->name,
				 state_name(vm->state));
	pause_started = read_sysreg(cntpct_el0);
	return pause_poll(req, rep);
}
MGMT_OP(pause) = {MGMT_OP_PAUSE, "PAUSE", 4, 4, pause, pause_poll};

/* RESUME: u32 vm. */
static int resume(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	int err;
	struct vm *vm = mgmt_vm_arg(req, rep, &err);
	if (!vm)
		return err;
	if (snap_stream_holds(vm))
		return mgmt_fail(rep, MGMT_EBUSY,
				 "VM '%s': its snapshot is being read, and runs again once it is "
				 "(HELLO drops it)",
				 vm->name);
	if (vm_resume(vm))
		return mgmt_fail(rep, MGMT_EBUSY, "VM '%s' is %s, not paused", vm->name,
				 state_name(vm->state));
	return MGMT_OK;
}
MGMT_OP(resume) = {MGMT_OP_RESUME, "RESUME", 4, 4, resume, NULL};
