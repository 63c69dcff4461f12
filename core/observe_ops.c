/* The management API's ops that read what Triad observes (docs/management.md): a VM's
 * statistics (core/vm_stats.c), the trace buffer (core/trace.c) and the audit log
 * (core/audit.c), while Triad runs. */
#include <arch/sysreg.h>
#include <string.h>
#include <triad/audit.h>
#include <triad/cpu.h>
#include <triad/errno.h>
#include <triad/mgmt.h>
#include <triad/sched.h>
#include <triad/trace.h>
#include <triad/util.h>
#include <triad/vm.h>
#include <triad/vm_manage.h>
#include <triad/vm_stats.h>

/* STATS: u32 vm. Reply: u64 counter frequency, u32 reasons, u32 0, per reason {char
 * name[8], u64 exits}, then u64 injected, guest ticks, run ticks, I/O requests, I/O bytes. */
static int stats(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	int err;
	struct vm *vm = mgmt_vm_arg(req, rep, &err);
	if (!vm)
		return err;
	struct vm_stats_total t;
	vm_stats_sum(vm, &t);
	mgmt_put64(rep, read_sysreg(cntfrq_el0));
	mgmt_put32(rep, VM_EXIT_NR);
	mgmt_put32(rep, 0);
	for (unsigned r = 0; r < VM_EXIT_NR; r++) {
		char name[8] = {0};
		strncpy(name, vm_exit_reason_name(r), sizeof(name) - 1);
		mgmt_put(rep, name, sizeof(name));
		mgmt_put64(rep, t.exits[r]);
	}
	mgmt_put64(rep, t.injected);
	mgmt_put64(rep, t.guest_ticks);
	mgmt_put64(rep, t.run_ticks);
	mgmt_put64(rep, t.io.requests);
	mgmt_put64(rep, t.io.bytes);
	return MGMT_OK;
}
MGMT_OP(stats) = {MGMT_OP_STATS, "STATS", 4, 4, stats, NULL};

/* TRACE_SET: u32 classes (bit n = enum trace_class n). Reply: u32 the classes before. */
static int trace_set_op(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	uint32_t mask;
	memcpy(&mask, req->payload, 4);
	if (mask >> TRACE_NR_CLASSES)
		return mgmt_fail(rep, MGMT_EINVAL, "trace classes 0x%x: only bits 0-%u exist", mask,
				 TRACE_NR_CLASSES - 1);
	uint32_t before = trace_mask();
	if (trace_set(mask))
		return mgmt_fail(rep, MGMT_ENOMEM, "no memory for the trace buffers");
	mgmt_put32(rep, before);
	return MGMT_OK;
}
MGMT_OP(trace_set) = {MGMT_OP_TRACE_SET, "TRACE_SET", 4, 4, trace_set_op, NULL};

/* Records per reply: what fits, and no more than a ring holds. */
#define TRACE_READ_MAX                                                                             \
	MIN(TRACE_RING_RECORDS, (MGMT_MAX_PAYLOAD - 64) / sizeof(struct trace_record))
#define AUDIT_WIRE_EVENT 20

/* TRACE_READ: u32 cpu, u32 max, u64 from. Reply: u64 next, u64 lost, u64 frequency, u32
 * physical CPUs, u32 count, then count records of struct trace_record's layout (32 bytes). */
static int trace_read_op(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	uint32_t cpu, max;
	uint64_t from, next, lost;
	memcpy(&cpu, req->payload, 4);
	memcpy(&max, req->payload + 4, 4);
	memcpy(&from, req->payload + 8, 8);
	if (cpu >= nr_cpus)
		return mgmt_fail(rep, MGMT_EINVAL, "no physical CPU %u (%u)", cpu, nr_cpus);
	max = MIN(max, (uint32_t)TRACE_READ_MAX);
	struct trace_record *out = (struct trace_record *)(rep->data + 32);
	size_t n = trace_read(cpu, from, out, max, &next, &lost);
	rep->len = 0;
	mgmt_put64(rep, next);
	mgmt_put64(rep, lost);
	mgmt_put64(rep, read_sysreg(cntfrq_el0));
	mgmt_put32(rep, nr_cpus);
	mgmt_put32(rep, (uint32_t)n);
	rep->len += (uint32_t)(n * sizeof(*out));
	return MGMT_OK;
}
MGMT_OP(trace_read) = {MGMT_OP_TRACE_READ, "TRACE_READ", 16, 16, trace_read_op, NULL};

/* AUDIT_READ: u32 max, u32 0, u64 from. Reply: u64 next, u64 lost, u64 frequency, u32
 * count, u32 0, then count records of {u64 number, u64 time, u32 VM (~0: none), char
 * event[20], char reason[88]}. */
static int audit_read_op(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	uint32_t max;
	uint64_t from, next, lost, total_lost = 0;
	uint32_t zero;
	memcpy(&max, req->payload, 4);
	memcpy(&zero, req->payload + 4, 4);
	memcpy(&from, req->payload + 8, 8);
	if (zero)
		return mgmt_fail(rep, MGMT_EINVAL, "AUDIT_READ: bytes 4-7 must be 0");
	const uint32_t wire = 8 + 8 + 4 + AUDIT_WIRE_EVENT + AUDIT_REASON_MAX;
	max = MIN(max, (MGMT_MAX_PAYLOAD - 64) / wire);
	uint32_t n = 0;
	rep->len = 32; /* the records after the header, which is written last */
	while (n < max) {
		struct audit_record r[8];
		size_t got = audit_read(from, r, MIN(max - n, ARRAY_SIZE(r)), &next, &lost);
		from = next;
		total_lost += lost;
		if (!got && !lost)
			break;
		for (size_t i = 0; i < got; i++, n++) {
			char event[AUDIT_WIRE_EVENT] = {0};
			strncpy(event, audit_event_name(r[i].event), sizeof(event) - 1);
			mgmt_put64(rep, r[i].seq - 1);
			mgmt_put64(rep, r[i].time);
			mgmt_put32(rep, r[i].vm == AUDIT_NO_VM ? UINT32_MAX : r[i].vm);
			mgmt_put(rep, event, sizeof(event));
			mgmt_put(rep, r[i].reason, AUDIT_REASON_MAX);
		}
	}
	uint32_t body = rep->len;
	rep->len = 0;
	mgmt_put64(rep, from);
	mgmt_put64(rep, total_lost);
	mgmt_put64(rep, read_sysreg(cntfrq_el0));
	mgmt_put32(rep, n);
	mgmt_put32(rep, 0);
	rep->len = body;
	return MGMT_OK;
}
MGMT_OP(audit_read) = {MGMT_OP_AUDIT_READ, "AUDIT_READ", 16, 16, audit_read_op, NULL};
