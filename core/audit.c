/* The audit log (include/triad/audit.h): a ring of records that many CPUs append to. */
#include <arch/sysreg.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <triad/audit.h>
#include <triad/log.h>
#include <triad/util.h>
#include <triad/vm.h>

static const char *const event_names[AUDIT_NR_EVENTS] = {
    [AUDIT_VM_CREATED] = "vm-created",
    [AUDIT_VM_STOPPED] = "vm-stopped",
    [AUDIT_VM_KILLED] = "vm-killed",
    [AUDIT_VM_DESTROYED] = "vm-destroyed",
    [AUDIT_ABORT_INJECTED] = "abort-injected",
    [AUDIT_CALL_REFUSED] = "call-refused",
    [AUDIT_FFA_REFUSED] = "ffa-refused",
    [AUDIT_TEE_REFUSED] = "tee-refused",
    [AUDIT_REALM_CREATED] = "realm-created",
    [AUDIT_REALM_DESTROYED] = "realm-destroyed",
    [AUDIT_REALM_ATTESTED] = "realm-attested",
    [AUDIT_SNAPSHOT_SAVED] = "snapshot-saved",
    [AUDIT_SNAPSHOT_RESTORED] = "snapshot-restored",
};

static struct audit_record ring[AUDIT_RECORDS];
static uint64_t head; /* records ever begun */
bool audit_dump_at_exit;

const char *audit_event_name(unsigned ev)
{
	return ev < AUDIT_NR_EVENTS ? event_names[ev] : "?";
}

static void record(const struct vm *vm, enum audit_event ev, uint64_t time, const char *fmt,
		   va_list ap)
{
	/* A slot of its own by number. A writer a whole ring behind (a slow CPU) may still be
	 * writing the slot a newer record took: readers see the numbers disagree, and count
	 * the record as lost. */
	uint64_t n = __atomic_fetch_add(&head, 1, __ATOMIC_RELAXED);
	struct audit_record *r = &ring[n % AUDIT_RECORDS];
	__atomic_store_n(&r->seq, 0, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	r->time = time;
	r->vm = vm ? (uint16_t)vm->id : AUDIT_NO_VM;
	r->event = (uint16_t)ev;
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	__atomic_store_n(&r->seq, n + 1, __ATOMIC_RELEASE);
}

void audit(const struct vm *vm, enum audit_event ev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(vm, ev, read_sysreg(cntpct_el0), fmt, ap);
	va_end(ap);
}

void audit_at(const struct vm *vm, enum audit_event ev, uint64_t time, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(vm, ev, time, fmt, ap);
	va_end(ap);
}

size_t audit_read(uint64_t from, struct audit_record *out, size_t max, uint64_t *next,
		  uint64_t *lost)
{
	uint64_t h = __atomic_load_n(&head, __ATOMIC_ACQUIRE);
	*lost = 0;
	if (h > AUDIT_RECORDS && from < h - AUDIT_RECORDS) {
		*lost = h - AUDIT_RECORDS - from;
		from = h - AUDIT_RECORDS;
	}
	size_t n = 0;
	for (; from < h && n < max; from++) {
		const struct audit_record *r = &ring[from % AUDIT_RECORDS];
		if (__atomic_load_n(&r->seq, __ATOMIC_ACQUIRE) != from + 1) {
			(*lost)++; /* overwritten, or still being written */
			continue;
		}
		out[n] = *r;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		/* Overwritten while copied: the copy is not that record. */
		if (__atomic_load_n(&r->seq, __ATOMIC_RELAXED) != from + 1) {
			(*lost)++;
			continue;
		}
		out[n].reason[AUDIT_REASON_MAX - 1] = '\0';
		n++;
	}
	*next = from;
	return n;
}

void audit_dump(const char *token)
{
	if (!audit_dump_at_exit)
		return;
	struct audit_record recs[16];
	uint64_t from = 0, lost, total_lost = 0;
	size_t n;
	log_raw("@audit %s begin freq=%lu\n", token, read_sysreg(cntfrq_el0));
	while ((n = audit_read(from, recs, ARRAY_SIZE(recs), &from, &lost)) || lost) {
		total_lost += lost;
		for (size_t i = 0; i < n; i++)
			log_raw("@audit %s %lu %lx %d %s %s\n", token, recs[i].seq - 1,
				recs[i].time, recs[i].vm == AUDIT_NO_VM ? -1 : (int)recs[i].vm,
				audit_event_name(recs[i].event), recs[i].reason);
	}
	log_raw("@audit %s end lost=%lu\n", token, total_lost);
}
