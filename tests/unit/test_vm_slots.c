// sources: core/vm_slots.c
/* Host tests for the VM slot table: ids are the lowest free slot and come back once a VM is
 * destroyed, names are unique and checked, a full table refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <triad/errno.h>
#include <triad/vm_slots.h>

static struct vm *fake(unsigned n)
{
	return (struct vm *)(uintptr_t)(0x1000 * (n + 1));
}

static void test_names(void **state)
{
	(void)state;
	assert_true(vm_name_valid("linux-1"));
	assert_true(vm_name_valid("a_b-C9"));
	assert_false(vm_name_valid("a.b")); /* as the bundle's names */
	assert_false(vm_name_valid(""));
	assert_false(vm_name_valid("has space"));
	assert_false(vm_name_valid("semi;colon"));
	assert_false(vm_name_valid("slash/"));
	char longest[VM_NAME_MAX];
	memset(longest, 'x', sizeof(longest));
	longest[VM_NAME_MAX - 1] = '\0';
	assert_true(vm_name_valid(longest));
	char too_long[VM_NAME_MAX + 1];
	memset(too_long, 'x', sizeof(too_long));
	too_long[VM_NAME_MAX] = '\0';
	assert_false(vm_name_valid(too_long));
}

static void test_claim_find_release(void **state)
{
	(void)state;
	struct vm_slots s;
	memset(&s, 0, sizeof(s));
	assert_int_equal(vm_slots_end(&s), 0);
	assert_int_equal(vm_slots_claim(&s, "a"), 0);
	assert_int_equal(vm_slots_claim(&s, "b"), 1);
	assert_int_equal(vm_slots_claim(&s, "a"), -EEXIST);
	assert_int_equal(vm_slots_claim(&s, "bad name"), -EINVAL);
	/* Reserved but not yet created: found by name, no VM yet. */
	assert_int_equal(vm_slots_find(&s, "b"), 1);
	assert_null(s.vm[1]);
	vm_slots_set(&s, 1, fake(1));
	assert_ptr_equal(s.vm[1], fake(1));
	assert_int_equal(vm_slots_end(&s), 2);
	assert_int_equal(vm_slots_find(&s, "c"), -ENOENT);
}

static void test_ids_reused(void **state)
{
	(void)state;
	struct vm_slots s;
	memset(&s, 0, sizeof(s));
	for (unsigned i = 0; i < 3; i++) {
		char n[8] = {'v', (char)('0' + i)};
		assert_int_equal(vm_slots_claim(&s, n), (int)i);
		vm_slots_set(&s, i, fake(i));
	}
	/* The middle one goes: its id is the next one given, its name is free again. */
	vm_slots_release(&s, 1);
	assert_null(s.vm[1]);
	assert_int_equal(vm_slots_find(&s, "v1"), -ENOENT);
	assert_int_equal(vm_slots_end(&s), 3);
	assert_int_equal(vm_slots_claim(&s, "v1"), 1);
	/* The last one goes: the end shrinks. */
	vm_slots_release(&s, 2);
	assert_int_equal(vm_slots_end(&s), 2);
	/* A hundred create/destroy cycles keep giving the same id. */
	for (unsigned i = 0; i < 100; i++) {
		int id = vm_slots_claim(&s, "cycle");
		assert_int_equal(id, 2);
		vm_slots_set(&s, (unsigned)id, fake(7));
		vm_slots_release(&s, (unsigned)id);
	}
	assert_int_equal(vm_slots_end(&s), 2);
}

static void test_full(void **state)
{
	(void)state;
	struct vm_slots s;
	memset(&s, 0, sizeof(s));
	for (unsigned i = 0; i < MAX_VMS; i++) {
		char n[8];
		snprintf(n, sizeof(n), "v%u", i); /* MAX_VMS may be more than 26 */
		assert_int_equal(vm_slots_claim(&s, n), (int)i);
	}
	assert_int_equal(vm_slots_claim(&s, "one-more"), -ENOSPC);
	vm_slots_release(&s, 4);
	assert_int_equal(vm_slots_claim(&s, "one-more"), 4);
	/* Out-of-range ids are ignored, not written. */
	vm_slots_release(&s, MAX_VMS);
	vm_slots_set(&s, MAX_VMS + 3, fake(0));
	assert_int_equal(vm_slots_end(&s), MAX_VMS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_claim_find_release),
	    cmocka_unit_test(test_ids_reused),
	    cmocka_unit_test(test_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
