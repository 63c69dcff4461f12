/*
 * FF-A memory transaction descriptors (include/triad/ffa_mem.h): parsed from a copy the
 * caller made once from an endpoint's TX buffer, every field checked before anything of it
 * is believed, and built for the other side. Pure logic on bytes (little-endian, any
 * alignment): the SPMC at Secure EL2, Normal EL2, the host tests and the fuzzer share it.
 *
 * What Triad accepts beyond the spec's musts (docs/secure.md, "Memory sharing"): Normal
 * write-back inner-shareable memory only (as Hafnium), one fragment, no time slicing, at
 * most FFA_MEM_MAX_RECEIVERS receivers and FFA_MEM_MAX_RANGES constituents, a descriptor
 * exactly as long as its parts, retrieve requests of one receiver.
 */
#include <triad/ffa.h>
#include <triad/ffa_mem.h>

static uint16_t ld16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t ld32(const uint8_t *p)
{
	return (uint32_t)ld16(p) | (uint32_t)ld16(p + 2) << 16;
}

static uint64_t ld64(const uint8_t *p)
{
	return (uint64_t)ld32(p) | (uint64_t)ld32(p + 4) << 32;
}

static void st16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void st32(uint8_t *p, uint32_t v)
{
	st16(p, (uint16_t)v);
	st16(p + 2, (uint16_t)(v >> 16));
}

static void st64(uint8_t *p, uint64_t v)
{
	st32(p, (uint32_t)v);
	st32(p + 4, (uint32_t)(v >> 32));
}

static bool all_zero(const uint8_t *p, uint32_t n)
{
	for (uint32_t k = 0; k < n; k++)
		if (p[k])
			return false;
	return true;
}

/* Attributes a sender or retriever may give: Normal WB inner-shareable, or (may_omit) none. */
static bool attrs_ok(uint16_t attrs, bool may_omit)
{
	return attrs == FFA_MEM_ATTR_NORMAL_WB_IS || (may_omit && attrs == 0);
}

/* Permissions the owner grants in a transaction of this kind (FF-A 1.1 table 10.15's rules):
 * SHARE and LEND name RO or RW, DONATE neither (the receiver becomes the owner); execution
 * only in a LEND to one borrower, unspecified (not executable) otherwise. */
static bool grant_ok(uint8_t perm, enum ffa_mem_kind kind, unsigned receivers)
{
	uint8_t data = perm & FFA_MEM_DATA_MASK, instr = perm & (3U << FFA_MEM_INSTR_SHIFT);
	if (perm & 0xf0U)
		return false;
	if (kind == FFA_MEM_KIND_DONATE)
		return data == 0 && instr == 0;
	if (data != FFA_MEM_DATA_RO && data != FFA_MEM_DATA_RW)
		return false;
	if (kind == FFA_MEM_KIND_SHARE)
		return instr == 0;
	return instr == 0 || instr == FFA_MEM_INSTR_NX ||
	       (instr == FFA_MEM_INSTR_X && receivers == 1);
}

/* The header: sender, attributes, flags, handle, tag, endpoint descriptors' size, count and
 * offset, 12 reserved bytes; the endpoint array inside len, past the header, 16-aligned. */
static uint32_t parse_header(const uint8_t *b, uint32_t len, struct ffa_mem_region *out,
			     uint32_t *ep_offset)
{
	if (len < FFA_MEM_HDR_SIZE)
		return FFA_INVALID_PARAMETERS;
	out->sender = ld16(b);
	out->attrs = ld16(b + 2);
	out->flags = ld32(b + 4);
	out->handle = ld64(b + 8);
	out->tag = ld64(b + 16);
	out->ep_size = ld32(b + 24);
	uint32_t count = ld32(b + 28), off = ld32(b + 32);
	if (!all_zero(b + 36, 12) ||
	    (out->ep_size != FFA_MEM_EP_SIZE_1_1 && out->ep_size != FFA_MEM_EP_SIZE_1_2))
		return FFA_INVALID_PARAMETERS;
	if (count == 0)
		return FFA_INVALID_PARAMETERS;
	if (count > FFA_MEM_MAX_RECEIVERS)
		return FFA_NO_MEMORY;
	/* 64-bit sums: count * size is small, off is anything. */
	if (off < FFA_MEM_HDR_SIZE || off % 16 || (uint64_t)off + count * out->ep_size > len)
		return FFA_INVALID_PARAMETERS;
	out->nr_receivers = count;
	*ep_offset = off;
	return 0;
}

/* One endpoint memory access descriptor: ID, permissions, flags (bit 0 "non-retrieval
 * borrower", which Triad does not take: every borrower retrieves), composite offset, then
 * zero (1.1: 8 reserved bytes; 1.2: 16 implementation-defined, which Triad defines as zero,
 * and 8 reserved). */
static uint32_t parse_receiver(const uint8_t *e, uint32_t ep_size, struct ffa_mem_receiver *r,
			       uint32_t *composite)
{
	r->id = ld16(e);
	r->perm = e[2];
	r->flags = e[3];
	*composite = ld32(e + 4);
	if (r->flags || !all_zero(e + 8, ep_size - 8))
		return FFA_INVALID_PARAMETERS;
	return 0;
}

/* Whether receiver k's ID appears before it. */
static bool duplicate(const struct ffa_mem_region *r, unsigned k)
{
	for (unsigned j = 0; j < k; j++)
		if (r->receiver[j].id == r->receiver[k].id)
			return true;
	return false;
}

/* The composite descriptor at off and its constituents, filling len exactly. */
static uint32_t parse_composite(const uint8_t *b, uint32_t len, uint32_t off,
				struct ffa_mem_region *out)
{
	if (off % 8 || (uint64_t)off + FFA_MEM_COMPOSITE_SIZE > len)
		return FFA_INVALID_PARAMETERS;
	const uint8_t *c = b + off;
	out->total_pages = ld32(c);
	uint32_t count = ld32(c + 4);
	if (ld64(c + 8) || count == 0 || out->total_pages == 0)
		return FFA_INVALID_PARAMETERS;
	if ((uint64_t)off + FFA_MEM_COMPOSITE_SIZE + (uint64_t)count * FFA_MEM_CONSTITUENT_SIZE !=
	    len)
		return FFA_INVALID_PARAMETERS;
	if (count > FFA_MEM_MAX_RANGES)
		return FFA_NO_MEMORY;
	uint64_t sum = 0;
	for (uint32_t k = 0; k < count; k++) {
		const uint8_t *e = c + FFA_MEM_COMPOSITE_SIZE + k * FFA_MEM_CONSTITUENT_SIZE;
		uint64_t addr = ld64(e);
		uint32_t pages = ld32(e + 8);
		if (ld32(e + 12) || addr % FFA_MEM_PAGE || pages == 0 ||
		    addr + pages * FFA_MEM_PAGE <= addr) /* reaches or wraps past 2^64 */
			return FFA_INVALID_PARAMETERS;
		for (uint32_t j = 0; j < k; j++) {
			const struct ffa_mem_range *o = &out->range[j];
			if (addr < o->addr + o->pages * FFA_MEM_PAGE &&
			    o->addr < addr + pages * FFA_MEM_PAGE)
				return FFA_INVALID_PARAMETERS; /* overlapping ranges */
		}
		out->range[k] = (struct ffa_mem_range){addr, pages};
		sum += pages;
	}
	out->nr_ranges = count;
	if (sum != out->total_pages)
		return FFA_INVALID_PARAMETERS;
	if (sum > FFA_MEM_MAX_PAGES)
		return FFA_NO_MEMORY;
	return 0;
}

uint32_t ffa_mem_parse_tx(const void *buf, uint32_t len, enum ffa_mem_kind kind,
			  struct ffa_mem_region *out)
{
	const uint8_t *b = buf;
	uint32_t ep_off, err = parse_header(b, len, out, &ep_off);
	if (err)
		return err;
	/* Zeroing is for LEND and DONATE only; no time slicing; nothing else in the flags. */
	uint32_t may = kind == FFA_MEM_KIND_SHARE ? 0 : FFA_MEM_FLAG_ZERO;
	if (out->handle != 0 || (out->flags & ~may) ||
	    !attrs_ok(out->attrs, kind != FFA_MEM_KIND_SHARE))
		return FFA_INVALID_PARAMETERS;
	uint32_t composite = 0;
	for (unsigned k = 0; k < out->nr_receivers; k++) {
		uint32_t mine;
		struct ffa_mem_receiver *r = &out->receiver[k];
		err = parse_receiver(b + ep_off + k * out->ep_size, out->ep_size, r, &mine);
		if (err)
			return err;
		if (!grant_ok(r->perm, kind, out->nr_receivers) || duplicate(out, k) ||
		    r->id == out->sender || (k && mine != composite))
			return FFA_INVALID_PARAMETERS;
		composite = mine;
	}
	/* DONATE has one receiver: the new owner. */
	if (kind == FFA_MEM_KIND_DONATE && out->nr_receivers != 1)
		return FFA_INVALID_PARAMETERS;
	/* The composite comes after the endpoint array, never over it or the header. */
	if (composite < ep_off + out->nr_receivers * out->ep_size)
		return FFA_INVALID_PARAMETERS;
	return parse_composite(b, len, composite, out);
}

uint32_t ffa_mem_parse_retrieve_req(const void *buf, uint32_t len, struct ffa_mem_region *out)
{
	const uint8_t *b = buf;
	uint32_t ep_off, err = parse_header(b, len, out, &ep_off);
	if (err)
		return err;
	uint32_t composite;
	if (out->handle == 0 || out->nr_receivers != 1 || (out->flags & ~FFA_MEM_FLAG_TYPE_MASK) ||
	    !attrs_ok(out->attrs, true) || len != ep_off + out->ep_size)
		return FFA_INVALID_PARAMETERS;
	err = parse_receiver(b + ep_off, out->ep_size, &out->receiver[0], &composite);
	if (err)
		return err;
	uint8_t perm = out->receiver[0].perm;
	if (composite != 0 || (perm & 0xf0U) || (perm & FFA_MEM_DATA_MASK) == 3 ||
	    (perm >> FFA_MEM_INSTR_SHIFT) == 3)
		return FFA_INVALID_PARAMETERS;
	out->total_pages = 0;
	out->nr_ranges = 0;
	return 0;
}

uint32_t ffa_mem_parse_relinquish(const void *buf, uint32_t len, struct ffa_mem_relinquish *out)
{
	const uint8_t *b = buf;
	if (len != FFA_MEM_RELINQUISH_HDR + 2)
		return FFA_INVALID_PARAMETERS;
	out->handle = ld64(b);
	out->flags = ld32(b + 8);
	uint32_t count = ld32(b + 12);
	out->endpoint = ld16(b + 16);
	if (out->handle == 0 || out->flags != 0 || count != 1)
		return FFA_INVALID_PARAMETERS;
	return 0;
}

/* The header and the endpoint array (each receiver's composite offset: composite). */
static void build_head(uint8_t *b, const struct ffa_mem_region *r, uint32_t composite)
{
	st16(b, r->sender);
	st16(b + 2, r->attrs);
	st32(b + 4, r->flags);
	st64(b + 8, r->handle);
	st64(b + 16, r->tag);
	st32(b + 24, r->ep_size);
	st32(b + 28, r->nr_receivers);
	st32(b + 32, FFA_MEM_HDR_SIZE);
	for (unsigned k = 36; k < FFA_MEM_HDR_SIZE; k++)
		b[k] = 0;
	for (unsigned k = 0; k < r->nr_receivers; k++) {
		uint8_t *e = b + FFA_MEM_HDR_SIZE + k * r->ep_size;
		st16(e, r->receiver[k].id);
		e[2] = r->receiver[k].perm;
		e[3] = r->receiver[k].flags;
		st32(e + 4, composite);
		for (unsigned j = 8; j < r->ep_size; j++)
			e[j] = 0;
	}
}

uint32_t ffa_mem_build(void *buf, uint32_t cap, const struct ffa_mem_region *r)
{
	uint8_t *b = buf;
	if ((r->ep_size != FFA_MEM_EP_SIZE_1_1 && r->ep_size != FFA_MEM_EP_SIZE_1_2) ||
	    r->nr_receivers > FFA_MEM_MAX_RECEIVERS || r->nr_ranges > FFA_MEM_MAX_RANGES)
		return 0;
	uint32_t composite = FFA_MEM_HDR_SIZE + r->nr_receivers * r->ep_size;
	uint32_t len = composite + FFA_MEM_COMPOSITE_SIZE + r->nr_ranges * FFA_MEM_CONSTITUENT_SIZE;
	if (len > cap)
		return 0;
	build_head(b, r, composite);
	uint8_t *c = b + composite;
	st32(c, r->total_pages);
	st32(c + 4, r->nr_ranges);
	st64(c + 8, 0);
	for (unsigned k = 0; k < r->nr_ranges; k++) {
		uint8_t *e = c + FFA_MEM_COMPOSITE_SIZE + k * FFA_MEM_CONSTITUENT_SIZE;
		st64(e, r->range[k].addr);
		st32(e + 8, r->range[k].pages);
		st32(e + 12, 0);
	}
	return len;
}

uint32_t ffa_mem_build_retrieve_req(void *buf, uint32_t cap, const struct ffa_mem_region *r)
{
	if ((r->ep_size != FFA_MEM_EP_SIZE_1_1 && r->ep_size != FFA_MEM_EP_SIZE_1_2) ||
	    r->nr_receivers > FFA_MEM_MAX_RECEIVERS)
		return 0;
	uint32_t len = FFA_MEM_HDR_SIZE + r->nr_receivers * r->ep_size;
	if (len > cap)
		return 0;
	build_head(buf, r, 0);
	return len;
}

uint32_t ffa_mem_build_relinquish(void *buf, uint32_t cap, const struct ffa_mem_relinquish *d)
{
	uint8_t *b = buf;
	if (cap < FFA_MEM_RELINQUISH_HDR + 2)
		return 0;
	st64(b, d->handle);
	st32(b + 8, d->flags);
	st32(b + 12, 1);
	st16(b + 16, d->endpoint);
	return FFA_MEM_RELINQUISH_HDR + 2;
}
