/*
 * The SPMC's memory sharing (mem_spmc.h): the hypervisor shares, lends or donates pages of
 * its VMs to partitions; a partition retrieves them (mapped into its Non-secure IPA space,
 * IPA = PA, with no more than it was granted) and relinquishes them; the hypervisor
 * reclaims them once no partition holds them. Every call is checked from both sides:
 * descriptors are copied once into the SPMC's memory and parsed there (mem_desc.c); handles
 * carry the record's slot and random bits, and every use checks the slot holds that handle
 * and the caller is its owner or a receiver.
 */
#include <string.h>

#include "mem_spmc.h"

static void lock(struct spmc_mem *m)
{
	while (__atomic_exchange_n(&m->lock, 1, __ATOMIC_ACQUIRE))
		;
}

static void unlock(struct spmc_mem *m)
{
	__atomic_store_n(&m->lock, 0, __ATOMIC_RELEASE);
}

static bool is_mem_fid(uint32_t fid)
{
	switch (fid & ~FFA_SMC64) {
	case FFA_MEM_DONATE:
	case FFA_MEM_LEND:
	case FFA_MEM_SHARE:
	case FFA_MEM_RETRIEVE_REQ:
		return true;
	}
	return fid == FFA_MEM_RELINQUISH || fid == FFA_MEM_RECLAIM || fid == FFA_RXTX_MAP ||
	       fid == (FFA_RXTX_MAP | FFA_SMC64) || fid == FFA_RXTX_UNMAP || fid == FFA_RX_RELEASE;
}

/* FFA_FEATURES for what this file answers: from the normal world the sender's calls, from
 * a partition the receiver's. */
static bool features(uint64_t r[FFA_NREGS], bool from_sp)
{
	uint32_t fid = (uint32_t)r[1];
	if (!is_mem_fid(fid))
		return false;
	uint32_t base = fid & ~FFA_SMC64;
	bool receiver_side = base == FFA_MEM_RETRIEVE_REQ || fid == FFA_MEM_RELINQUISH;
	bool sender_side = base == FFA_MEM_DONATE || base == FFA_MEM_LEND ||
			   base == FFA_MEM_SHARE || fid == FFA_MEM_RECLAIM;
	if ((from_sp && sender_side) || (!from_sp && receiver_side))
		ffa_set_error(r, FFA_NOT_SUPPORTED);
	else
		ffa_set_success(r, 0, 0); /* RXTX_MAP: w2 0, 4 KiB granules */
	return true;
}

static uint16_t sp_id(const struct spmc *s, unsigned i)
{
	return s->sp[i].m.id;
}

static bool find_sp(const struct spmc *s, uint16_t id, unsigned *i)
{
	for (unsigned k = 0; k < s->nr_sps; k++)
		if (s->sp[k].m.id == id) {
			*i = k;
			return true;
		}
	return false;
}

static void *buf_ptr(struct spmc_mem *m, int sp, uint64_t addr, uint64_t len)
{
	return sp < 0 ? m->ops->ns_ptr(addr, len) : m->ops->sp_ptr((unsigned)sp, addr, len);
}

/* FFA_RXTX_MAP: x1 TX, x2 RX, w3[5:0] pages; both in the caller's memory (sp < 0: the
 * hypervisor's, Non-secure DRAM), page aligned, apart. */
static void rxtx_map(struct spmc_mem *m, struct spmc_mem_buf *b, int sp, uint64_t r[FFA_NREGS])
{
	uint64_t tx = r[1], rx = r[2];
	uint32_t pages = (uint32_t)r[3] & 0x3f;
	uint64_t len = (uint64_t)pages * FFA_MEM_PAGE;
	if (!pages || pages > SPMC_MEM_MAX_BUF_PAGES || ((uint32_t)r[3] >> 6) ||
	    (tx | rx) % FFA_MEM_PAGE || (tx < rx + len && rx < tx + len) ||
	    !buf_ptr(m, sp, tx, len) || !buf_ptr(m, sp, rx, len)) {
		ffa_set_error(r, FFA_INVALID_PARAMETERS);
		return;
	}
	if (b->pages) {
		ffa_set_error(r, FFA_DENIED); /* unmap first */
		return;
	}
	*b = (struct spmc_mem_buf){.tx = tx, .rx = rx, .pages = pages};
	ffa_set_success(r, 0, 0);
}

/* FFA_RXTX_UNMAP: w1[31:16] the endpoint, 0 for the caller itself (the hypervisor does not
 * unmap its VMs' here: they have none with the SPMC). */
static void rxtx_unmap(struct spmc_mem_buf *b, uint16_t self, uint64_t r[FFA_NREGS])
{
	uint16_t id = (uint16_t)(r[1] >> 16);
	if ((id != 0 && id != self) || !b->pages) {
		ffa_set_error(r, FFA_INVALID_PARAMETERS);
		return;
	}
	*b = (struct spmc_mem_buf){0};
	ffa_set_success(r, 0, 0);
}

static void rx_release(struct spmc_mem_buf *b, uint64_t r[FFA_NREGS])
{
	if (!b->pages || !b->rx_full) {
		ffa_set_error(r, FFA_DENIED);
		return;
	}
	b->rx_full = false;
	ffa_set_success(r, 0, 0);
}

/* The descriptor of a SHARE/LEND/DONATE or RETRIEVE_REQ: w1 total length, w2 fragment
 * length, x3 address and w4 pages zero (the TX buffer). Copied once into m->copy from the
 * caller's TX buffer; 0 or an error. */
static uint32_t copy_tx(struct spmc_mem *m, const struct spmc_mem_buf *b, int sp,
			const uint64_t r[FFA_NREGS], uint32_t *len)
{
	uint32_t total = (uint32_t)r[1], frag = (uint32_t)r[2];
	if (!b->pages)
		return FFA_DENIED;
	if (r[3] || (uint32_t)r[4] || !total || total != frag ||
	    total > (uint64_t)b->pages * FFA_MEM_PAGE)
		return FFA_INVALID_PARAMETERS; /* one fragment, in the TX buffer */
	if (total > SPMC_MEM_COPY)
		return FFA_NO_MEMORY;
	const void *src = buf_ptr(m, sp, b->tx, total);
	if (!src)
		return FFA_INVALID_PARAMETERS;
	memcpy(m->copy, src, total);
	*len = total;
	return 0;
}

static bool overlaps(const struct ffa_mem_region *a, const struct ffa_mem_region *b)
{
	for (unsigned i = 0; i < a->nr_ranges; i++)
		for (unsigned j = 0; j < b->nr_ranges; j++) {
			const struct ffa_mem_range *x = &a->range[i], *y = &b->range[j];
			if (x->addr < y->addr + y->pages * FFA_MEM_PAGE &&
			    y->addr < x->addr + x->pages * FFA_MEM_PAGE)
				return true;
		}
	return false;
}

static struct spmc_mem_share *find_share(struct spmc_mem *m, uint64_t handle)
{
	uint64_t slot = (handle & 0xff) - 1;
	if (slot >= SPMC_MEM_MAX_SHARES || !handle || m->share[slot].handle != handle)
		return 0;
	return &m->share[slot];
}

/* FFA_MEM_SHARE/LEND/DONATE from the hypervisor, for one of its VMs. */
static void mem_send(struct spmc_mem *m, const struct spmc *s, enum ffa_mem_kind kind,
		     uint64_t r[FFA_NREGS])
{
	uint32_t len, err = copy_tx(m, &m->hyp, -1, r, &len);
	struct spmc_mem_share sh = {.kind = kind};
	if (!err)
		err = ffa_mem_parse_tx(m->copy, len, kind, &sh.r);
	/* From a VM (never the hypervisor itself, nor the secure world), to partitions, of the
	 * normal world's DRAM. */
	if (!err && (sh.r.sender == FFA_HYPERVISOR_ID || FFA_ID_IS_SECURE(sh.r.sender)))
		err = FFA_INVALID_PARAMETERS;
	for (unsigned k = 0; !err && k < sh.r.nr_receivers; k++)
		if (!find_sp(s, sh.r.receiver[k].id, &sh.sp_index[k]))
			err = FFA_INVALID_PARAMETERS;
	for (unsigned k = 0; !err && k < sh.r.nr_ranges; k++)
		if (!m->ops->ns_ptr(sh.r.range[k].addr, sh.r.range[k].pages * FFA_MEM_PAGE))
			err = FFA_INVALID_PARAMETERS;
	if (err) {
		ffa_set_error(r, err);
		return;
	}
	/* Lent or donated pages are one transaction's only; shared ones may be shared again. */
	int free_slot = -1;
	for (unsigned k = 0; k < SPMC_MEM_MAX_SHARES; k++) {
		const struct spmc_mem_share *o = &m->share[k];
		if (!o->handle) {
			if (free_slot < 0)
				free_slot = (int)k;
			continue;
		}
		if ((kind != FFA_MEM_KIND_SHARE || o->kind != FFA_MEM_KIND_SHARE) &&
		    overlaps(&o->r, &sh.r)) {
			ffa_set_error(r, FFA_DENIED);
			return;
		}
	}
	if (free_slot < 0) {
		ffa_set_error(r, FFA_NO_MEMORY);
		return;
	}
	/* Bit 63 clear: the SPMC allocated it. The slot in the low byte, random bits above. */
	sh.handle = (m->ops->random() << 8 & ~FFA_MEM_HANDLE_HYP) | (uint64_t)(free_slot + 1);
	sh.r.handle = sh.handle;
	m->share[free_slot] = sh;
	ffa_set_success(r, (uint32_t)sh.handle, sh.handle >> 32);
}

/* FFA_MEM_RECLAIM: w1/w2 the handle, w3 flags (zeroing is not offered: 0). Only once no
 * partition holds it; donated memory is not the owner's any more. */
static void reclaim(struct spmc_mem *m, uint64_t r[FFA_NREGS])
{
	struct spmc_mem_share *sh = find_share(m, (uint32_t)r[1] | r[2] << 32);
	if (!sh || (uint32_t)r[3]) {
		ffa_set_error(r, FFA_INVALID_PARAMETERS);
		return;
	}
	bool held = sh->kind == FFA_MEM_KIND_DONATE;
	for (unsigned k = 0; k < sh->r.nr_receivers; k++)
		held |= sh->retrieved[k];
	if (held) {
		ffa_set_error(r, FFA_DENIED);
		return;
	}
	*sh = (struct spmc_mem_share){0};
	ffa_set_success(r, 0, 0);
}

/* What a retriever gets: what it asks for (unspecified data access: what it was granted),
 * never more than it was granted; executable only if asked and granted (a donation is
 * the receiver's to use as it likes). 0xff: more than granted. */
static uint8_t retrieve_perm(const struct spmc_mem_share *sh, unsigned k, uint8_t want)
{
	bool donate = sh->kind == FFA_MEM_KIND_DONATE;
	uint8_t granted = donate ? FFA_MEM_DATA_RW | FFA_MEM_INSTR_X : sh->r.receiver[k].perm;
	uint8_t data = want & FFA_MEM_DATA_MASK, gdata = granted & FFA_MEM_DATA_MASK;
	if (!data)
		data = gdata;
	if (data == FFA_MEM_DATA_RW && gdata != FFA_MEM_DATA_RW)
		return 0xff;
	uint8_t instr = want & (3U << FFA_MEM_INSTR_SHIFT);
	if (instr == FFA_MEM_INSTR_X && (granted & (3U << FFA_MEM_INSTR_SHIFT)) != FFA_MEM_INSTR_X)
		return 0xff;
	return (uint8_t)(data | (instr == FFA_MEM_INSTR_X ? FFA_MEM_INSTR_X : FFA_MEM_INSTR_NX));
}

static void unmap_share(struct spmc_mem *m, const struct spmc_mem_share *sh, unsigned sp,
			unsigned upto)
{
	for (unsigned k = 0; k < upto; k++)
		m->ops->unmap(sp, sh->r.range[k].addr, sh->r.range[k].pages);
}

/* FFA_MEM_RETRIEVE_REQ from partition i: its TX buffer holds the request, its RX buffer
 * gets the response. */
static void retrieve(struct spmc_mem *m, const struct spmc *s, unsigned i, uint64_t r[FFA_NREGS])
{
	struct spmc_mem_buf *b = &m->sp[i];
	struct ffa_mem_region q;
	uint32_t len, err = copy_tx(m, b, (int)i, r, &len);
	if (!err)
		err = ffa_mem_parse_retrieve_req(m->copy, len, &q);
	if (err) {
		ffa_set_error(r, err);
		return;
	}
	struct spmc_mem_share *sh = find_share(m, q.handle);
	unsigned k = FFA_MEM_MAX_RECEIVERS;
	if (sh)
		for (unsigned j = 0; j < sh->r.nr_receivers; j++)
			if (sh->r.receiver[j].id == sp_id(s, i))
				k = j;
	uint32_t type = (q.flags & FFA_MEM_FLAG_TYPE_MASK) >> FFA_MEM_FLAG_TYPE_SHIFT;
	if ((!sh || k == FFA_MEM_MAX_RECEIVERS || q.receiver[0].id != sp_id(s, i) ||
	     q.sender != sh->r.sender || q.tag != sh->r.tag || (type && type != sh->kind) ||
	     (q.attrs && q.attrs != sh->r.attrs)))
		err = FFA_INVALID_PARAMETERS;
	uint8_t perm = err ? 0 : retrieve_perm(sh, k, q.receiver[0].perm);
	if (!err && (perm == 0xff || sh->retrieved[k]))
		err = FFA_DENIED;
	if (!err && b->rx_full)
		err = FFA_BUSY;
	void *rx = err ? 0 : buf_ptr(m, (int)i, b->rx, (uint64_t)b->pages * FFA_MEM_PAGE);
	if (!err && !rx)
		err = FFA_INVALID_PARAMETERS;
	if (err) {
		ffa_set_error(r, err);
		return;
	}
	unsigned mapped = 0;
	while (mapped < sh->r.nr_ranges &&
	       m->ops->map(i, sh->r.range[mapped].addr, sh->r.range[mapped].pages, perm))
		mapped++;
	/* The answer: the transaction as this receiver has it, in its layout, the NS bit set
	 * (the memory is the normal world's). */
	struct ffa_mem_region resp = sh->r;
	resp.attrs = (sh->r.attrs ? sh->r.attrs : FFA_MEM_ATTR_NORMAL_WB_IS) | FFA_MEM_ATTR_NS;
	resp.flags = (uint32_t)sh->kind << FFA_MEM_FLAG_TYPE_SHIFT;
	resp.ep_size = q.ep_size;
	resp.nr_receivers = 1;
	resp.receiver[0] = (struct ffa_mem_receiver){sp_id(s, i), perm, 0};
	uint32_t n = mapped == sh->r.nr_ranges
			 ? ffa_mem_build(rx, b->pages * (uint32_t)FFA_MEM_PAGE, &resp)
			 : 0;
	if (!n) {
		unmap_share(m, sh, i, mapped);
		ffa_set_error(r, FFA_NO_MEMORY);
		return;
	}
	sh->retrieved[k] = true;
	b->rx_full = true;
	for (int j = 0; j < FFA_NREGS; j++)
		r[j] = 0;
	r[0] = FFA_MEM_RETRIEVE_RESP;
	r[1] = n;
	r[2] = n;
}

/* FFA_MEM_RELINQUISH from partition i: the descriptor in its TX buffer names the handle and
 * itself. A donation is its own now: nothing to give back. */
static void relinquish(struct spmc_mem *m, const struct spmc *s, unsigned i, uint64_t r[FFA_NREGS])
{
	struct spmc_mem_buf *b = &m->sp[i];
	struct ffa_mem_relinquish d;
	const uint32_t len = FFA_MEM_RELINQUISH_HDR + 2;
	const void *src = b->pages ? buf_ptr(m, (int)i, b->tx, len) : 0;
	uint32_t err = !b->pages ? FFA_DENIED : !src ? FFA_INVALID_PARAMETERS : 0;
	for (int j = 1; !err && j < 8; j++)
		if (r[j])
			err = FFA_INVALID_PARAMETERS;
	if (!err) {
		memcpy(m->copy, src, len);
		err = ffa_mem_parse_relinquish(m->copy, len, &d);
	}
	struct spmc_mem_share *sh = err ? 0 : find_share(m, d.handle);
	unsigned k = FFA_MEM_MAX_RECEIVERS;
	if (sh)
		for (unsigned j = 0; j < sh->r.nr_receivers; j++)
			if (sh->r.receiver[j].id == sp_id(s, i))
				k = j;
	if (!err && (!sh || d.endpoint != sp_id(s, i) || k == FFA_MEM_MAX_RECEIVERS))
		err = FFA_INVALID_PARAMETERS;
	if (!err && (!sh->retrieved[k] || sh->kind == FFA_MEM_KIND_DONATE))
		err = FFA_DENIED;
	if (err) {
		ffa_set_error(r, err);
		return;
	}
	unmap_share(m, sh, i, sh->r.nr_ranges);
	sh->retrieved[k] = false;
	ffa_set_success(r, 0, 0);
}

bool spmc_mem_ns_call(struct spmc_mem *m, const struct spmc *s, uint64_t r[FFA_NREGS])
{
	uint32_t fid = (uint32_t)r[0];
	if (fid == FFA_FEATURES)
		return features(r, false);
	if (!is_mem_fid(fid) || (fid & ~FFA_SMC64) == FFA_MEM_RETRIEVE_REQ ||
	    fid == FFA_MEM_RELINQUISH)
		return false;
	ffa_smc32_args(r);
	lock(m);
	switch (fid & ~FFA_SMC64) {
	case FFA_RXTX_MAP:
		rxtx_map(m, &m->hyp, -1, r);
		break;
	case FFA_RXTX_UNMAP:
		rxtx_unmap(&m->hyp, FFA_HYPERVISOR_ID, r);
		break;
	case FFA_RX_RELEASE:
		rx_release(&m->hyp, r);
		break;
	case FFA_MEM_SHARE:
		mem_send(m, s, FFA_MEM_KIND_SHARE, r);
		break;
	case FFA_MEM_LEND:
		mem_send(m, s, FFA_MEM_KIND_LEND, r);
		break;
	case FFA_MEM_DONATE:
		mem_send(m, s, FFA_MEM_KIND_DONATE, r);
		break;
	case FFA_MEM_RECLAIM:
		reclaim(m, r);
		break;
	}
	unlock(m);
	return true;
}

bool spmc_mem_sp_call(struct spmc_mem *m, const struct spmc *s, unsigned i, uint64_t r[FFA_NREGS])
{
	uint32_t fid = (uint32_t)r[0];
	if (fid == FFA_FEATURES)
		return features(r, true);
	uint32_t base = fid & ~FFA_SMC64;
	if (!is_mem_fid(fid) || base == FFA_MEM_SHARE || base == FFA_MEM_LEND ||
	    base == FFA_MEM_DONATE || fid == FFA_MEM_RECLAIM)
		return false; /* a partition shares nothing here (yet): the SPMC says so */
	ffa_smc32_args(r);
	lock(m);
	switch (base) {
	case FFA_RXTX_MAP:
		rxtx_map(m, &m->sp[i], (int)i, r);
		break;
	case FFA_RXTX_UNMAP:
		rxtx_unmap(&m->sp[i], sp_id(s, i), r);
		break;
	case FFA_RX_RELEASE:
		rx_release(&m->sp[i], r);
		break;
	case FFA_MEM_RETRIEVE_REQ:
		retrieve(m, s, i, r);
		break;
	case FFA_MEM_RELINQUISH:
		relinquish(m, s, i, r);
		break;
	}
	unlock(m);
	return true;
}

void spmc_mem_sp_reset(struct spmc_mem *m, unsigned i)
{
	lock(m);
	for (unsigned n = 0; n < SPMC_MEM_MAX_SHARES; n++) {
		struct spmc_mem_share *sh = &m->share[n];
		for (unsigned k = 0; sh->handle && k < sh->r.nr_receivers; k++)
			if (sh->sp_index[k] == i && sh->retrieved[k]) {
				unmap_share(m, sh, i, sh->r.nr_ranges);
				sh->retrieved[k] = false;
			}
	}
	m->sp[i] = (struct spmc_mem_buf){0};
	unlock(m);
}
