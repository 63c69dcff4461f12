// sources: core/audit.c
/* Host tests for the audit ring: records in order with their VM, event and reason; a
 * reason cut to fit; a ring that wraps counts what it lost; a slot a newer record took
 * while an older one was read is not passed off as the old record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <triad/audit.h>
#include <triad/util.h>
#include <triad/vm.h>

static uint64_t counter;

uint64_t host_read_sysreg(const char *name)
{
	(void)name;
	return ++counter;
}

void log_raw(const char *fmt, ...)
{
	(void)fmt;
}

static uint64_t read_all(uint64_t from, struct audit_record *out, size_t max, uint64_t *lost)
{
	uint64_t next, l, total = 0;
	size_t n, got = 0;
	while ((n = audit_read(from, out + got, max - got, &next, &l)) || l) {
		total += l;
		got += n;
		from = next;
		if (got == max)
			break;
	}
	*lost = total;
	return got;
}

static void records_in_order(void **state)
{
	(void)state;
	struct vm vm = {.id = 7};
	audit(&vm, AUDIT_CALL_REFUSED, "function 0x%x", 0x86001234);
	audit(NULL, AUDIT_VM_DESTROYED, "by the host");
	struct audit_record r[4];
	uint64_t lost;
	assert_int_equal(read_all(0, r, 4, &lost), 2);
	assert_int_equal(lost, 0);
	assert_int_equal(r[0].seq, 1);
	assert_int_equal(r[0].vm, 7);
	assert_int_equal(r[0].event, AUDIT_CALL_REFUSED);
	assert_string_equal(r[0].reason, "function 0x86001234");
	assert_int_equal(r[1].vm, AUDIT_NO_VM);
	assert_string_equal(audit_event_name(r[1].event), "vm-destroyed");
	assert_true(r[1].time > r[0].time);
}

static void long_reasons_are_cut(void **state)
{
	(void)state;
	char big[300];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	audit(NULL, AUDIT_TEE_REFUSED, "%s", big);
	struct audit_record r[8];
	uint64_t lost;
	size_t n = read_all(0, r, 8, &lost);
	assert_int_equal(strlen(r[n - 1].reason), AUDIT_REASON_MAX - 1);
}

static void a_wrapped_ring_counts_what_it_lost(void **state)
{
	(void)state;
	for (unsigned i = 0; i < AUDIT_RECORDS + 40; i++)
		audit(NULL, AUDIT_ABORT_INJECTED, "%u", i);
	static struct audit_record r[AUDIT_RECORDS + 64];
	uint64_t lost;
	size_t n = read_all(0, r, ARRAY_SIZE(r), &lost);
	assert_int_equal(n, AUDIT_RECORDS);
	assert_int_equal(lost, 3 + 40); /* the three of the tests before, and 40 of these */
	assert_string_equal(r[n - 1].reason, "551");
	assert_int_equal(r[0].seq + AUDIT_RECORDS - 1, r[n - 1].seq);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(records_in_order),
	    cmocka_unit_test(long_reasons_are_cut),
	    cmocka_unit_test(a_wrapped_ring_counts_what_it_lost),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
