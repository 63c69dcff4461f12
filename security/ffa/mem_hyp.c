/*
 * FF-A memory sharing from a VM to the secure partitions, at Normal EL2 (the hypervisor
 * endpoint; ffa_hyp.c passes the calls here). A VM's FFA_MEM_SHARE/LEND/DONATE descriptor
 * is copied once from its TX buffer and checked (mem_desc.c; the sender must be the VM
 * itself, the receivers secure endpoints, every range wholly the VM's RAM and in no lend or
 * donation of it already); its IPAs become PAs (a VM's RAM is one contiguous block), lent
 * and donated pages leave the VM's stage 2 (its own access then faults: an abort is
 * injected, as for any IPA without memory), and the PA descriptor goes to the SPMC from
 * Triad's own TX buffer, which Triad (endpoint 0) maps with the SPMC at boot. The handle
 * the SPMC answers is recorded with its owner: FFA_MEM_RECLAIM is taken only from that VM,
 * and gives the pages back to its stage 2 once the SPMC agrees (no partition holds them).
 *
 * A VM reset or destroyed reclaims what it can; pages a partition still holds (or that
 * were donated) stay out of the VM's stage 2, and the VM's RAM is never given back to
 * Triad's free memory when it is destroyed (quarantined, and logged).
 */
#include <arch/maint.h>
#include <arch/sysreg.h>
#include <lib/pgtable.h>
#include <string.h>
#include <triad/feature.h>
#include <triad/ffa.h>
#include <triad/ffa_mem.h>
#include <triad/log.h>
#include <triad/cpu.h>
#include <triad/smccc.h>
#include <triad/smmu.h>
#include <triad/spinlock.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vm.h>

#include "mem_hyp.h"

#define MAX_SHARES 32
#define NO_VM	   0xffffU /* a quarantined record: its VM is gone */

static struct share {
	uint64_t handle; /* 0: free */
	uint16_t vm;	 /* the owner's index (NO_VM: quarantined) */
	enum ffa_mem_kind kind;
	unsigned nr_ranges;
	struct ffa_mem_range ipa[FFA_MEM_MAX_RANGES];
} shares[MAX_SHARES];
static spinlock_t lock = SPINLOCK_INIT;
static uint8_t copy[4096];
/* Triad's own buffers with the SPMC: the PA descriptors go out through the TX buffer. */
static uint8_t tx_buf[4096] __attribute__((aligned(4096)));
static uint8_t rx_buf[4096] __attribute__((aligned(4096)));
static bool registered;

static void mem_hyp_init(void)
{
	if (!plat.own_monitor)
		return;
	uint64_t r[8] = {FFA_RXTX_MAP | FFA_SMC64, (uint64_t)tx_buf, (uint64_t)rx_buf, 1};
	smc_call_regs(r); /* Triad's memory is identity-mapped: these are PAs */
	registered = (uint32_t)r[0] == FFA_SUCCESS;
}

bool ffa_mem_hyp_available(void)
{
	return registered;
}

static uint64_t pa_of(const struct vm *vm, uint64_t ipa)
{
	return vm->ram_pa + (ipa - GUEST_RAM_IPA);
}

static uint64_t bytes(const struct ffa_mem_range *r)
{
	return (uint64_t)r->pages * FFA_MEM_PAGE;
}

/* The VM's stage-2 TLB entries, on every CPU (its VMID named in VTTBR_EL2 for the moment)
 * and in the SMMU. */
static void flush_vm_tlb(const struct vm *vm)
{
	uint64_t vttbr = read_sysreg(vttbr_el2);
	dsb(ishst);
	write_sysreg(vttbr_el2, vm->vttbr);
	isb();
	tlbi(vmalls12e1is);
	dsb(ish);
	write_sysreg(vttbr_el2, vttbr);
	isb();
	smmu_flush_vm(vm->vmid); /* a passed-through device's DMA walks the same tables */
}

/* Ranges 0..n of s back into the VM's stage 2, as its RAM is mapped. */
static void give_back(struct vm *vm, const struct share *s, unsigned n)
{
	for (unsigned k = 0; k < n; k++)
		if (vm_s2_map(vm, IPA(s->ipa[k].addr), PA(pa_of(vm, s->ipa[k].addr)),
			      bytes(&s->ipa[k]), S2_NORMAL_RWX))
			vm_warn(vm, "FF-A: pages at IPA 0x%lx not mapped back (no table page)",
				s->ipa[k].addr);
}

/* The ranges out of the VM's stage 2 (false: no page to split a block with; nothing out). */
static bool take_away(struct vm *vm, const struct share *s)
{
	for (unsigned k = 0; k < s->nr_ranges; k++)
		if (pt_unmap(&vm->s2, s->ipa[k].addr, bytes(&s->ipa[k]))) {
			give_back(vm, s, k);
			return false;
		}
	flush_vm_tlb(vm);
	return true;
}

static bool share_overlaps(const struct share *a, const struct ffa_mem_region *b)
{
	for (unsigned i = 0; i < a->nr_ranges; i++)
		for (unsigned j = 0; j < b->nr_ranges; j++)
			if (a->ipa[i].addr < b->range[j].addr + bytes(&b->range[j]) &&
			    b->range[j].addr < a->ipa[i].addr + bytes(&a->ipa[i]))
				return true;
	return false;
}

/* The checks of the VM's own side; 0 or the error. */
static uint32_t check(const struct vm *vm, enum ffa_mem_kind kind, const struct ffa_mem_region *r,
		      int *slot)
{
	if (r->sender != (uint16_t)(vm->id + 1))
		return FFA_INVALID_PARAMETERS;
	for (unsigned k = 0; k < r->nr_receivers; k++)
		if (!FFA_ID_IS_SECURE(r->receiver[k].id) || r->receiver[k].id == FFA_SPMC_ID)
			return FFA_INVALID_PARAMETERS; /* VM to VM is not mediated (yet) */
	for (unsigned k = 0; k < r->nr_ranges; k++)
		if (!vm_ipa_is_ram(vm, r->range[k].addr, bytes(&r->range[k])))
			return FFA_INVALID_PARAMETERS;
	*slot = -1;
	for (unsigned k = 0; k < MAX_SHARES; k++) {
		const struct share *s = &shares[k];
		if (!s->handle) {
			if (*slot < 0)
				*slot = (int)k;
		} else if (s->vm == vm->id &&
			   (kind != FFA_MEM_KIND_SHARE || s->kind != FFA_MEM_KIND_SHARE) &&
			   share_overlaps(s, r)) {
			return FFA_DENIED; /* lent or donated already, or shared while lent */
		}
	}
	return *slot < 0 ? FFA_NO_MEMORY : 0;
}

static void answer(uint64_t *x, uint32_t fid, uint64_t w2, uint64_t w3)
{
	x[0] = fid;
	x[1] = 0;
	x[2] = w2;
	x[3] = w3;
	for (int i = 4; i < 8; i++)
		x[i] = 0;
}

static void refuse(struct vcpu *v, uint64_t *x, uint32_t err, const char *why)
{
	vm_audit(v->vm, AUDIT_FFA_REFUSED, "vCPU %u: FF-A memory call 0x%x refused: %s", v->id,
		 (uint32_t)x[0], why);
	answer(x, FFA_ERROR, err, 0);
}

/* FFA_MEM_SHARE/LEND/DONATE: w1 total length, w2 fragment length, x3/w4 zero (the TX buffer). */
static void send(struct vcpu *v, uint64_t *x, enum ffa_mem_kind kind, uint64_t tx_ipa,
		 unsigned tx_pages)
{
	struct vm *vm = v->vm;
	uint32_t total = (uint32_t)x[1], frag = (uint32_t)x[2];
	if (!tx_pages) {
		refuse(v, x, FFA_DENIED, "no TX buffer");
		return;
	}
	if (x[3] || (uint32_t)x[4] || !total || total != frag ||
	    total > (uint64_t)tx_pages * FFA_MEM_PAGE) {
		refuse(v, x, FFA_INVALID_PARAMETERS, "not one fragment in its TX buffer");
		return;
	}
	if (total > sizeof(copy)) {
		refuse(v, x, FFA_NO_MEMORY, "descriptor larger than 4 KiB");
		return;
	}
	struct ffa_mem_region r;
	int slot;
	spin_lock(&lock);
	const void *src = vm_guest_map(vm, tx_ipa, total);
	uint32_t err = src ? 0 : FFA_INVALID_PARAMETERS;
	if (src)
		memcpy(copy, src, total); /* once: the VM may change its buffer meanwhile */
	if (!err)
		err = ffa_mem_parse_tx(copy, total, kind, &r);
	if (!err)
		err = check(vm, kind, &r, &slot);
	if (err) {
		spin_unlock(&lock);
		refuse(v, x, err, "bad descriptor");
		return;
	}
	struct share s = {.vm = (uint16_t)vm->id, .kind = kind, .nr_ranges = r.nr_ranges};
	for (unsigned k = 0; k < r.nr_ranges; k++) {
		s.ipa[k] = r.range[k];
		r.range[k].addr = pa_of(vm, r.range[k].addr);
	}
	if (kind != FFA_MEM_KIND_SHARE && !take_away(vm, &s)) {
		spin_unlock(&lock);
		refuse(v, x, FFA_NO_MEMORY, "no page to split its stage 2 with");
		return;
	}
	uint32_t len = ffa_mem_build(tx_buf, sizeof(tx_buf), &r);
	uint64_t q[8] = {x[0], len, len};
	smc_call_regs(q);
	if ((uint32_t)q[0] == FFA_SUCCESS) {
		s.handle = (uint32_t)q[2] | q[3] << 32;
		shares[slot] = s;
		__atomic_add_fetch(&vm->ffa_mem_outstanding, 1, __ATOMIC_RELEASE);
	} else if (kind != FFA_MEM_KIND_SHARE) {
		give_back(vm, &s, s.nr_ranges);
	}
	spin_unlock(&lock);
	if ((uint32_t)q[0] == FFA_SUCCESS)
		answer(x, FFA_SUCCESS, (uint32_t)s.handle, s.handle >> 32);
	else
		answer(x, FFA_ERROR, (uint32_t)q[0] == FFA_ERROR ? (uint32_t)q[2] : FFA_ABORTED, 0);
}

/* Asks the SPMC to give s back (true: it did), then maps it into the VM again. Lock held. */
static bool reclaim_share(struct vm *vm, struct share *s, uint32_t flags, uint64_t *err)
{
	uint64_t q[8] = {FFA_MEM_RECLAIM, (uint32_t)s->handle, s->handle >> 32, flags};
	smc_call_regs(q);
	if ((uint32_t)q[0] != FFA_SUCCESS) {
		*err = (uint32_t)q[0] == FFA_ERROR ? (uint32_t)q[2] : FFA_ABORTED;
		return false;
	}
	if (s->kind != FFA_MEM_KIND_SHARE)
		give_back(vm, s, s->nr_ranges);
	*s = (struct share){0};
	__atomic_sub_fetch(&vm->ffa_mem_outstanding, 1, __ATOMIC_RELEASE);
	return true;
}

static struct share *find(uint64_t handle)
{
	for (unsigned k = 0; k < MAX_SHARES; k++)
		if (handle && shares[k].handle == handle)
			return &shares[k];
	return 0;
}

/* FFA_MEM_RECLAIM: w1/w2 the handle, w3 flags; only the VM's own handles. */
static void reclaim(struct vcpu *v, uint64_t *x)
{
	uint64_t handle = (uint32_t)x[1] | x[2] << 32, err = 0;
	spin_lock(&lock);
	struct share *s = find(handle);
	bool mine = s && s->vm == v->vm->id;
	bool ok = mine && reclaim_share(v->vm, s, (uint32_t)x[3], &err);
	spin_unlock(&lock);
	if (!mine)
		refuse(v, x, FFA_INVALID_PARAMETERS, "not a handle of its own");
	else if (ok)
		answer(x, FFA_SUCCESS, 0, 0);
	else
		answer(x, FFA_ERROR, err, 0);
}

void ffa_mem_hyp_call(struct vcpu *v, uint64_t *x, uint64_t tx_ipa, unsigned tx_pages)
{
	uint32_t fid = (uint32_t)x[0];
	if (!registered) {
		answer(x, FFA_ERROR, FFA_NOT_SUPPORTED, 0);
		return;
	}
	switch (fid & ~FFA_SMC64) {
	case FFA_MEM_SHARE:
		send(v, x, FFA_MEM_KIND_SHARE, tx_ipa, tx_pages);
		return;
	case FFA_MEM_LEND:
		send(v, x, FFA_MEM_KIND_LEND, tx_ipa, tx_pages);
		return;
	case FFA_MEM_DONATE:
		send(v, x, FFA_MEM_KIND_DONATE, tx_ipa, tx_pages);
		return;
	case FFA_MEM_RECLAIM:
		reclaim(v, x);
		return;
	}
	answer(x, FFA_ERROR, FFA_NOT_SUPPORTED, 0);
}

/* The VM is reset or stopped: what can be reclaimed is; what a partition still holds (or
 * was donated) stays out of its stage 2, shared pages taken out too, so the next guest in
 * this VM never sees memory a partition may still read or write. */
static void mem_vm_reset(struct vm *vm)
{
	unsigned held = 0;
	spin_lock(&lock);
	for (unsigned k = 0; k < MAX_SHARES; k++) {
		struct share *s = &shares[k];
		uint64_t err;
		if (!s->handle || s->vm != vm->id || reclaim_share(vm, s, 0, &err))
			continue;
		if (s->kind == FFA_MEM_KIND_SHARE) {
			if (take_away(vm, s))
				s->kind = FFA_MEM_KIND_LEND; /* out of its stage 2 from now on */
			else
				vm_warn(vm,
					"FF-A: shared pages at IPA 0x%lx left mapped (no page to "
					"split a block with)",
					s->ipa[0].addr);
		}
		for (unsigned j = 0; j < s->nr_ranges; j++)
			held += s->ipa[j].pages;
	}
	spin_unlock(&lock);
	if (held)
		pr_warn("VM '%s': %u pages still held by the secure world: kept out of its memory",
			vm->name, held);
}

/* The VM is freed: if a partition still holds pages of its RAM, none of its RAM goes back
 * to Triad's free memory. */
static void mem_vm_destroy(struct vm *vm)
{
	unsigned held = 0;
	spin_lock(&lock);
	for (unsigned k = 0; k < MAX_SHARES; k++)
		if (shares[k].handle && shares[k].vm == vm->id) {
			shares[k].vm = NO_VM; /* its handle is nobody's to reclaim now */
			held++;
		}
	spin_unlock(&lock);
	if (held) {
		vm->ram_quarantined = true;
		pr_warn(
		    "VM '%s': %u memory transactions still held by the secure world: its RAM is "
		    "quarantined (never reused)",
		    vm->name, held);
	}
}

FEATURE(21,
	ffa_mem) = {.init = mem_hyp_init, .vm_reset = mem_vm_reset, .vm_destroy = mem_vm_destroy};
