/* The SPMC's FF-A notification calls (see notif_spmc.h): who may ask what, per side. */
#include "notif_spmc.h"
#include "spmc.h"

void spmc_notif_sp_added(struct spmc *s, unsigned i)
{
	s->notif.sp[i] = (struct notif_ep){.id = s->sp[i].m.id, .vcpus = s->sp[i].m.exec_ctx};
}

void spmc_notif_sp_restarted(struct spmc *s, unsigned i)
{
	/* Its new life binds afresh; what was pending for the old one is gone with it. */
	spin_lock(&s->notif.lock);
	notif_clear(&s->notif.sp[i]);
	spin_unlock(&s->notif.lock);
}

bool spmc_notif_features(uint64_t r[FFA_NREGS], bool from_sp)
{
	bool yes;
	uint32_t w2 = 0;
	switch ((uint32_t)r[1]) {
	case FFA_NOTIFICATION_BIND:
	case FFA_NOTIFICATION_UNBIND:
	case FFA_NOTIFICATION_SET:
	case FFA_NOTIFICATION_GET:
		yes = true;
		break;
	case FFA_NOTIFICATION_BITMAP_CREATE:
	case FFA_NOTIFICATION_BITMAP_DESTROY:
	case FFA_NOTIFICATION_INFO_GET:
	case FFA_NOTIFICATION_INFO_GET | FFA_SMC64:
		yes = !from_sp; /* the normal world's scheduler's and hypervisor's */
		break;
	case FFA_FEATURE_SRI:
		yes = !from_sp;
		w2 = SPMC_SRI_SGI;
		break;
	default:
		return false;
	}
	if (yes)
		ffa_set_success(r, w2, 0);
	else
		ffa_set_error(r, FFA_NOT_SUPPORTED);
	return true;
}

static struct notif_ep *sp_ep(struct spmc *s, uint16_t id)
{
	return notif_find(s->notif.sp, s->nr_sps, id);
}

static void answer(uint64_t r[FFA_NREGS], uint32_t err)
{
	if (err)
		ffa_set_error(r, err);
	else
		ffa_set_success(r, 0, 0);
}

/* GET's answer: SUCCESS, w2/w3 the bits from partitions, w4/w5 those from VMs (the
 * framework bitmaps, w6/w7, stay empty: no framework notification is sent here). */
static void get_answer(uint64_t r[FFA_NREGS], uint64_t sps, uint64_t vms)
{
	ffa_set_success(r, (uint32_t)sps, sps >> 32);
	r[4] = (uint32_t)vms;
	r[5] = vms >> 32;
}

static bool get_flags_ok(uint32_t flags)
{
	return !(flags & ~(FFA_NOTIF_GET_FROM_SP | FFA_NOTIF_GET_FROM_VM | FFA_NOTIF_GET_FROM_SPM |
			   FFA_NOTIF_GET_FROM_HYP));
}

/* Under the lock: the normal world's calls. Normal EL2 checked that a VM asks as itself. */
static void ns_call(struct spmc *s, uint32_t fid, uint64_t r[FFA_NREGS])
{
	uint16_t sender = (uint16_t)(r[1] >> 16), receiver = (uint16_t)r[1];
	uint64_t bits = (uint32_t)r[3] | r[4] << 32;
	struct notif_ep *vm, *sp;
	switch (fid) {
	case FFA_NOTIFICATION_BITMAP_CREATE:
		if (FFA_ID_IS_SECURE((uint16_t)r[1]) || (r[1] >> 16))
			answer(r, FFA_INVALID_PARAMETERS);
		else
			answer(r, notif_create(s->notif.vm, SPMC_NOTIF_VMS, (uint16_t)r[1],
					       (uint32_t)r[2]));
		return;
	case FFA_NOTIFICATION_BITMAP_DESTROY:
		if (FFA_ID_IS_SECURE((uint16_t)r[1]) || (r[1] >> 16))
			answer(r, FFA_INVALID_PARAMETERS);
		else
			answer(r, notif_destroy(s->notif.vm, SPMC_NOTIF_VMS, (uint16_t)r[1]));
		return;
	case FFA_NOTIFICATION_BIND:
	case FFA_NOTIFICATION_UNBIND:
		/* A VM binds a partition; VMs binding VMs is Normal EL2's business. */
		vm = FFA_ID_IS_SECURE(receiver) ? 0
						: notif_find(s->notif.vm, SPMC_NOTIF_VMS, receiver);
		if (!vm || !sp_ep(s, sender))
			answer(r, FFA_INVALID_PARAMETERS);
		else if (fid == FFA_NOTIFICATION_BIND)
			answer(r, notif_bind(vm, sender, (uint32_t)r[2], bits));
		else
			answer(r, r[2] ? FFA_INVALID_PARAMETERS : notif_unbind(vm, sender, bits));
		return;
	case FFA_NOTIFICATION_SET:
		/* A VM sets a partition's bits (the partition GETs them when it next runs). */
		sp = sp_ep(s, receiver);
		if (!sp || !sender || FFA_ID_IS_SECURE(sender))
			answer(r, FFA_INVALID_PARAMETERS);
		else
			answer(r, notif_set(sp, sender, (uint32_t)r[2], bits));
		return;
	case FFA_NOTIFICATION_GET: {
		/* What partitions sent a VM; its VMs' and the hypervisor's are not kept here. */
		vm = FFA_ID_IS_SECURE(receiver) ? 0
						: notif_find(s->notif.vm, SPMC_NOTIF_VMS, receiver);
		uint32_t flags = (uint32_t)r[2];
		uint64_t sps = 0, vms = 0;
		uint32_t err = !vm || !get_flags_ok(flags)
				   ? FFA_INVALID_PARAMETERS
				   : notif_get(vm, (uint32_t)r[1] >> 16,
					       flags & FFA_NOTIF_GET_FROM_SP, false, &sps, &vms);
		if (err)
			ffa_set_error(r, err);
		else
			get_answer(r, sps, 0);
		return;
	}
	case FFA_NOTIFICATION_INFO_GET:
	case FFA_NOTIFICATION_INFO_GET | FFA_SMC64:
		/* The VMs to run: partitions get theirs when they next run. */
		notif_info_get(s->notif.vm, SPMC_NOTIF_VMS, true, fid & FFA_SMC64, r);
		return;
	}
}

static bool is_notif_call(uint32_t fid)
{
	return (fid >= FFA_NOTIFICATION_BITMAP_CREATE && fid <= FFA_NOTIFICATION_INFO_GET) ||
	       fid == (FFA_NOTIFICATION_INFO_GET | FFA_SMC64);
}

bool spmc_notif_ns_call(struct spmc *s, uint64_t r[FFA_NREGS])
{
	uint32_t fid = (uint32_t)r[0];
	if (!is_notif_call(fid))
		return false;
	spin_lock(&s->notif.lock);
	ns_call(s, fid, r);
	spin_unlock(&s->notif.lock);
	return true;
}

/* Under the lock: partition i's calls, context ec on CPU cpu. It binds and gets as itself,
 * from a partition or a VM; it sets as itself, for a partition or a VM with a bitmap. */
static void sp_call(struct spmc *s, unsigned i, unsigned ec, unsigned cpu, uint32_t fid,
		    uint64_t r[FFA_NREGS])
{
	struct notif_ep *me = &s->notif.sp[i];
	uint16_t sender = (uint16_t)(r[1] >> 16), receiver = (uint16_t)r[1];
	uint64_t bits = (uint32_t)r[3] | r[4] << 32;
	switch (fid) {
	case FFA_NOTIFICATION_BIND:
	case FFA_NOTIFICATION_UNBIND: {
		bool sender_ok = FFA_ID_IS_SECURE(sender) ? sp_ep(s, sender) != 0 : sender != 0;
		if (receiver != me->id || !sender_ok)
			answer(r, FFA_INVALID_PARAMETERS);
		else if (fid == FFA_NOTIFICATION_BIND)
			answer(r, notif_bind(me, sender, (uint32_t)r[2], bits));
		else
			answer(r, r[2] ? FFA_INVALID_PARAMETERS : notif_unbind(me, sender, bits));
		return;
	}
	case FFA_NOTIFICATION_SET: {
		bool to_vm = !FFA_ID_IS_SECURE(receiver);
		struct notif_ep *to =
		    to_vm ? notif_find(s->notif.vm, SPMC_NOTIF_VMS, receiver) : sp_ep(s, receiver);
		uint32_t err = sender != me->id || !to || to == me
				   ? FFA_INVALID_PARAMETERS
				   : notif_set(to, sender, (uint32_t)r[2], bits);
		if (!err && to_vm && cpu < SP_MAX_EXEC_CTX)
			s->notif.sri[cpu] = true; /* Normal EL2 schedules the VM */
		answer(r, err);
		return;
	}
	case FFA_NOTIFICATION_GET: {
		/* Its own context's per-vCPU bits, and its global ones. */
		uint32_t flags = (uint32_t)r[2];
		uint64_t sps = 0, vms = 0;
		uint32_t err =
		    receiver != me->id || ((uint32_t)r[1] >> 16) != ec || !get_flags_ok(flags)
			? FFA_INVALID_PARAMETERS
			: notif_get(me, ec, flags & FFA_NOTIF_GET_FROM_SP,
				    flags & FFA_NOTIF_GET_FROM_VM, &sps, &vms);
		if (err)
			ffa_set_error(r, err);
		else
			get_answer(r, sps, vms);
		return;
	}
	default: /* BITMAP_CREATE/DESTROY, INFO_GET: the normal world's */
		ffa_set_error(r, FFA_NOT_SUPPORTED);
	}
}

bool spmc_notif_sp_call(struct spmc *s, unsigned i, unsigned ec, unsigned cpu,
			uint64_t r[FFA_NREGS])
{
	uint32_t fid = (uint32_t)r[0];
	if (!is_notif_call(fid))
		return false;
	spin_lock(&s->notif.lock);
	sp_call(s, i, ec, cpu, fid, r);
	spin_unlock(&s->notif.lock);
	return true;
}

bool spmc_notif_take_sri(struct spmc *s, unsigned cpu)
{
	if (cpu >= SP_MAX_EXEC_CTX || !__atomic_load_n(&s->notif.sri[cpu], __ATOMIC_RELAXED))
		return false;
	__atomic_store_n(&s->notif.sri[cpu], false, __ATOMIC_RELAXED);
	return true;
}
