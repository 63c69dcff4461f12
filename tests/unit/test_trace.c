// sources: core/trace.c
/* Host tests for the trace buffer: class lists, records in order per CPU, a ring that
 * wraps (the oldest records lost and counted), nothing recorded for a class that is off,
 * and the dump's lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <triad/trace.h>

struct cpu cpus[MAX_CPUS];
unsigned nr_cpus = 2;
static uint64_t counter;
static char dumped[1 << 20];
static size_t dumped_len;

uint64_t host_read_sysreg(const char *name)
{
	return strcmp(name, "cntfrq_el0") ? ++counter : 1000000000;
}

uint64_t page_alloc_zeroed(uint64_t npages, uint64_t align)
{
	void *p = aligned_alloc(align, npages * PAGE_SIZE);
	memset(p, 0, npages * PAGE_SIZE);
	return (uint64_t)(uintptr_t)p;
}

void log_raw(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(dumped + dumped_len, sizeof(dumped) - dumped_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		dumped_len = MIN(dumped_len + (size_t)n, sizeof(dumped) - 1);
}

static int setup(void **state)
{
	(void)state;
	for (unsigned i = 0; i < nr_cpus; i++)
		cpus[i].id = i;
	assert_int_equal(trace_set(1u << TRACE_EXIT | 1u << TRACE_SCHED), 0);
	return 0;
}

static void class_lists(void **state)
{
	(void)state;
	const char *bad = NULL;
	size_t badlen = 0;
	assert_int_equal(trace_parse("exit,sched", 10, &bad, &badlen),
			 1u << TRACE_EXIT | 1u << TRACE_SCHED);
	assert_int_equal(trace_parse("all", 3, &bad, &badlen), (1u << TRACE_NR_CLASSES) - 1);
	assert_int_equal(trace_parse("exit,exits", 10, &bad, &badlen), -1);
	assert_int_equal(badlen, 5);
	assert_memory_equal(bad, "exits", 5);
	assert_int_equal(trace_parse("exit,,rmi", 9, &bad, &badlen), -1); /* an empty word */
	assert_int_equal(badlen, 0);
	/* Only the length given is read: "exit" of "exitXYZ". */
	assert_int_equal(trace_parse("exitXYZ", 4, &bad, &badlen), 1u << TRACE_EXIT);
}

static void records_in_order_and_off_classes_cost_nothing(void **state)
{
	(void)state;
	struct cpu *c = &cpus[1];
	uint64_t from = 0, lost;
	struct trace_record out[16];
	(void)trace_read(1, 0, out, 16, &from, &lost); /* what earlier tests left: skipped */
	for (unsigned i = 0; i < 5; i++)
		TRACE(c, TRACE_EXIT, 3, i, 0x5a000000 + i, i * 10);
	TRACE(c, TRACE_INJECT, 3, 0, 27, 1); /* off: not recorded */
	size_t n = trace_read(1, from, out, 16, &from, &lost);
	assert_int_equal(n, 5);
	assert_int_equal(lost, 0);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(out[i].class, TRACE_EXIT);
		assert_int_equal(out[i].vm, 3);
		assert_int_equal(out[i].vcpu, i);
		assert_int_equal(out[i].cpu, 1);
		assert_int_equal(out[i].a, 0x5a000000 + i);
		if (i)
			assert_true(out[i].time > out[i - 1].time);
	}
	/* Nothing new: nothing read, the position kept. */
	uint64_t again;
	assert_int_equal(trace_read(1, from, out, 16, &again, &lost), 0);
	assert_int_equal(again, from);
}

static void a_wrapped_ring_counts_what_it_lost(void **state)
{
	(void)state;
	struct cpu *c = &cpus[0];
	uint64_t lost;
	for (unsigned i = 0; i < TRACE_RING_RECORDS + 7; i++)
		TRACE(c, TRACE_SCHED, 1, 0, i, 0);
	static struct trace_record all[TRACE_RING_RECORDS + 16];
	uint64_t next;
	size_t n = trace_read(0, 0, all, ARRAY_SIZE(all), &next, &lost);
	assert_int_equal(n, TRACE_RING_RECORDS);
	assert_true(lost >= 7);
	assert_int_equal(all[n - 1].a, TRACE_RING_RECORDS + 6);
	assert_int_equal(all[0].a + TRACE_RING_RECORDS - 1, all[n - 1].a);
	/* Read in small steps, the same records come, in order. */
	uint64_t from = next - TRACE_RING_RECORDS, expect = all[0].a;
	struct trace_record some[100];
	while ((n = trace_read(0, from, some, ARRAY_SIZE(some), &from, &lost)))
		for (size_t i = 0; i < n; i++)
			assert_int_equal(some[i].a, expect++);
	assert_int_equal(expect, TRACE_RING_RECORDS + 7);
}

static void dump_lines_carry_the_token(void **state)
{
	(void)state;
	dumped_len = 0;
	trace_dump("cafe");
	assert_non_null(strstr(dumped, "@trace cafe begin freq=1000000000 classes=0x5\n"));
	assert_non_null(strstr(dumped, "@trace cafe 1 "));
	assert_non_null(strstr(dumped, " exit 3 4 5a000004 28\n"));
	assert_non_null(strstr(dumped, "@trace cafe lost 0 "));
	assert_non_null(strstr(dumped, "@trace cafe end\n"));
	/* Every line is a record of the run, nothing else. */
	for (char *l = dumped; *l; l = strchr(l, '\n') + 1)
		assert_memory_equal(l, "@trace cafe ", 12);
}

static void turned_off_records_nothing(void **state)
{
	(void)state;
	uint64_t from = 0, lost;
	struct trace_record r;
	while (trace_read(1, from, &r, 1, &from, &lost)) /* to the end of what is there */
		;
	assert_int_equal(trace_set(0), 0);
	TRACE(&cpus[1], TRACE_EXIT, 0, 0, 1, 1);
	uint64_t next;
	assert_int_equal(trace_read(1, from, &r, 1, &next, &lost), 0);
	assert_int_equal(trace_mask(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(class_lists),
	    cmocka_unit_test(records_in_order_and_off_classes_cost_nothing),
	    cmocka_unit_test(a_wrapped_ring_counts_what_it_lost),
	    cmocka_unit_test(dump_lines_carry_the_token),
	    cmocka_unit_test(turned_off_records_nothing),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
