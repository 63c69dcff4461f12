/*
 * FF-A notifications for VMs, at Normal EL2. Who keeps which bitmap:
 * - what VMs send each other: here (a bitmap per VM, made when it is loaded);
 * - what partitions send a VM, and what VMs send partitions: the SPMC, which gets a bitmap
 *   for each VM (BITMAP_CREATE with its ID and vCPU count) when it is loaded, destroyed
 *   when it is reset or stopped.
 * A VM binds, sets and gets only as itself (anything else is refused and audited); calls
 * about partitions go on to the SPMC. When a partition sets a VM's bits, the SPMC raises
 * the Schedule Receiver Interrupt (a physical SGI) on that CPU; Triad asks it which VMs and
 * vCPUs have bits (INFO_GET) and raises the Notification Pending Interrupt, virtual SGI
 * FFA_NPI_VSGI, in each (the named vCPU for per-vCPU bits, else one that is on), which
 * wakes it from WFI. A VM setting another VM's bits raises it there at once.
 */
#include <triad/config.h>
#include <triad/cpu.h>
#include <triad/ffa.h>
#include <triad/log.h>
#include <triad/smccc.h>
#include <triad/spinlock.h>
#include <triad/vcpu.h>
#include <triad/vm.h>

#include "notif.h"
#include "notif_hyp.h"

_Static_assert(NOTIF_MAX_VCPUS >= MAX_VCPUS, "a VM's every vCPU has its per-vCPU bits");

static spinlock_t lock = SPINLOCK_INIT;
static struct notif_ep vm_eps[MAX_VMS]; /* VM i's bitmap for other VMs' notifications */
static bool spmc_keeps;			/* the SPMC has notifications */
static bool spmc_bitmap[MAX_VMS];	/* it holds VM i's bitmap */
static bool spmc_full_told;
static uint32_t hyp_framework[MAX_VMS]; /* VM i's framework bits from Triad (RX full) */

static uint16_t ffa_id(const struct vm *vm)
{
	return (uint16_t)(vm->id + 1);
}

/* The VM with FF-A ID id, or NULL. */
static struct vm *vm_of(uint16_t id)
{
	return id && !FFA_ID_IS_SECURE(id) && id <= MAX_VMS ? vm_by_id(id - 1U) : NULL;
}

static void reply(uint64_t *x, uint32_t err)
{
	for (int i = 1; i < 8; i++)
		x[i] = 0;
	x[0] = err ? FFA_ERROR : FFA_SUCCESS;
	x[2] = err;
}

/* An SMC of x0-x7 to the SPMC; the answer in r. False if it was neither SUCCESS nor ERROR. */
static bool spmc_call(uint64_t r[8])
{
	smc_call_regs(r);
	uint32_t a = (uint32_t)r[0];
	return a == FFA_SUCCESS || a == FFA_SUCCESS64 || a == FFA_ERROR;
}

/* The Notification Pending Interrupt for vCPU vcpu of vm (-1: whichever is on). */
static void raise_npi(struct vm *vm, int vcpu)
{
	if (!vm || vm->state != VM_RUNNING)
		return;
	if (vcpu < 0) {
		vcpu = 0;
		for (unsigned i = 0; i < vm->ncpus; i++)
			if (vm->vcpu[i]->power == VCPU_ON) {
				vcpu = (int)i;
				break;
			}
	}
	if ((unsigned)vcpu < vm->ncpus)
		vcpu_raise_edge(vm, (unsigned)vcpu, FFA_NPI_VSGI);
}

static uint16_t info_id(const uint64_t r[8], unsigned k)
{
	return (uint16_t)(r[3 + k / 4] >> (16 * (k % 4)));
}

/* The SRI: which VMs have bits from partitions (as many rounds as the SPMC says there is
 * more, within reason: each round takes what it lists). */
static void sri_irq(void *ctx)
{
	(void)ctx;
	for (unsigned round = 0; round < 8; round++) {
		uint64_t r[8] = {FFA_NOTIFICATION_INFO_GET | FFA_SMC64};
		smc_call_regs(r);
		if ((uint32_t)r[0] != FFA_SUCCESS64)
			return; /* NO_DATA: another CPU's SRI took them */
		unsigned lists = FFA_NOTIF_INFO_LISTS(r[2]), k = 0;
		for (unsigned l = 0; l < lists && k < NOTIF_INFO_IDS_64; l++) {
			struct vm *vm = vm_of(info_id(r, k++));
			unsigned vcpus = FFA_NOTIF_INFO_VCPUS(r[2], l);
			if (!vcpus)
				raise_npi(vm, -1);
			for (unsigned j = 0; j < vcpus && k < NOTIF_INFO_IDS_64; j++)
				raise_npi(vm, info_id(r, k++));
		}
		if (!(r[2] & FFA_NOTIF_INFO_MORE))
			return;
	}
}

void ffa_notif_init(bool spmc_present)
{
	if (!spmc_present)
		return;
	uint64_t r[8] = {FFA_FEATURES, FFA_NOTIFICATION_BITMAP_CREATE};
	smc_call_regs(r);
	if ((uint32_t)r[0] != FFA_SUCCESS)
		return;
	uint64_t q[8] = {FFA_FEATURES, FFA_FEATURE_SRI};
	smc_call_regs(q);
	if ((uint32_t)q[0] != FFA_SUCCESS || (uint32_t)q[2] >= 16) {
		pr_warn("FF-A: the SPMC names no SGI as its SRI: partitions cannot notify VMs");
		return;
	}
	spmc_keeps = true;
	host_sgi_register((uint32_t)q[2], sri_irq, 0);
	pr_info("secure world: FF-A notifications, SRI SGI %u, VMs' NPI virtual SGI %u",
		(unsigned)q[2], FFA_NPI_VSGI);
}

bool ffa_notif_features(uint64_t *x)
{
	uint32_t w2 = 0;
	switch ((uint32_t)x[1]) {
	case FFA_NOTIFICATION_BIND:
	case FFA_NOTIFICATION_UNBIND:
	case FFA_NOTIFICATION_SET:
	case FFA_NOTIFICATION_GET:
		break;
	case FFA_FEATURE_NPI:
		w2 = FFA_NPI_VSGI;
		break;
	case FFA_NOTIFICATION_BITMAP_CREATE: /* Triad makes a VM's bitmaps itself */
	case FFA_NOTIFICATION_BITMAP_DESTROY:
	case FFA_NOTIFICATION_INFO_GET: /* Triad schedules the VMs */
	case FFA_NOTIFICATION_INFO_GET | FFA_SMC64:
	case FFA_FEATURE_SRI:
		reply(x, FFA_NOT_SUPPORTED);
		return true;
	default:
		return false;
	}
	reply(x, 0);
	x[2] = w2;
	return true;
}

/* A call naming another endpoint or vCPU than the caller's own: what names it (w1). */
static uint32_t refuse(struct vcpu *v, const char *what, uint64_t w1)
{
	vm_audit(v->vm, AUDIT_FFA_REFUSED, "vCPU %u: FF-A notification %s with w1 0x%x refused",
		 v->id, what, (unsigned)w1);
	return FFA_INVALID_PARAMETERS;
}

/* The call goes on to the SPMC as it is (the caller's ID is checked already). */
static void forward(uint64_t *x)
{
	uint64_t r[8];
	for (int i = 0; i < 8; i++)
		r[i] = x[i];
	if (!spmc_call(r)) {
		reply(x, FFA_ABORTED); /* the secure world is gone, or answered nonsense */
		return;
	}
	for (int i = 0; i < 8; i++)
		x[i] = r[i];
}

/* BIND/UNBIND by the VM of bits it receives: from a partition (the SPMC's), or a VM. */
static void bind(struct vcpu *v, uint64_t *x, bool unbind)
{
	uint16_t me = ffa_id(v->vm), sender = (uint16_t)(x[1] >> 16);
	uint64_t bits = (uint32_t)x[3] | x[4] << 32;
	if ((uint16_t)x[1] != me) {
		reply(x, refuse(v, unbind ? "unbind" : "bind", x[1]));
		return;
	}
	if (FFA_ID_IS_SECURE(sender)) {
		if (spmc_bitmap[v->vm->id])
			forward(x);
		else
			reply(x, FFA_INVALID_PARAMETERS); /* no partition can notify it */
		return;
	}
	if (!vm_of(sender)) {
		reply(x, FFA_INVALID_PARAMETERS);
		return;
	}
	spin_lock(&lock);
	uint32_t err = unbind ? (x[2] ? FFA_INVALID_PARAMETERS
				      : notif_unbind(&vm_eps[v->vm->id], sender, bits))
			      : notif_bind(&vm_eps[v->vm->id], sender, (uint32_t)x[2], bits);
	spin_unlock(&lock);
	reply(x, err);
}

/* SET by the VM, as itself: of a partition's bits (the SPMC's), or another VM's. */
static void set(struct vcpu *v, uint64_t *x)
{
	uint16_t me = ffa_id(v->vm), receiver = (uint16_t)x[1];
	uint32_t flags = (uint32_t)x[2];
	uint64_t bits = (uint32_t)x[3] | x[4] << 32;
	if ((uint16_t)(x[1] >> 16) != me) {
		reply(x, refuse(v, "set", x[1]));
		return;
	}
	if (FFA_ID_IS_SECURE(receiver)) {
		if (spmc_keeps)
			forward(x);
		else
			reply(x, FFA_INVALID_PARAMETERS);
		return;
	}
	struct vm *to = vm_of(receiver);
	spin_lock(&lock);
	uint32_t err = !to || vm_eps[to->id].id != receiver
			   ? FFA_INVALID_PARAMETERS
			   : notif_set(&vm_eps[to->id], me, flags, bits);
	spin_unlock(&lock);
	reply(x, err);
	if (!err)
		raise_npi(to, flags & FFA_NOTIF_PER_VCPU ? (int)(flags >> 16) : -1);
}

/* GET by the VM, for itself on this vCPU: partitions' bits from the SPMC, VMs' from here,
 * Triad's framework bits (w7: its RX buffer holds a message) from here. */
static void get(struct vcpu *v, uint64_t *x)
{
	uint32_t flags = (uint32_t)x[2];
	unsigned vcpu = (uint32_t)x[1] >> 16;
	if ((uint16_t)x[1] != ffa_id(v->vm) || vcpu != v->id) {
		reply(x, refuse(v, "get", x[1]));
		return;
	}
	if (flags & ~(FFA_NOTIF_GET_FROM_SP | FFA_NOTIF_GET_FROM_VM | FFA_NOTIF_GET_FROM_SPM |
		      FFA_NOTIF_GET_FROM_HYP)) {
		reply(x, FFA_INVALID_PARAMETERS);
		return;
	}
	uint64_t sps = 0, vms = 0, none;
	if ((flags & FFA_NOTIF_GET_FROM_SP) && spmc_bitmap[v->vm->id]) {
		uint64_t r[8] = {FFA_NOTIFICATION_GET, (uint32_t)x[1], FFA_NOTIF_GET_FROM_SP};
		if (!spmc_call(r) || (uint32_t)r[0] != FFA_SUCCESS) {
			reply(x, (uint32_t)r[0] == FFA_ERROR ? (uint32_t)r[2] : FFA_ABORTED);
			return;
		}
		sps = (uint32_t)r[2] | r[3] << 32;
	}
	spin_lock(&lock);
	notif_get(&vm_eps[v->vm->id], vcpu, false, flags & FFA_NOTIF_GET_FROM_VM, &none, &vms);
	uint32_t fw = 0;
	if (flags & FFA_NOTIF_GET_FROM_HYP) {
		fw = hyp_framework[v->vm->id];
		hyp_framework[v->vm->id] = 0;
	}
	spin_unlock(&lock);
	reply(x, 0);
	x[2] = (uint32_t)sps;
	x[3] = sps >> 32;
	x[4] = (uint32_t)vms;
	x[5] = vms >> 32;
	x[7] = fw;
}

void ffa_notif_hyp_framework(struct vm *vm, uint32_t bits)
{
	spin_lock(&lock);
	hyp_framework[vm->id] |= bits;
	spin_unlock(&lock);
	raise_npi(vm, -1);
}

bool ffa_notif_call(struct vcpu *v, uint64_t *x)
{
	uint32_t fid = (uint32_t)x[0];
	switch (fid) {
	case FFA_NOTIFICATION_BITMAP_CREATE:
	case FFA_NOTIFICATION_BITMAP_DESTROY:
		/* Triad's to make and destroy: its own exists already, another's is refused. */
		if ((uint32_t)x[1] != ffa_id(v->vm))
			reply(x, refuse(v, "bitmap call", x[1]));
		else
			reply(x, FFA_DENIED);
		return true;
	case FFA_NOTIFICATION_BIND:
	case FFA_NOTIFICATION_UNBIND:
		bind(v, x, fid == FFA_NOTIFICATION_UNBIND);
		return true;
	case FFA_NOTIFICATION_SET:
		set(v, x);
		return true;
	case FFA_NOTIFICATION_GET:
		get(v, x);
		return true;
	case FFA_NOTIFICATION_INFO_GET:
	case FFA_NOTIFICATION_INFO_GET | FFA_SMC64:
		reply(x, FFA_NOT_SUPPORTED); /* the scheduler's: Triad's own */
		return true;
	}
	return false;
}

void ffa_notif_vm_loaded(struct vm *vm)
{
	unsigned vcpus = vm->ncpus < NOTIF_MAX_VCPUS ? vm->ncpus : NOTIF_MAX_VCPUS;
	spin_lock(&lock);
	vm_eps[vm->id] = (struct notif_ep){.id = ffa_id(vm), .vcpus = (uint16_t)vcpus};
	spin_unlock(&lock);
	if (!spmc_keeps)
		return;
	uint64_t r[8] = {FFA_NOTIFICATION_BITMAP_CREATE, ffa_id(vm), vcpus};
	bool ok = spmc_call(r) && (uint32_t)r[0] == FFA_SUCCESS;
	spmc_bitmap[vm->id] = ok;
	if (!ok && !spmc_full_told) {
		spmc_full_told = true;
		pr_info("VM '%s': the SPMC made no notification bitmap for it (error %d): "
			"partitions cannot notify it, nor later VMs like it",
			vm->name, (int)(uint32_t)r[2]);
	}
}

void ffa_notif_vm_reset(struct vm *vm)
{
	spin_lock(&lock);
	vm_eps[vm->id] = (struct notif_ep){0};
	hyp_framework[vm->id] = 0;
	spin_unlock(&lock);
	if (!spmc_bitmap[vm->id])
		return;
	spmc_bitmap[vm->id] = false;
	/* What partitions sent the old guest goes with it: the SPMC destroys only an empty
	 * bitmap. */
	for (unsigned try = 0; try < 2; try++) {
		for (unsigned c = 0; c < vm->ncpus && c < NOTIF_MAX_VCPUS; c++) {
			uint64_t g[8] = {FFA_NOTIFICATION_GET, c << 16 | ffa_id(vm),
					 FFA_NOTIF_GET_FROM_SP};
			spmc_call(g);
		}
		uint64_t r[8] = {FFA_NOTIFICATION_BITMAP_DESTROY, ffa_id(vm)};
		if (spmc_call(r) && (uint32_t)r[0] == FFA_SUCCESS)
			return;
	}
	pr_warn("VM '%s': the SPMC kept its notification bitmap", vm->name);
}
