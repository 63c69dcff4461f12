// sources: security/ffa/notif.c security/ffa/notif_spmc.c security/ffa/spmc.c
// sources: security/ffa/sp_manifest.c
/* FF-A notifications: the bitmaps, bindings and INFO_GET lists (security/ffa/notif.c), and
 * what the SPMC takes from each side (security/ffa/notif_spmc.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "security/ffa/notif.h"
#include "security/ffa/spmc.h"

#define SP  0x8001
#define SP2 0x8002
#define VM  0x0001
#define VM2 0x0002

static struct notif_ep eps[4];

static struct notif_ep *fresh(uint16_t id, unsigned vcpus)
{
	memset(eps, 0, sizeof(eps));
	assert_int_equal(notif_create(eps, 4, id, vcpus), 0);
	return notif_find(eps, 4, id);
}

static void bitmaps_are_made_once_within_limits(void **state)
{
	(void)state;
	memset(eps, 0, sizeof(eps));
	assert_int_equal(notif_create(eps, 4, 0, 1), FFA_INVALID_PARAMETERS);
	assert_int_equal(notif_create(eps, 4, VM, 0), FFA_INVALID_PARAMETERS);
	assert_int_equal(notif_create(eps, 4, VM, NOTIF_MAX_VCPUS + 1), FFA_INVALID_PARAMETERS);
	for (uint16_t id = 1; id <= 4; id++)
		assert_int_equal(notif_create(eps, 4, id, 2), 0);
	assert_int_equal(notif_create(eps, 4, 2, 2), FFA_DENIED);
	assert_int_equal(notif_create(eps, 4, 5, 2), FFA_NO_MEMORY);
	assert_int_equal(notif_destroy(eps, 4, 9), FFA_INVALID_PARAMETERS);
	/* Not while bits are pending. */
	struct notif_ep *e = notif_find(eps, 4, 3);
	assert_int_equal(notif_bind(e, SP, 0, 1), 0);
	assert_int_equal(notif_set(e, SP, 0, 1), 0);
	assert_int_equal(notif_destroy(eps, 4, 3), FFA_DENIED);
	uint64_t sps, vms;
	assert_int_equal(notif_get(e, 0, true, true, &sps, &vms), 0);
	assert_int_equal(notif_destroy(eps, 4, 3), 0);
	assert_int_equal(notif_create(eps, 4, 5, 2), 0); /* its slot again */
}

static void only_the_bound_sender_sets_and_of_its_kind(void **state)
{
	(void)state;
	struct notif_ep *e = fresh(VM, 2);
	assert_int_equal(notif_bind(e, SP, 0, 0), FFA_INVALID_PARAMETERS);
	assert_int_equal(notif_bind(e, SP, 2, 1), FFA_INVALID_PARAMETERS); /* unknown flag */
	assert_int_equal(notif_bind(e, VM, 0, 1), FFA_INVALID_PARAMETERS); /* itself */
	assert_int_equal(notif_bind(e, SP, 0, 0x3), 0);
	assert_int_equal(notif_bind(e, SP, 0, 0x3), 0); /* the same again: fine */
	assert_int_equal(notif_bind(e, SP2, 0, 0x2), FFA_DENIED);
	assert_int_equal(notif_bind(e, SP, FFA_NOTIF_PER_VCPU, 0x2), FFA_DENIED);
	assert_int_equal(notif_bind(e, SP2, FFA_NOTIF_PER_VCPU, 0x10), 0);
	/* Unbound bits, bits of another sender: DENIED. */
	assert_int_equal(notif_set(e, SP, 0, 0x4), FFA_DENIED);
	assert_int_equal(notif_set(e, SP2, 0, 0x1), FFA_DENIED);
	assert_int_equal(notif_set(e, SP, 0, 0), FFA_INVALID_PARAMETERS);
	/* The kind is the binding's; the vCPU within the receiver's; a global one names none. */
	assert_int_equal(notif_set(e, SP2, 0, 0x10), FFA_INVALID_PARAMETERS);
	assert_int_equal(notif_set(e, SP, FFA_NOTIF_PER_VCPU, 0x1), FFA_INVALID_PARAMETERS);
	assert_int_equal(notif_set(e, SP2, FFA_NOTIF_PER_VCPU | 2U << 16, 0x10),
			 FFA_INVALID_PARAMETERS);
	assert_int_equal(notif_set(e, SP, 1U << 16, 0x1), FFA_INVALID_PARAMETERS);
	assert_int_equal(notif_set(e, SP, 1U << 2, 0x1), FFA_INVALID_PARAMETERS);
	assert_false(notif_any_pending(e));
	assert_int_equal(notif_set(e, SP, FFA_NOTIF_DELAY_SRI, 0x1), 0);
	assert_true(notif_any_pending(e));
	/* Unbinding: only its own bits; their pending state goes. */
	assert_int_equal(notif_unbind(e, SP2, 0x1), FFA_DENIED);
	assert_int_equal(notif_unbind(e, SP, 0x5), FFA_DENIED);
	assert_int_equal(notif_unbind(e, SP, 0x1), 0);
	assert_false(notif_any_pending(e));
	assert_int_equal(notif_set(e, SP, 0, 0x1), FFA_DENIED);
	assert_int_equal(notif_bind(e, SP2, 0, 0x1), 0); /* free for another now */
}

static void get_takes_its_vcpus_and_global_bits_by_sender_class(void **state)
{
	(void)state;
	struct notif_ep *e = fresh(VM, 2);
	assert_int_equal(notif_bind(e, SP, 0, 0x1), 0);
	assert_int_equal(notif_bind(e, VM2, 0, 0x2), 0);
	assert_int_equal(notif_bind(e, SP, FFA_NOTIF_PER_VCPU, 0x100), 0);
	assert_int_equal(notif_set(e, SP, 0, 0x1), 0);
	assert_int_equal(notif_set(e, VM2, 0, 0x2), 0);
	assert_int_equal(notif_set(e, SP, FFA_NOTIF_PER_VCPU | 1U << 16, 0x100), 0);
	uint64_t sps, vms;
	assert_int_equal(notif_get(e, 2, true, true, &sps, &vms), FFA_INVALID_PARAMETERS);
	/* vCPU 0: the partition's global bit only (VMs' not asked for). */
	assert_int_equal(notif_get(e, 0, true, false, &sps, &vms), 0);
	assert_int_equal(sps, 0x1);
	assert_int_equal(vms, 0);
	/* vCPU 1: its own bit and the VM's global one. */
	assert_int_equal(notif_get(e, 1, true, true, &sps, &vms), 0);
	assert_int_equal(sps, 0x100);
	assert_int_equal(vms, 0x2);
	assert_int_equal(notif_get(e, 1, true, true, &sps, &vms), 0);
	assert_int_equal(sps | vms, 0);
	assert_false(notif_any_pending(e));
}

static uint16_t id_at(const uint64_t r[FFA_NREGS], unsigned k, bool wide)
{
	unsigned per = wide ? 4 : 2;
	return (uint16_t)(r[3 + k / per] >> (16 * (k % per)));
}

static void info_get_lists_each_receiver_once(void **state)
{
	(void)state;
	memset(eps, 0, sizeof(eps));
	assert_int_equal(notif_create(eps, 4, SP, 1), 0);
	assert_int_equal(notif_create(eps, 4, VM, 4), 0);
	assert_int_equal(notif_create(eps, 4, VM2, 1), 0);
	struct notif_ep *sp = notif_find(eps, 4, SP), *vm = notif_find(eps, 4, VM),
			*vm2 = notif_find(eps, 4, VM2);
	uint64_t r[FFA_NREGS];
	notif_info_get(eps, 4, true, true, r);
	assert_int_equal(r[0], FFA_ERROR);
	assert_int_equal(r[2], FFA_NO_DATA);
	assert_int_equal(notif_bind(sp, VM, 0, 1), 0);
	assert_int_equal(notif_set(sp, VM, 0, 1), 0);
	assert_int_equal(notif_bind(vm, SP, FFA_NOTIF_PER_VCPU, 0xf0), 0);
	for (unsigned v = 0; v < 4; v++)
		assert_int_equal(notif_set(vm, SP, FFA_NOTIF_PER_VCPU | v << 16, 0x10U << v), 0);
	assert_int_equal(notif_bind(vm2, SP, 0, 1), 0);
	assert_int_equal(notif_set(vm2, SP, 0, 1), 0);
	/* VMs only (the partition is not listed): VM with vCPUs 0-2, VM with 3, VM2 alone. */
	notif_info_get(eps, 4, true, true, r);
	assert_int_equal(r[0], FFA_SUCCESS64);
	assert_int_equal(FFA_NOTIF_INFO_LISTS(r[2]), 3);
	assert_int_equal(r[2] & FFA_NOTIF_INFO_MORE, 0);
	assert_int_equal(FFA_NOTIF_INFO_VCPUS(r[2], 0), 3);
	assert_int_equal(FFA_NOTIF_INFO_VCPUS(r[2], 1), 1);
	assert_int_equal(FFA_NOTIF_INFO_VCPUS(r[2], 2), 0);
	const uint16_t want[] = {VM, 0, 1, 2, VM, 3, VM2};
	for (unsigned k = 0; k < 7; k++)
		assert_int_equal(id_at(r, k, true), want[k]);
	assert_int_equal(id_at(r, 7, true), 0);
	/* Reported: nothing new until another SET. */
	notif_info_get(eps, 4, true, true, r);
	assert_int_equal(r[2], FFA_NO_DATA);
	assert_int_equal(notif_set(vm2, SP, 0, 1), 0);
	notif_info_get(eps, 4, true, false, r); /* the 32-bit form */
	assert_int_equal(r[0], FFA_SUCCESS);
	assert_int_equal(FFA_NOTIF_INFO_LISTS(r[2]), 1);
	assert_int_equal(id_at(r, 0, false), VM2);
	/* Everything, partitions too. */
	notif_info_get(eps, 4, false, true, r);
	assert_int_equal(FFA_NOTIF_INFO_LISTS(r[2]), 1);
	assert_int_equal(id_at(r, 0, true), SP);
}

static void info_get_says_when_there_is_more(void **state)
{
	(void)state;
	static struct notif_ep many[24];
	memset(many, 0, sizeof(many));
	for (uint16_t id = 1; id <= 24; id++) {
		assert_int_equal(notif_create(many, 24, id, 1), 0);
		struct notif_ep *e = notif_find(many, 24, id);
		assert_int_equal(notif_bind(e, SP, 0, 1), 0);
		assert_int_equal(notif_set(e, SP, 0, 1), 0);
	}
	uint64_t r[FFA_NREGS];
	notif_info_get(many, 24, true, false, r); /* 10 IDs at most */
	assert_int_equal(FFA_NOTIF_INFO_LISTS(r[2]), 10);
	assert_true(r[2] & FFA_NOTIF_INFO_MORE);
	assert_int_equal(id_at(r, 9, false), 10);
	notif_info_get(many, 24, true, true, r); /* 20 more at most: 14 are left */
	assert_int_equal(FFA_NOTIF_INFO_LISTS(r[2]), 14);
	assert_false(r[2] & FFA_NOTIF_INFO_MORE);
	assert_int_equal(id_at(r, 0, true), 11);
	assert_int_equal(id_at(r, 13, true), 24);
}

/* The SPMC with one partition (ID SP, one context). */
static const struct sp_manifest part = {
    .magic = SP_MANIFEST_MAGIC,
    .version = SP_MANIFEST_VERSION,
    .id = SP,
    .exec_ctx = 1,
    .props = FFA_PROP_DIRECT_REQ_RECV | FFA_PROP_AARCH64,
    .entry = 0x40,
    .image_size = 0x1000,
    .mem_size = 0x3000,
    .ffa_version = FFA_VERSION_1_2,
    .load_base = 0x0e0a0000,
};

static void call(uint64_t r[FFA_NREGS], uint32_t fid, uint64_t w1, uint64_t w2, uint64_t bits)
{
	memset(r, 0, FFA_NREGS * sizeof(uint64_t));
	r[0] = fid;
	r[1] = w1;
	r[2] = w2;
	r[3] = (uint32_t)bits;
	r[4] = bits >> 32;
}

static uint32_t ns(struct spmc *s, uint64_t r[FFA_NREGS])
{
	struct spmc_target to;
	assert_int_equal(spmc_ns_call(s, 0, r, &to), SPMC_REPLY);
	return (uint32_t)r[0] == FFA_ERROR ? (uint32_t)r[2] : 0;
}

static uint32_t from_sp(struct spmc *s, unsigned cpu, uint64_t r[FFA_NREGS])
{
	struct spmc_target to;
	assert_int_equal(spmc_sp_call(s, 0, 0, cpu, r, &to), SPMC_SP_RESUME);
	return (uint32_t)r[0] == FFA_ERROR ? (uint32_t)r[2] : 0;
}

static void the_spmc_checks_each_side(void **state)
{
	(void)state;
	static struct spmc s;
	memset(&s, 0, sizeof(s));
	assert_true(spmc_add(&s, &part, 0x0e0a0000));
	uint64_t r[FFA_NREGS];
	/* FFA_FEATURES: the SRI for the normal world; the hypervisor's calls not for a
	 * partition. */
	call(r, FFA_FEATURES, FFA_FEATURE_SRI, 0, 0);
	assert_int_equal(ns(&s, r), 0);
	assert_int_equal(r[2], SPMC_SRI_SGI);
	call(r, FFA_FEATURES, FFA_NOTIFICATION_BITMAP_CREATE, 0, 0);
	assert_int_equal(from_sp(&s, 0, r), FFA_NOT_SUPPORTED);
	call(r, FFA_NOTIFICATION_INFO_GET | FFA_SMC64, 0, 0, 0);
	assert_int_equal(from_sp(&s, 0, r), FFA_NOT_SUPPORTED);
	/* The VM's bitmap: made once, for a VM ID only. */
	call(r, FFA_NOTIFICATION_BITMAP_CREATE, SP2, 1, 0);
	assert_int_equal(ns(&s, r), FFA_INVALID_PARAMETERS);
	call(r, FFA_NOTIFICATION_BITMAP_CREATE, VM, 2, 0);
	assert_int_equal(ns(&s, r), 0);
	call(r, FFA_NOTIFICATION_BITMAP_CREATE, VM, 2, 0);
	assert_int_equal(ns(&s, r), FFA_DENIED);
	/* The VM binds the partition; it cannot bind another VM here (Normal EL2's). */
	call(r, FFA_NOTIFICATION_BIND, (uint64_t)SP << 16 | VM, 0, 0x3);
	assert_int_equal(ns(&s, r), 0);
	call(r, FFA_NOTIFICATION_BIND, (uint64_t)VM2 << 16 | VM, 0, 0x4);
	assert_int_equal(ns(&s, r), FFA_INVALID_PARAMETERS);
	call(r, FFA_NOTIFICATION_BIND, (uint64_t)SP2 << 16 | VM, 0, 0x4);
	assert_int_equal(ns(&s, r), FFA_INVALID_PARAMETERS);
	/* The partition sets as itself only, bound bits only, for a VM with a bitmap. */
	call(r, FFA_NOTIFICATION_SET, (uint64_t)SP2 << 16 | VM, 0, 0x1);
	assert_int_equal(from_sp(&s, 0, r), FFA_INVALID_PARAMETERS);
	call(r, FFA_NOTIFICATION_SET, (uint64_t)SP << 16 | VM2, 0, 0x1);
	assert_int_equal(from_sp(&s, 0, r), FFA_INVALID_PARAMETERS);
	call(r, FFA_NOTIFICATION_SET, (uint64_t)SP << 16 | VM, 0, 0x4);
	assert_int_equal(from_sp(&s, 0, r), FFA_DENIED);
	assert_false(spmc_notif_take_sri(&s, 1));
	call(r, FFA_NOTIFICATION_SET, (uint64_t)SP << 16 | VM, 0, 0x3);
	assert_int_equal(from_sp(&s, 1, r), 0);
	/* The SRI on the CPU it set them on, once; INFO_GET lists the VM. */
	assert_false(spmc_notif_take_sri(&s, 0));
	assert_true(spmc_notif_take_sri(&s, 1));
	assert_false(spmc_notif_take_sri(&s, 1));
	call(r, FFA_NOTIFICATION_INFO_GET | FFA_SMC64, 0, 0, 0);
	assert_int_equal(ns(&s, r), 0);
	assert_int_equal(FFA_NOTIF_INFO_LISTS(r[2]), 1);
	assert_int_equal((uint16_t)r[3], VM);
	/* A bitmap with bits pending is not destroyed; GET takes them (partitions' only). */
	call(r, FFA_NOTIFICATION_BITMAP_DESTROY, VM, 0, 0);
	assert_int_equal(ns(&s, r), FFA_DENIED);
	call(r, FFA_NOTIFICATION_GET, 2U << 16 | VM, FFA_NOTIF_GET_FROM_SP, 0);
	assert_int_equal(ns(&s, r), FFA_INVALID_PARAMETERS); /* vCPU 2 of 2 */
	call(r, FFA_NOTIFICATION_GET, 1U << 16 | VM, 1U << 5, 0);
	assert_int_equal(ns(&s, r), FFA_INVALID_PARAMETERS);
	call(r, FFA_NOTIFICATION_GET, 1U << 16 | VM, FFA_NOTIF_GET_FROM_SP, 0);
	assert_int_equal(ns(&s, r), 0);
	assert_int_equal(r[2], 0x3);
	call(r, FFA_NOTIFICATION_BITMAP_DESTROY, VM, 0, 0);
	assert_int_equal(ns(&s, r), 0);
	/* The partition binds the VM, which sets as itself; it gets them from VMs. */
	call(r, FFA_NOTIFICATION_BIND, (uint64_t)VM << 16 | SP2, 0, 0x1);
	assert_int_equal(from_sp(&s, 0, r), FFA_INVALID_PARAMETERS);
	call(r, FFA_NOTIFICATION_BIND, (uint64_t)VM << 16 | SP, 0, 0x1);
	assert_int_equal(from_sp(&s, 0, r), 0);
	call(r, FFA_NOTIFICATION_SET, (uint64_t)SP2 << 16 | SP, 0, 0x1);
	assert_int_equal(ns(&s, r), FFA_INVALID_PARAMETERS); /* a "VM" with a secure ID */
	call(r, FFA_NOTIFICATION_SET, (uint64_t)VM << 16 | SP, 0, 0x1);
	assert_int_equal(ns(&s, r), 0);
	call(r, FFA_NOTIFICATION_GET, 1U << 16 | SP, FFA_NOTIF_GET_FROM_VM, 0);
	assert_int_equal(from_sp(&s, 0, r), FFA_INVALID_PARAMETERS); /* not its context */
	call(r, FFA_NOTIFICATION_GET, SP, FFA_NOTIF_GET_FROM_VM, 0);
	assert_int_equal(from_sp(&s, 0, r), 0);
	assert_int_equal(r[4], 0x1);
	/* Restarted, it binds afresh. */
	assert_int_equal(spmc_sp_restart(&s, 0, true), SPMC_RESTARTED);
	call(r, FFA_NOTIFICATION_SET, (uint64_t)VM << 16 | SP, 0, 0x1);
	assert_int_equal(ns(&s, r), FFA_DENIED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bitmaps_are_made_once_within_limits),
	    cmocka_unit_test(only_the_bound_sender_sets_and_of_its_kind),
	    cmocka_unit_test(get_takes_its_vcpus_and_global_bits_by_sender_class),
	    cmocka_unit_test(info_get_lists_each_receiver_once),
	    cmocka_unit_test(info_get_says_when_there_is_more),
	    cmocka_unit_test(the_spmc_checks_each_side),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
