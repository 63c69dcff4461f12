/*
 * A Realm VM, built and taken apart through RMI (RMM 1.0, A2.2 and B4): what a KVM host
 * does for a Linux realm. The VM's RAM is one block as for any VM (Triad loads the images
 * and the DTB there), and each of its granules serves the realm once: delegated in place
 * while the realm's page at that IPA is private, given back (scrubbed) when the realm
 * shares the page with the host (RIPAS EMPTY), after which Triad's devices may reach it:
 *
 *   IPA [RAM]                   protected: the VM's own granules, delegated in place,
 *                               measured for the images (kernel, DTB, initrd: DATA_CREATE
 *                               from a copy), the rest given when the realm first touches
 *                               it (DATA_CREATE_UNKNOWN)
 *   IPA shared_bit + [RAM]      unprotected: the same granules, 2 MiB blocks; a shared one
 *                               is Non-secure, a private one faults at the GPT
 *   IPA shared_bit + devices    unprotected, unmapped: emulated MMIO exits
 *
 * A granule once shared stays the host's until the realm is taken apart (a device may be
 * using it): if the realm makes that page private again, a granule from anywhere in DRAM
 * backs it. So the realm costs its RAM once, plus its tables, RD and RECs.
 *
 * RIPAS is RAM over all of RAM from the start (RTT_INIT_RIPAS, measured), so the RIM
 * depends only on the realm's parameters, its RAM range, the images and the boot vCPU.
 */
#include <string.h>
#include <triad/guest_dt.h>
#include <triad/log.h>
#include <triad/mem.h>
#include <triad/realm.h>
#include <triad/rmm_abi.h>
#include <triad/smccc.h>
#include <triad/trace.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vm.h>
#include <triad/vm_kind.h>

#define REALM_IPA_BITS	  40 /* 512 GiB protected, the same unprotected */
#define REALM_NUM_BPS	  1  /* RmiRealmParams: breakpoints and watchpoints, minus one */
#define REALM_NUM_WPS	  1
#define RTT_START_LEVEL	  1
#define RTT_START_TABLES  2 /* level 1 for 40 bits: two concatenated tables */
#define DATA_MEASURED	  1
#define REC_RUNNABLE	  1
#define S2_DESC_NORMAL_RW ((0xfULL << 2) | (3ULL << 6)) /* MemAttr WB, S2AP read-write */
#define L1_SIZE		  (1ULL << 30)
#define L2_SIZE		  (1ULL << 21)

uint64_t realm_rmi(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
		   uint64_t *x1)
{
	uint64_t r[8] = {fid, a1, a2, a3, a4, a5};
	smc_call_regs(r);
	TRACE(this_cpu(), TRACE_RMI, TRACE_NO_VCPU, TRACE_NO_VCPU, fid, r[0]);
	if (x1)
		*x1 = r[1];
	return r[0];
}

/* A granule of Triad's memory, delegated (0 if there is none, or the RMM refuses it:
 * only the first GiB of DRAM can be a realm's). */
static uint64_t delegated_page(void)
{
	uint64_t pa = page_alloc(1, PAGE_SIZE);
	if (pa && realm_rmi(RMI_GRANULE_DELEGATE, pa, 0, 0, 0, 0, NULL) != RMI_SUCCESS) {
		page_free(pa, 1);
		return 0;
	}
	return pa;
}

/* Back to the host: the RMM scrubs it as it leaves the realm world. False if it stays
 * the realm world's. */
static bool undelegate(uint64_t pa)
{
	if (realm_rmi(RMI_GRANULE_UNDELEGATE, pa, 0, 0, 0, 0, NULL) != RMI_SUCCESS) {
		/* Still the realm world's: leaked rather than handed out. */
		pr_err("realm: granule 0x%lx could not be undelegated", pa);
		return false;
	}
	return true;
}

/* A granule of Triad's (not of the VM's RAM) back to Triad. */
static void undelegate_page(uint64_t pa)
{
	if (undelegate(pa))
		page_free(pa, 1);
}

static bool in_vm_ram(const struct vm *vm, uint64_t pa)
{
	return pa >= vm->ram_pa && pa - vm->ram_pa < vm->ram_size;
}

/* A realm page's granule back to the host: the VM's own stays in its RAM. False if it
 * stays the realm world's. */
static bool give_back(struct vm *vm, uint64_t pa)
{
	if (in_vm_ram(vm, pa))
		return undelegate(pa);
	undelegate_page(pa);
	return true;
}

static bool rtt_create(struct realm_vm *r, uint64_t ipa, unsigned level)
{
	uint64_t pa = delegated_page();
	if (!pa)
		return false;
	if (realm_rmi(RMI_RTT_CREATE, r->rd, pa, ipa, level, 0, NULL) != RMI_SUCCESS) {
		undelegate_page(pa);
		return false;
	}
	return true;
}

static void rtt_destroy(struct realm_vm *r, uint64_t ipa, unsigned level)
{
	uint64_t pa;
	if (realm_rmi(RMI_RTT_DESTROY, r->rd, ipa, level, 0, 0, &pa) == RMI_SUCCESS)
		undelegate_page(pa);
}

static uint64_t ram_index(uint64_t ipa)
{
	return (ipa - GUEST_RAM_IPA) / PAGE_SIZE;
}

static bool bit(const uint64_t *map, uint64_t i)
{
	return __atomic_load_n(&map[i / 64], __ATOMIC_ACQUIRE) & (1ULL << (i % 64));
}

static void set_bit(uint64_t *map, uint64_t i, bool on)
{
	uint64_t v = map[i / 64];
	__atomic_store_n(&map[i / 64], on ? v | (1ULL << (i % 64)) : v & ~(1ULL << (i % 64)),
			 __ATOMIC_RELEASE);
}

/* The realm's page at ipa (in RAM): its own granule of the VM's RAM, delegated in place
 * (measured: from a copy of it, r->bounce), or a granule from anywhere once the realm has
 * shared its own. Under r->lock, or while the realm is built. */
static bool data_create(struct vm *vm, uint64_t ipa, bool measured)
{
	struct realm_vm *r = vm->realm;
	uint64_t idx = ram_index(ipa), own = vm->ram_pa + (ipa - GUEST_RAM_IPA);
	if (bit(r->populated, idx))
		return true;
	bool in_place = !bit(r->shared, idx);
	uint64_t src = own, pa = own;
	if (in_place) {
		if (measured) {
			memcpy((void *)r->bounce, (const void *)own, PAGE_SIZE);
			src = r->bounce;
		}
		if (realm_rmi(RMI_GRANULE_DELEGATE, pa, 0, 0, 0, 0, NULL) != RMI_SUCCESS)
			return false;
	} else if (!(pa = delegated_page())) {
		return false;
	}
	uint64_t st = measured
			  ? realm_rmi(RMI_DATA_CREATE, r->rd, pa, ipa, src, DATA_MEASURED, NULL)
			  : realm_rmi(RMI_DATA_CREATE_UNKNOWN, r->rd, pa, ipa, 0, 0, NULL);
	if (st != RMI_SUCCESS) {
		/* Its own granule, if it stays delegated, is never marked shared. */
		if (!give_back(vm, pa) && in_place)
			set_bit(r->populated, idx, true);
		return false;
	}
	set_bit(r->populated, idx, true);
	return true;
}

/* The realm's page at ipa, if it has one, destroyed and its granule back to the host:
 * true if it has none left (the VM's own granule there is the host's). */
static bool data_destroy(struct vm *vm, uint64_t ipa)
{
	struct realm_vm *r = vm->realm;
	uint64_t idx = ram_index(ipa), pa;
	if (!bit(r->populated, idx))
		return true;
	if (realm_rmi(RMI_DATA_DESTROY, r->rd, ipa, 0, 0, 0, &pa) != RMI_SUCCESS ||
	    !give_back(vm, pa))
		return false;
	set_bit(r->populated, idx, false);
	return true;
}

void realm_shared(struct vm *vm, uint64_t base, uint64_t top)
{
	struct realm_vm *r = vm->realm;
	spin_lock(&r->lock);
	for (uint64_t ipa = base; ipa < top; ipa += PAGE_SIZE)
		if (data_destroy(vm, ipa)) /* its own granule is Non-secure: the devices' */
			set_bit(r->shared, ram_index(ipa), true);
	spin_unlock(&r->lock);
}

/* Triad's devices reach only pages the realm shared (whose own granule is Non-secure for
 * good): a private one is a granule protection fault at EL2. */
static bool realm_host_may_touch(const struct vm *vm, uint64_t ipa, uint64_t len)
{
	const struct realm_vm *r = vm->realm;
	if (!r || !len)
		return true;
	for (uint64_t p = ipa & ~(PAGE_SIZE - 1); p < ipa + len; p += PAGE_SIZE)
		if (!bit(r->shared, ram_index(p)))
			return false;
	return true;
}

bool realm_populate(struct vm *vm, uint64_t ipa)
{
	if (!vm_ipa_is_ram(vm, ipa & ~(PAGE_SIZE - 1), PAGE_SIZE))
		return false;
	/* Two vCPUs may fault on one page at once: the second finds it given. */
	spin_lock(&vm->realm->lock);
	bool ok = data_create(vm, ipa & ~(PAGE_SIZE - 1), false);
	spin_unlock(&vm->realm->lock);
	return ok;
}

/* The tables for RAM, RIPAS RAM over it, and the unprotected alias of the VM's NS RAM. */
static bool build_tables(struct vm *vm)
{
	struct realm_vm *r = vm->realm;
	uint64_t end = GUEST_RAM_IPA + vm->ram_size, shared = r->shared_bit;
	for (uint64_t ipa = GUEST_RAM_IPA & ~(L1_SIZE - 1); ipa < end; ipa += L1_SIZE)
		if (!rtt_create(r, ipa, 2) || !rtt_create(r, shared | ipa, 2))
			return false;
	/* RIPAS RAM at level 2 first: one measured step per 2 MiB, not per page. */
	for (uint64_t ipa = GUEST_RAM_IPA, top; ipa < end; ipa = top)
		if (realm_rmi(RMI_RTT_INIT_RIPAS, r->rd, ipa, end, 0, 0, &top) != RMI_SUCCESS ||
		    top <= ipa)
			return false;
	for (uint64_t ipa = GUEST_RAM_IPA; ipa < end; ipa += L2_SIZE)
		if (!rtt_create(r, ipa, 3) ||
		    realm_rmi(RMI_RTT_MAP_UNPROTECTED, r->rd, shared | ipa, 2,
			      (vm->ram_pa + (ipa - GUEST_RAM_IPA)) | S2_DESC_NORMAL_RW, 0,
			      NULL) != RMI_SUCCESS)
			return false;
	return true;
}

/* vCPU i's REC granule and auxiliary granules back to the normal world (those it has). */
static void undelegate_recs_aux(struct realm_vm *r, unsigned i)
{
	if (r->rec[i])
		undelegate_page(r->rec[i]);
	for (unsigned a = 0; a < REALM_REC_AUX_MAX; a++)
		if (r->aux[i][a])
			undelegate_page(r->aux[i][a]);
	r->rec[i] = 0;
	memset(r->aux[i], 0, sizeof(r->aux[i]));
}

static bool create_recs(struct vm *vm, uint64_t entry, uint64_t dtb)
{
	struct realm_vm *r = vm->realm;
	uint64_t *p = (uint64_t *)page_alloc_zeroed(1, PAGE_SIZE);
	if (!p)
		return false;
	bool ok = realm_rmi(RMI_REC_AUX_COUNT, r->rd, 0, 0, 0, 0, &r->nr_aux) == RMI_SUCCESS;
	if (ok && r->nr_aux > REALM_REC_AUX_MAX) {
		pr_err("VM '%s': the RMM wants %lu auxiliary granules per REC (at most %u here)",
		       vm->name, r->nr_aux, REALM_REC_AUX_MAX);
		ok = false;
	}
	for (unsigned i = 0; ok && i < vm->ncpus; i++) {
		struct vcpu *v = vm->vcpu[i];
		/* Nothing of a previous realm's exits carries over into this one's entries. */
		memset(&r->vcpu[i], 0, sizeof(r->vcpu[i]));
		r->rec[i] = delegated_page();
		ok = r->rec[i] != 0;
		for (unsigned a = 0; a < r->nr_aux; a++) {
			r->aux[i][a] = delegated_page();
			ok = ok && r->aux[i][a];
		}
		if (!ok) {
			undelegate_recs_aux(r, i);
			break;
		}
		memset(p, 0, PAGE_SIZE);
		p[0x000 / 8] = i == 0 ? REC_RUNNABLE : 0;
		p[0x100 / 8] = (v->mpidr & 0xf) | (v->mpidr & 0xff00); /* Aff0 [3:0], Aff1 */
		p[0x200 / 8] = entry;
		p[0x300 / 8] = i == 0 ? dtb : 0; /* x0 */
		p[0x800 / 8] = r->nr_aux;
		for (unsigned a = 0; a < r->nr_aux; a++)
			p[0x808 / 8 + a] = r->aux[i][a];
		ok = realm_rmi(RMI_REC_CREATE, r->rd, r->rec[i], (uint64_t)p, 0, 0, NULL) ==
		     RMI_SUCCESS;
		if (!ok) {
			undelegate_recs_aux(r, i);
		}
		r->run[i] = page_alloc_zeroed(1, PAGE_SIZE);
		ok = ok && r->run[i];
	}
	page_free((uint64_t)p, 1);
	return ok;
}

static bool create_realm(struct vm *vm)
{
	struct realm_vm *r = vm->realm;
	r->rd = delegated_page();
	r->rtt = page_alloc(RTT_START_TABLES, RTT_START_TABLES * PAGE_SIZE);
	if (!r->rd || !r->rtt)
		return false;
	for (unsigned i = 0; i < RTT_START_TABLES; i++)
		if (realm_rmi(RMI_GRANULE_DELEGATE, r->rtt + i * PAGE_SIZE, 0, 0, 0, 0, NULL)) {
			while (i--)
				realm_rmi(RMI_GRANULE_UNDELEGATE, r->rtt + i * PAGE_SIZE, 0, 0, 0,
					  0, NULL);
			page_free(r->rtt, RTT_START_TABLES);
			r->rtt = 0;
			return false;
		}
	uint64_t *p = (uint64_t *)page_alloc_zeroed(1, PAGE_SIZE);
	if (!p)
		return false;
	if (vm->sve_vl) { /* measured: the RIM says the realm has SVE, and how long */
		p[0x000 / 8] = REALM_FLAG_SVE;
		p[0x010 / 8] = vm->sve_vl / 16 - 1;
	}
	p[0x008 / 8] = REALM_IPA_BITS;
	/* Two breakpoints and two watchpoints (counts minus one), which every CPU has: a
	 * realm's RIM must not depend on the machine (tools/realm_measure.py knows these). */
	p[0x018 / 8] = REALM_NUM_BPS;
	p[0x020 / 8] = REALM_NUM_WPS;
	p[0x030 / 8] = 0; /* SHA-256 */
	p[0x800 / 8] = vm->vmid;
	p[0x808 / 8] = r->rtt;
	p[0x810 / 8] = RTT_START_LEVEL;
	p[0x818 / 8] = RTT_START_TABLES;
	uint64_t st = realm_rmi(RMI_REALM_CREATE, r->rd, (uint64_t)p, 0, 0, 0, NULL);
	page_free((uint64_t)p, 1);
	if (st != RMI_SUCCESS) {
		pr_err("VM '%s': REALM_CREATE failed (%lu)", vm->name, st);
		return false;
	}
	r->created = true;
	audit(vm, AUDIT_REALM_CREATED, "realm descriptor 0x%lx, VMID %u", r->rd, vm->vmid);
	return true;
}

static void realm_destroy(struct vm *vm);

/* Builds the realm from the VM's loaded RAM, the images measured into its RIM; on a reset
 * the old realm goes first. */
static int realm_build(struct vm *vm, const struct vm_image *img, unsigned nimg, uint64_t entry,
		       uint64_t dtb)
{
	realm_destroy(vm);
	vm->cntvoff = 0; /* the RMM gives realms none */
	if (!rmm_present) {
		pr_err("VM '%s': a realm needs the realm world (an RMM)", vm->name);
		return -1;
	}
	struct realm_vm *r = vm->realm;
	if (!r) {
		size_t npages = vm->ram_size / PAGE_SIZE;
		size_t bytes = sizeof(*r) + 2 * (ALIGN_UP(npages, 64) / 8);
		r = (struct realm_vm *)page_alloc_zeroed(ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE,
							 PAGE_SIZE);
		if (!r)
			return -1;
		r->pages = ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE;
		r->shared = r->populated + ALIGN_UP(npages, 64) / 64;
		spin_init(&r->lock);
		vm->realm = r;
	}
	r->shared_bit = 1ULL << (REALM_IPA_BITS - 1);
	vm->ipa_alias = r->shared_bit;
	r->bounce = page_alloc(1, PAGE_SIZE);
	bool ok = r->bounce && create_realm(vm) && build_tables(vm);
	/* The images, page by page in IPA order: what the RIM measures. */
	for (unsigned i = 0; ok && i < nimg; i++)
		for (uint64_t ipa = img[i].ipa & ~(PAGE_SIZE - 1);
		     ok && ipa < img[i].ipa + img[i].size; ipa += PAGE_SIZE)
			ok = data_create(vm, ipa, true);
	if (r->bounce)
		page_free(r->bounce, 1);
	r->bounce = 0;
	ok = ok && create_recs(vm, entry, dtb) &&
	     realm_rmi(RMI_REALM_ACTIVATE, r->rd, 0, 0, 0, 0, NULL) == RMI_SUCCESS;
	if (!ok) {
		pr_err("VM '%s': could not build the realm (%lu MB free)", vm->name,
		       mem_free_bytes() >> 20);
		realm_destroy(vm);
		return -1;
	}
	pr_info("VM '%s': realm built (%u REC(s), %lu MB of RAM, IPA %u bits)", vm->name, vm->ncpus,
		vm->ram_size >> 20, REALM_IPA_BITS);
	return 0;
}

/* Takes it apart: every granule undelegated (so scrubbed) and back to Triad. */
static void realm_destroy(struct vm *vm)
{
	struct realm_vm *r = vm->realm;
	if (!r)
		return;
	for (unsigned i = 0; i < vm->ncpus; i++) {
		if (r->rec[i] &&
		    realm_rmi(RMI_REC_DESTROY, r->rec[i], 0, 0, 0, 0, NULL) == RMI_SUCCESS) {
			undelegate_recs_aux(r, i);
		}
		if (r->run[i])
			page_free(r->run[i], 1);
		r->rec[i] = r->run[i] = 0;
		memset(r->aux[i], 0,
		       sizeof(r->aux[i])); /* kept by the realm world if not undelegated */
	}
	uint64_t end = GUEST_RAM_IPA + vm->ram_size;
	if (r->created) {
		for (uint64_t ipa = GUEST_RAM_IPA; ipa < end; ipa += PAGE_SIZE)
			if (!data_destroy(vm, ipa))
				pr_err("VM '%s': realm page at 0x%lx could not be taken back",
				       vm->name, ipa);
		for (uint64_t ipa = GUEST_RAM_IPA; ipa < end; ipa += L2_SIZE) {
			realm_rmi(RMI_RTT_UNMAP_UNPROTECTED, r->rd, r->shared_bit | ipa, 2, 0, 0,
				  NULL);
			rtt_destroy(r, ipa, 3);
		}
		for (uint64_t ipa = GUEST_RAM_IPA & ~(L1_SIZE - 1); ipa < end; ipa += L1_SIZE) {
			rtt_destroy(r, ipa, 2);
			rtt_destroy(r, r->shared_bit | ipa, 2);
		}
		if (realm_rmi(RMI_REALM_DESTROY, r->rd, 0, 0, 0, 0, NULL) != RMI_SUCCESS)
			pr_err("VM '%s': REALM_DESTROY failed: its granules stay delegated",
			       vm->name);
		else
			audit(vm, AUDIT_REALM_DESTROYED, "realm descriptor 0x%lx", r->rd);
		r->created = false;
	}
	if (r->rd) {
		undelegate_page(r->rd);
		r->rd = 0;
	}
	if (r->rtt) {
		for (unsigned i = 0; i < RTT_START_TABLES; i++)
			undelegate_page(r->rtt + i * PAGE_SIZE);
		r->rtt = 0;
	}
	/* Every granule of its RAM is the host's again: the next realm starts in place. */
	memset(r->shared, 0, ALIGN_UP(vm->ram_size / PAGE_SIZE, 64) / 8);
	memset(r->populated, 0, ALIGN_UP(vm->ram_size / PAGE_SIZE, 64) / 8);
}

/* Its PSCI calls go to the RMM, which hands them on to us (SMC); its PMU is the RMM's to
 * give, and OP-TEE is not for realms. */
static void realm_guest_dt(struct vm *vm, struct guest_dt_params *p)
{
	(void)vm;
	p->pmu = false;
	p->psci_smc = true;
	p->optee = false;
}

void realm_vm_free(struct vm *vm)
{
	struct realm_vm *r = vm->realm;
	if (!r)
		return;
	realm_destroy(vm); /* normally done at its teardown already */
	vm->realm = NULL;
	page_free((uint64_t)r, r->pages);
}

const struct vm_kind realm_vm_kind = {
    .name = "realm",
    .el1_in_cpu = false,
    .guest_dt = realm_guest_dt,
    .build = realm_build,
    .teardown = realm_destroy,
    .host_may_touch = realm_host_may_touch,
    .enter = realm_enter,
    .wake_sample = realm_timer_sample,
    .vtimer = realm_vtimer,
    .vtimer_wake = realm_vtimer_expired,
};
