/*
 * A realm's attestation, seen by the RMM only, into Triad's audit log: each CPU names a
 * page of its own to Triad's RMM (include/triad/rmm_audit.h) before its first REC entry,
 * and after each REC exit moves the records the RMM appended there meanwhile, which are
 * the running realm's, into the log with the RMM's time.
 */
#include <triad/audit.h>
#include <triad/cpu.h>
#include <triad/log.h>
#include <triad/realm.h>
#include <triad/rmm_abi.h>
#include <triad/rmm_audit.h>
#include <triad/smccc.h>
#include <triad/vm.h>

enum page_state { PAGE_UNNAMED, PAGE_NAMED, PAGE_REFUSED };

/* A granule each: the RMM takes nothing less. */
static struct cpu_page {
	struct rmm_audit_page page;
} __attribute__((aligned(4096))) pages[MAX_CPUS];
static uint64_t taken[MAX_CPUS]; /* records of pages[cpu] in the log */
static uint8_t state[MAX_CPUS];

void realm_audit_name_page(unsigned cpu)
{
	if (state[cpu] != PAGE_UNNAMED)
		return;
	uint64_t st = smc_call(TRIAD_RMM_AUDIT_PAGE, (uint64_t)&pages[cpu].page, 0, 0);
	state[cpu] = st == RMI_SUCCESS ? PAGE_NAMED : PAGE_REFUSED;
	taken[cpu] = 0;
	static bool told;
	if (st != RMI_SUCCESS && !__atomic_exchange_n(&told, true, __ATOMIC_RELAXED))
		pr_info("realm world: the RMM keeps no audit records (0x%lx): no realm-attested "
			"events",
			(unsigned long)st);
}

static void take(const struct vm *vm, const struct realm_vm *r, const struct rmm_audit_record *rec)
{
	/* The RMM wrote it while this realm ran here; anything else is the RMM's mistake. */
	const struct vm *whose = rec->rd == r->rd ? vm : NULL;
	switch (rec->event) {
	case RMM_AUDIT_ATTESTED:
		audit_at(whose, AUDIT_REALM_ATTESTED, rec->time,
			 "realm descriptor 0x%lx: token of %lu bytes for challenge %016lx...",
			 (unsigned long)rec->rd, (unsigned long)rec->info[0],
			 (unsigned long)__builtin_bswap64(rec->info[1]));
		break;
	case RMM_AUDIT_ATTEST_FAILED:
		audit_at(whose, AUDIT_REALM_ATTESTED, rec->time,
			 "realm descriptor 0x%lx: no token (the RMM has no attestation key)",
			 (unsigned long)rec->rd);
		break;
	default:
		audit_at(whose, AUDIT_REALM_ATTESTED, rec->time,
			 "realm descriptor 0x%lx: unknown RMM event %lu", (unsigned long)rec->rd,
			 (unsigned long)rec->event);
		break;
	}
}

void realm_audit_collect(const struct vm *vm, unsigned cpu)
{
	const struct rmm_audit_page *p = &pages[cpu].page;
	uint64_t count = __atomic_load_n(&p->count, __ATOMIC_ACQUIRE);
	if (count == taken[cpu])
		return;
	uint64_t from = taken[cpu];
	if (count < from) { /* the RMM started the page over */
		taken[cpu] = count;
		return;
	}
	if (count - from > RMM_AUDIT_RECORDS) { /* more than the page holds since the last exit */
		audit(vm, AUDIT_REALM_ATTESTED, "%lu records of the RMM lost",
		      (unsigned long)(count - from - RMM_AUDIT_RECORDS));
		from = count - RMM_AUDIT_RECORDS;
	}
	for (; from < count; from++)
		take(vm, vm->realm, &p->rec[from % RMM_AUDIT_RECORDS]);
	taken[cpu] = count;
}
