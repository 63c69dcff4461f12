/* The trace buffer (include/triad/trace.h): per-CPU rings of fixed-size records. */
#include <string.h>
#include <triad/errno.h>
#include <triad/log.h>
#include <triad/mem.h>
#include <triad/trace.h>

static const char *const class_names[TRACE_NR_CLASSES] = {
    [TRACE_EXIT] = "exit",     [TRACE_INJECT] = "inject", [TRACE_SCHED] = "sched",
    [TRACE_WORLD] = "world",   [TRACE_RMI] = "rmi",	  [TRACE_FFA] = "ffa",
    [TRACE_DEVICE] = "device",
};

struct trace_ring {
	volatile uint64_t head; /* records ever written; the next goes to head % size */
	struct trace_record rec[TRACE_RING_RECORDS];
};

static struct trace_ring *rings[MAX_CPUS];
static uint32_t enabled;

const char *trace_class_name(unsigned cls)
{
	return cls < TRACE_NR_CLASSES ? class_names[cls] : "?";
}

void trace_emit(struct cpu *c, enum trace_class cls, unsigned vm, unsigned vcpu, uint64_t a,
		uint64_t b)
{
	struct trace_ring *r = rings[c->id];
	uint64_t n = r->head;
	struct trace_record *rec = &r->rec[n % TRACE_RING_RECORDS];
	rec->time = read_sysreg(cntpct_el0);
	rec->class = (uint16_t)cls;
	rec->vm = (uint16_t)vm;
	rec->vcpu = (uint16_t)vcpu;
	rec->cpu = (uint16_t)c->id;
	rec->a = a;
	rec->b = b;
	/* The record before the count: a reader that sees the count sees the record. */
	__atomic_store_n(&r->head, n + 1, __ATOMIC_RELEASE);
}

int trace_set(uint32_t mask)
{
	mask &= (1u << TRACE_NR_CLASSES) - 1;
	for (unsigned i = 0; mask && i < nr_cpus; i++) {
		if (rings[i])
			continue;
		uint64_t pages = ALIGN_UP(sizeof(struct trace_ring), PAGE_SIZE) / PAGE_SIZE;
		struct trace_ring *r = (struct trace_ring *)page_alloc_zeroed(pages, PAGE_SIZE);
		if (!r)
			return -ENOMEM;
		/* Published before any CPU's mask lets it write there. */
		__atomic_store_n(&rings[i], r, __ATOMIC_RELEASE);
	}
	enabled = mask;
	for (unsigned i = 0; i < nr_cpus; i++)
		WRITE_ONCE(cpus[i].trace_mask, mask);
	return 0;
}

uint32_t trace_mask(void)
{
	return enabled;
}

int64_t trace_parse(const char *list, size_t len, const char **bad, size_t *badlen)
{
	uint32_t mask = 0;
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && list[j] != ',')
			j++;
		size_t n = j - i;
		bool known = false;
		if (n == 3 && !strncmp(list + i, "all", 3)) {
			mask = (1u << TRACE_NR_CLASSES) - 1;
			known = true;
		}
		for (unsigned k = 0; k < TRACE_NR_CLASSES && !known; k++)
			if (n == strlen(class_names[k]) && !strncmp(list + i, class_names[k], n)) {
				mask |= 1u << k;
				known = true;
			}
		if (!known) {
			*bad = list + i;
			*badlen = n;
			return -1;
		}
		i = j + 1;
	}
	return mask;
}

size_t trace_read(unsigned cpu, uint64_t from, struct trace_record *out, size_t max, uint64_t *next,
		  uint64_t *lost)
{
	struct trace_ring *r =
	    cpu < nr_cpus ? __atomic_load_n(&rings[cpu], __ATOMIC_ACQUIRE) : NULL;
	*lost = 0;
	*next = from;
	if (!r)
		return 0;
	uint64_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	if (head > TRACE_RING_RECORDS && from < head - TRACE_RING_RECORDS) {
		*lost = head - TRACE_RING_RECORDS - from;
		from = head - TRACE_RING_RECORDS;
	}
	size_t n = 0;
	for (; from < head && n < max; from++)
		out[n++] = r->rec[from % TRACE_RING_RECORDS];
	/* The writer may have lapped what was just copied: drop the overwritten part. */
	uint64_t now = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	if (now > TRACE_RING_RECORDS) {
		uint64_t oldest = now - TRACE_RING_RECORDS, first = from - n;
		if (first < oldest) {
			uint64_t gone = MIN(oldest - first, n);
			memmove(out, out + gone, (n - gone) * sizeof(*out));
			n -= gone;
			*lost += gone;
		}
	}
	*next = from;
	return n;
}

void trace_dump(const char *token)
{
	if (!enabled)
		return;
	log_raw("@trace %s begin freq=%lu classes=0x%x\n", token, read_sysreg(cntfrq_el0), enabled);
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		struct trace_record recs[64];
		uint64_t from = 0, lost, total_lost = 0;
		size_t n;
		while ((n = trace_read(cpu, from, recs, ARRAY_SIZE(recs), &from, &lost))) {
			total_lost += lost;
			for (size_t i = 0; i < n; i++) {
				const struct trace_record *r = &recs[i];
				log_raw("@trace %s %u %lx %s %d %d %lx %lx\n", token, r->cpu,
					r->time, trace_class_name(r->class),
					r->vm == TRACE_NO_VCPU ? -1 : (int)r->vm,
					r->vcpu == TRACE_NO_VCPU ? -1 : (int)r->vcpu, r->a, r->b);
			}
		}
		if (total_lost)
			log_raw("@trace %s lost %u %lu\n", token, cpu, total_lost);
	}
	log_raw("@trace %s end\n", token);
}
