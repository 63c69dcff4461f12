/* FF-A notification bitmaps, bindings and INFO_GET's lists (see notif.h). */
#include "notif.h"

struct notif_ep *notif_find(struct notif_ep *eps, unsigned n, uint16_t id)
{
	if (!id)
		return 0;
	for (unsigned i = 0; i < n; i++)
		if (eps[i].id == id)
			return &eps[i];
	return 0;
}

void notif_clear(struct notif_ep *e)
{
	uint16_t id = e->id, vcpus = e->vcpus;
	*e = (struct notif_ep){.id = id, .vcpus = vcpus};
}

uint32_t notif_create(struct notif_ep *eps, unsigned n, uint16_t id, unsigned vcpus)
{
	if (!id || !vcpus || vcpus > NOTIF_MAX_VCPUS)
		return FFA_INVALID_PARAMETERS;
	if (notif_find(eps, n, id))
		return FFA_DENIED; /* created already */
	for (unsigned i = 0; i < n; i++)
		if (!eps[i].id) {
			eps[i] = (struct notif_ep){.id = id, .vcpus = (uint16_t)vcpus};
			return 0;
		}
	return FFA_NO_MEMORY;
}

bool notif_any_pending(const struct notif_ep *e)
{
	uint64_t any = e->pending;
	for (unsigned v = 0; v < NOTIF_MAX_VCPUS; v++)
		any |= e->vcpu_pending[v];
	return any != 0;
}

uint32_t notif_destroy(struct notif_ep *eps, unsigned n, uint16_t id)
{
	struct notif_ep *e = notif_find(eps, n, id);
	if (!e)
		return FFA_INVALID_PARAMETERS;
	if (notif_any_pending(e))
		return FFA_DENIED;
	*e = (struct notif_ep){0};
	return 0;
}

uint32_t notif_bind(struct notif_ep *e, uint16_t sender, uint32_t flags, uint64_t bits)
{
	if (!sender || sender == e->id || !bits || (flags & ~FFA_NOTIF_PER_VCPU))
		return FFA_INVALID_PARAMETERS;
	bool per_vcpu = flags & FFA_NOTIF_PER_VCPU;
	for (unsigned b = 0; b < NOTIF_BITS; b++) {
		if (!(bits >> b & 1) || !e->sender[b])
			continue;
		if (e->sender[b] != sender || ((e->per_vcpu >> b & 1) != per_vcpu))
			return FFA_DENIED;
	}
	for (unsigned b = 0; b < NOTIF_BITS; b++)
		if (bits >> b & 1)
			e->sender[b] = sender;
	if (per_vcpu)
		e->per_vcpu |= bits;
	else
		e->per_vcpu &= ~bits;
	return 0;
}

/* The bits of e bound to sender. */
static uint64_t bound_to(const struct notif_ep *e, uint16_t sender)
{
	uint64_t bits = 0;
	for (unsigned b = 0; b < NOTIF_BITS; b++)
		if (e->sender[b] == sender)
			bits |= 1ULL << b;
	return bits;
}

/* Recomputes what INFO_GET has to report after bits were taken away. */
static void info_trim(struct notif_ep *e)
{
	if (!e->pending)
		e->info_global = false;
	for (unsigned v = 0; v < NOTIF_MAX_VCPUS; v++)
		if (!e->vcpu_pending[v])
			e->info_vcpus &= ~(1U << v);
}

uint32_t notif_unbind(struct notif_ep *e, uint16_t sender, uint64_t bits)
{
	if (!sender || !bits)
		return FFA_INVALID_PARAMETERS;
	if ((bits & bound_to(e, sender)) != bits)
		return FFA_DENIED;
	for (unsigned b = 0; b < NOTIF_BITS; b++)
		if (bits >> b & 1)
			e->sender[b] = 0;
	e->per_vcpu &= ~bits;
	e->pending &= ~bits;
	for (unsigned v = 0; v < NOTIF_MAX_VCPUS; v++)
		e->vcpu_pending[v] &= ~bits;
	info_trim(e);
	return 0;
}

uint32_t notif_set(struct notif_ep *e, uint16_t sender, uint32_t flags, uint64_t bits)
{
	bool per_vcpu = flags & FFA_NOTIF_PER_VCPU;
	unsigned vcpu = flags >> 16;
	if (!bits || (flags & ~(0xffff0000U | FFA_NOTIF_PER_VCPU | FFA_NOTIF_DELAY_SRI)))
		return FFA_INVALID_PARAMETERS;
	if (per_vcpu ? vcpu >= e->vcpus : vcpu != 0)
		return FFA_INVALID_PARAMETERS;
	if ((bits & bound_to(e, sender)) != bits)
		return FFA_DENIED;
	/* The kind is the binding's: a global SET of a per-vCPU bit, or the reverse, is wrong. */
	if (per_vcpu ? (bits & ~e->per_vcpu) : (bits & e->per_vcpu))
		return FFA_INVALID_PARAMETERS;
	if (per_vcpu) {
		e->vcpu_pending[vcpu] |= bits;
		e->info_vcpus |= 1U << vcpu;
	} else {
		e->pending |= bits;
		e->info_global = true;
	}
	return 0;
}

uint32_t notif_get(struct notif_ep *e, unsigned vcpu, bool want_sps, bool want_vms,
		   uint64_t *from_sps, uint64_t *from_vms)
{
	if (vcpu >= e->vcpus)
		return FFA_INVALID_PARAMETERS;
	uint64_t mine = e->pending | e->vcpu_pending[vcpu], sps = 0, vms = 0;
	for (unsigned b = 0; b < NOTIF_BITS; b++)
		if (mine >> b & 1) {
			if (FFA_ID_IS_SECURE(e->sender[b]))
				sps |= 1ULL << b;
			else
				vms |= 1ULL << b;
		}
	uint64_t taken = (want_sps ? sps : 0) | (want_vms ? vms : 0);
	e->pending &= ~taken;
	e->vcpu_pending[vcpu] &= ~taken;
	info_trim(e);
	*from_sps = want_sps ? sps : 0;
	*from_vms = want_vms ? vms : 0;
	return 0;
}

/* INFO_GET's answer being built: the packed IDs and the lists' sizes. */
struct info_lists {
	uint64_t *r;
	unsigned ids, max_ids, lists;
	bool wide;
};

static void put_id(struct info_lists *l, uint16_t id)
{
	unsigned per_reg = l->wide ? 4 : 2;
	l->r[3 + l->ids / per_reg] |= (uint64_t)id << (16 * (l->ids % per_reg));
	l->ids++;
}

/* Lists e (its vCPUs with per-vCPU bits, three to a list; else its ID alone) while there is
 * room; false when there was none for all of it. */
static bool list_endpoint(struct info_lists *l, struct notif_ep *e)
{
	if (!e->info_vcpus) {
		if (l->ids + 1 > l->max_ids || l->lists == NOTIF_INFO_LISTS)
			return false;
		put_id(l, e->id);
		l->lists++;
		e->info_global = false;
		return true;
	}
	while (e->info_vcpus) {
		if (l->ids + 2 > l->max_ids || l->lists == NOTIF_INFO_LISTS)
			return false;
		put_id(l, e->id);
		unsigned k = 0;
		while (e->info_vcpus && k < 3 && l->ids < l->max_ids) {
			unsigned v = (unsigned)__builtin_ctz(e->info_vcpus);
			put_id(l, (uint16_t)v);
			e->info_vcpus &= ~(1U << v);
			k++;
		}
		l->r[2] |= (uint64_t)k << (12 + 2 * l->lists);
		l->lists++;
	}
	/* Its global bits are for any of its vCPUs: those listed will take them. */
	e->info_global = false;
	return true;
}

void notif_info_get(struct notif_ep *eps, unsigned n, bool vms_only, bool wide,
		    uint64_t r[FFA_NREGS])
{
	for (int i = 0; i < FFA_NREGS; i++)
		r[i] = 0;
	struct info_lists l = {r, 0, wide ? NOTIF_INFO_IDS_64 : NOTIF_INFO_IDS_32, 0, wide};
	bool more = false;
	for (unsigned i = 0; i < n && !more; i++) {
		struct notif_ep *e = &eps[i];
		if (!e->id || (vms_only && FFA_ID_IS_SECURE(e->id)))
			continue;
		if ((e->info_global || e->info_vcpus) && !list_endpoint(&l, e))
			more = true;
	}
	if (!l.lists) {
		ffa_set_error(r, FFA_NO_DATA);
		return;
	}
	r[0] = wide ? FFA_SUCCESS64 : FFA_SUCCESS;
	r[2] |= (more ? FFA_NOTIF_INFO_MORE : 0) | (uint64_t)l.lists << 7;
}
