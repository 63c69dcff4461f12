/*
 * A realm's translation tables and memory (RMM 1.0, B4.3.12-B4.3.16, B4.3.2-B4.3.4). The
 * RTTs are the realm's real stage-2 tables: an ASSIGNED entry with RIPAS RAM is a valid
 * mapping of its data granule; every other entry is invalid to the hardware and keeps the
 * RMM's view in bits the walk ignores: [3:2] HIPAS, [5:4] RIPAS, [47:12] the granule of an
 * ASSIGNED entry. A zero entry is UNASSIGNED with RIPAS EMPTY, so a delegated (zeroed)
 * granule is an empty table. Each command holds the RD's lock throughout, so commands on
 * one realm take turns and the tables never change under a walk.
 */
#include <arch/pte.h>

#include "realm.h"
#include "rec.h"

#define HIPAS_SHIFT	 2
#define RIPAS_SHIFT	 4
#define HIPAS_UNASSIGNED 0ULL
#define HIPAS_ASSIGNED	 1ULL
/* RMI_RTT_READ_ENTRY's states */
#define RTT_STATE_UNASSIGNED 0
#define RTT_STATE_ASSIGNED   1
#define RTT_STATE_TABLE	     2

static uint64_t hipas_of(uint64_t e)
{
	return (e & PTE_VALID) ? HIPAS_ASSIGNED : (e >> HIPAS_SHIFT) & 3;
}

static uint64_t ripas_of(uint64_t e)
{
	return (e & PTE_VALID) ? RIPAS_RAM : (e >> RIPAS_SHIFT) & 3;
}

static uint64_t invalid_entry(uint64_t hipas, uint64_t ripas, uint64_t pa)
{
	return (hipas << HIPAS_SHIFT) | (ripas << RIPAS_SHIFT) | (pa & PTE_ADDR_MASK);
}

/* ASSIGNED with RIPAS RAM: what the realm's accesses reach (a page at level 3, a block
 * above); else the RMM's own view. */
static uint64_t assigned_entry(uint64_t pa, uint64_t ripas, int64_t level)
{
	return ripas == RIPAS_RAM ? (pa & PTE_ADDR_MASK) | S2_NORMAL_RWX | pte_leaf_type(level)
				  : invalid_entry(HIPAS_ASSIGNED, ripas, pa);
}

/* After an entry stopped translating (or changed what it translates to): the realm's
 * VMID forgets it on every CPU. The RMM runs with stage 2 off, so VTTBR_EL2 only names
 * the VMID here. */
void realm_tlbi(const struct rd *rd)
{
	uint64_t vttbr = read_sysreg(vttbr_el2);
	write_sysreg(vttbr_el2, rd->vmid << 48);
	isb();
	dsb(ishst);
	tlbi(vmalls12e1is);
	dsb(ish);
	write_sysreg(vttbr_el2, vttbr);
	isb();
}

/* Break-before-make: an entry that translates is made invalid and forgotten before it
 * becomes something else that translates. */
static void replace_entry(const struct rd *rd, uint64_t *e, uint64_t v)
{
	if (*e & PTE_VALID) {
		*e = 0;
		realm_tlbi(rd);
	}
	dsb(ish);
	*e = v;
	dsb(ish);
}

/* The entry for ipa at `level` or at the deepest level above it the tables reach. */
static uint64_t *walk(const struct rd *rd, uint64_t ipa, int64_t level, int64_t *reached)
{
	int64_t l = rd->rtt_level_start;
	uint64_t *table = (uint64_t *)rd->rtt_base;
	uint64_t *e = &table[ipa >> pte_level_shift(l)]; /* may index into a concatenated table */
	while (l < level && pte_is_table(*e, l)) {
		table = (uint64_t *)(*e & PTE_ADDR_MASK);
		l++;
		e = &table[(ipa >> pte_level_shift(l)) & 511];
	}
	*reached = l;
	return e;
}

static bool ipa_ok(const struct rd *rd, uint64_t ipa, int64_t level)
{
	return ipa < (1ULL << rd->s2sz) && !(ipa & ((1ULL << pte_level_shift(level)) - 1));
}

static bool protected_ipa(const struct rd *rd, uint64_t ipa)
{
	return ipa < (1ULL << (rd->s2sz - 1));
}

static uint64_t rtt_error(int64_t level)
{
	return RMI_ERROR_RTT | ((uint64_t)level << 8);
}

uint64_t rtt_ripas(const struct rd *rd, uint64_t ipa, uint64_t *size, uint64_t *ram_pa)
{
	int64_t level;
	uint64_t e = *walk(rd, ipa, 3, &level);
	*size = 1ULL << pte_level_shift(level);
	/* In a block: the page of it at ipa. */
	*ram_pa =
	    (e & PTE_VALID) && !pte_is_table(e, level)
		? (e & PTE_ADDR_MASK & ~(*size - 1)) + (ipa & (*size - 1) & ~(GRANULE_SIZE - 1))
		: 0;
	return pte_is_table(e, level) ? RIPAS_EMPTY : ripas_of(e);
}

granule_t *realm_lock_ram_page(struct rd *rd, uint64_t ipa, uint64_t *pa)
{
	if (ipa % GRANULE_SIZE || !protected_ipa(rd, ipa))
		return 0;
	granule_t *g = granule_lock((uint64_t)rd, GRANULE_RD);
	uint64_t size;
	if (g && (rtt_ripas(rd, ipa, &size, pa) != RIPAS_RAM || !*pa)) {
		granule_unlock(g, GRANULE_RD);
		return 0;
	}
	return g;
}

static bool entry_live(uint64_t e, int64_t level)
{
	return pte_is_table(e, level) || hipas_of(e) != HIPAS_UNASSIGNED;
}

/* RMM 1.0's "top of the non-live region" (the output of the commands that take entries
 * apart): ipa if its entry e at `level` is live (assigned, or a table), else the IPA of the
 * next live entry of the same table, or the table's end. The host walks on from there. */
static uint64_t non_live_top(const uint64_t *e, int64_t level, uint64_t ipa)
{
	if (entry_live(*e, level))
		return ipa;
	uint64_t size = 1ULL << pte_level_shift(level), top = (ipa & ~(size - 1)) + size;
	const uint64_t *end = (const uint64_t *)(((uint64_t)e | (GRANULE_SIZE - 1)) + 1);
	for (e++; e < end && !entry_live(*e, level); e++)
		top += size;
	return top;
}

bool rtt_live(const uint64_t *table, int64_t level)
{
	for (unsigned i = 0; i < 512; i++)
		if (entry_live(table[i], level))
			return true;
	return false;
}

/* ---- RTT_CREATE (B4.3.12): a new table under an entry that is not one, inheriting its
 * state: UNASSIGNED entries with its RIPAS, or an ASSIGNED block split into its pages ---- */

/* The entry for the i-th part of a block entry e at `level`, one level down. */
static uint64_t child_of(uint64_t e, int64_t level, unsigned i)
{
	if (hipas_of(e) != HIPAS_ASSIGNED)
		return e; /* UNASSIGNED: the same state everywhere */
	uint64_t pa = (e & PTE_ADDR_MASK) + ((uint64_t)i << pte_level_shift(level + 1));
	if (e & PTE_VALID) /* a mapping: same attributes, a page or smaller block */
		return (e & ~PTE_ADDR_MASK & ~3ULL) | pa | pte_leaf_type(level + 1);
	return invalid_entry(HIPAS_ASSIGNED, ripas_of(e), pa);
}

static uint64_t rtt_create(struct rd *rd, uint64_t rtt_pa, uint64_t ipa, int64_t level)
{
	if (level <= rd->rtt_level_start || level > 3 || !ipa_ok(rd, ipa, level - 1))
		return RMI_ERROR_INPUT;
	int64_t reached;
	uint64_t *parent = walk(rd, ipa, level - 1, &reached);
	if (reached != level - 1 || pte_is_table(*parent, reached))
		return rtt_error(reached);
	granule_t *g = granule_lock(rtt_pa, GRANULE_DELEGATED);
	if (!g)
		return RMI_ERROR_INPUT;
	uint64_t *table = (uint64_t *)rtt_pa, e = *parent;
	for (unsigned i = 0; i < 512; i++)
		table[i] = child_of(e, reached, i);
	replace_entry(rd, parent, rtt_pa | PTE_VALID | PTE_TABLE);
	rd->nr_rtts++;
	granule_unlock(g, GRANULE_RTT);
	return RMI_SUCCESS;
}

/* ---- RTT_DESTROY (B4.3.13): a table with nothing assigned below it goes back to
 * DELEGATED; its parent entry becomes UNASSIGNED, RIPAS DESTROYED (protected IPA) ---- */

/* The entry pointing at the level-`level` table over ipa (NULL: *err says why not; *walked
 * then the entry the walk stopped at, if it got that far, at *reached). */
static uint64_t *table_parent(struct rd *rd, uint64_t ipa, int64_t level, uint64_t *err,
			      uint64_t **walked, int64_t *reached)
{
	*walked = 0;
	if (level <= rd->rtt_level_start || level > 3 || !ipa_ok(rd, ipa, level - 1)) {
		*err = RMI_ERROR_INPUT;
		return 0;
	}
	uint64_t *parent = walk(rd, ipa, level - 1, reached);
	if (*reached != level - 1 || !pte_is_table(*parent, *reached)) {
		*err = rtt_error(*reached);
		*walked = parent;
		return 0;
	}
	return parent;
}

static uint64_t rtt_destroy(struct rd *rd, uint64_t ipa, int64_t level, uint64_t *out)
{
	uint64_t err, *walked;
	int64_t reached;
	uint64_t *parent = table_parent(rd, ipa, level, &err, &walked, &reached);
	if (!parent) {
		if (walked)
			out[2] = non_live_top(walked, reached, ipa);
		return err;
	}
	uint64_t rtt_pa = *parent & PTE_ADDR_MASK;
	out[2] = ipa; /* a live table: nothing skipped */
	if (rtt_live((const uint64_t *)rtt_pa, level))
		return rtt_error(level);
	granule_t *g = granule_lock(rtt_pa, GRANULE_RTT);
	if (!g)
		return RMI_ERROR_INPUT;
	replace_entry(rd, parent,
		      invalid_entry(HIPAS_UNASSIGNED,
				    protected_ipa(rd, ipa) ? RIPAS_DESTROYED : RIPAS_EMPTY, 0));
	realm_tlbi(rd); /* walks cached through the table */
	granule_zero(rtt_pa);
	rd->nr_rtts--;
	granule_unlock(g, GRANULE_DELEGATED);
	out[1] = rtt_pa;
	out[2] = non_live_top(parent, level - 1, ipa);
	return RMI_SUCCESS;
}

/* ---- RTT_MAP_UNPROTECTED (B4.3.16) and RTT_UNMAP_UNPROTECTED (B4.3.17): the host's own
 * memory in the realm's unprotected IPA space (shared buffers, emulated devices) ---- */

/* What the host may choose of an unprotected mapping: its address, MemAttr, S2AP. */
#define NS_DESC_HOST_BITS (PTE_ADDR_MASK | S2_MEMATTR_NORMAL | S2_AP_R | S2_AP_W)

static uint64_t map_unprotected(struct rd *rd, uint64_t ipa, int64_t level, uint64_t desc)
{
	if (level < 2 || level > 3 || !ipa_ok(rd, ipa, level) || protected_ipa(rd, ipa) ||
	    (desc & ~NS_DESC_HOST_BITS) ||
	    (desc & PTE_ADDR_MASK & ((1ULL << pte_level_shift(level)) - 1)))
		return RMI_ERROR_INPUT;
	int64_t reached;
	uint64_t *e = walk(rd, ipa, level, &reached);
	if (reached != level || *e)
		return rtt_error(reached); /* no table there yet, or not UNASSIGNED_NS */
	*e = desc | S2_NS | PTE_SH_INNER | PTE_AF | pte_leaf_type(level);
	dsb(ish);
	return RMI_SUCCESS;
}

static uint64_t unmap_unprotected(struct rd *rd, uint64_t ipa, int64_t level, uint64_t *out)
{
	if (level < 2 || level > 3 || !ipa_ok(rd, ipa, level) || protected_ipa(rd, ipa))
		return RMI_ERROR_INPUT;
	int64_t reached;
	uint64_t *e = walk(rd, ipa, level, &reached);
	if (reached != level || !(*e & PTE_VALID) || pte_is_table(*e, level)) {
		out[1] = non_live_top(e, reached, ipa);
		return rtt_error(reached);
	}
	replace_entry(rd, e, 0);
	out[1] = non_live_top(e, level, ipa);
	return RMI_SUCCESS;
}

/* ---- RTT_READ_ENTRY (B4.3.15) ---- */

static uint64_t rtt_read_entry(struct rd *rd, uint64_t ipa, int64_t level, uint64_t *out)
{
	if (level < rd->rtt_level_start || level > 3 || !ipa_ok(rd, ipa, level))
		return RMI_ERROR_INPUT;
	int64_t reached;
	uint64_t e = *walk(rd, ipa, level, &reached);
	out[1] = (uint64_t)reached;
	if (pte_is_table(e, reached)) {
		out[2] = RTT_STATE_TABLE;
		out[3] = e & PTE_ADDR_MASK;
		out[4] = RIPAS_EMPTY;
	} else {
		bool assigned = hipas_of(e) == HIPAS_ASSIGNED;
		bool prot = protected_ipa(rd, ipa);
		out[2] = assigned ? RTT_STATE_ASSIGNED : RTT_STATE_UNASSIGNED;
		/* The host's own mapping reads back as it gave it. */
		out[3] = !assigned ? 0 : prot ? e & PTE_ADDR_MASK : e & NS_DESC_HOST_BITS;
		out[4] = prot ? ripas_of(e) : RIPAS_EMPTY;
	}
	return RMI_SUCCESS;
}

/* ---- RTT_INIT_RIPAS (B4.3.14): RIPAS RAM over [base, top) of a NEW realm, entry by
 * entry at the deepest level the tables reach, each entry measured ---- */

static uint64_t rtt_init_ripas(struct rd *rd, uint64_t base, uint64_t top, uint64_t *out)
{
	/* RMM 1.0's order: size_valid, top_bound and the granule alignment of base and top
	 * (ERROR_INPUT, as TF-RMM has them), realm_state, base_align (to the walk's level),
	 * rtte_state, no_progress. */
	if (base >= top || top > (1ULL << (rd->s2sz - 1)) || (base | top) % GRANULE_SIZE)
		return RMI_ERROR_INPUT;
	if (rd->state != REALM_NEW)
		return RMI_ERROR_REALM;
	int64_t level;
	uint64_t *e = walk(rd, base, 3, &level);
	uint64_t size = 1ULL << pte_level_shift(level);
	if (base & (size - 1))
		return rtt_error(level);
	uint64_t ipa = base;
	/* Within one table: stop at its end, at top, or at an entry that is not UNASSIGNED
	 * with RIPAS EMPTY or RAM. */
	uint64_t table_end = (base | ((size << 9) - 1)) + 1;
	for (; ipa < top && ipa + size <= top && ipa < table_end; ipa += size, e++) {
		if (pte_is_table(*e, level) || hipas_of(*e) != HIPAS_UNASSIGNED ||
		    ripas_of(*e) == RIPAS_DESTROYED)
			break;
		*e = invalid_entry(HIPAS_UNASSIGNED, RIPAS_RAM, 0);
		rim_extend_ripas(&rd->rim, ipa, ipa + size);
	}
	if (ipa == base)
		return rtt_error(level);
	out[1] = ipa;
	return RMI_SUCCESS;
}

/* ---- DATA_CREATE (B4.3.2) and DATA_CREATE_UNKNOWN (B4.3.3): a delegated granule
 * becomes the realm's memory at an UNASSIGNED level-3 entry ---- */

static uint64_t data_create(struct rd *rd, uint64_t data_pa, uint64_t ipa, uint64_t src_pa,
			    uint64_t flags, bool known)
{
	if (known) {
		if (flags > DATA_MEASURE_CONTENT || src_pa % GRANULE_SIZE ||
		    !granule_is_host(src_pa))
			return RMI_ERROR_INPUT;
	}
	if (!ipa_ok(rd, ipa, 3) || !protected_ipa(rd, ipa) || data_pa == src_pa)
		return RMI_ERROR_INPUT;
	if (known && rd->state != REALM_NEW)
		return RMI_ERROR_REALM;
	int64_t level;
	uint64_t *e = walk(rd, ipa, 3, &level);
	if (level != 3 || hipas_of(*e) != HIPAS_UNASSIGNED)
		return rtt_error(level);
	granule_t *g = granule_lock(data_pa, GRANULE_DELEGATED);
	if (!g)
		return RMI_ERROR_INPUT;
	uint64_t ripas = ripas_of(*e);
	if (known) {
		if (ns_read((void *)data_pa, (const void *)(src_pa + NS_ALIAS), GRANULE_SIZE)) {
			granule_zero(data_pa);
			granule_unlock(g, GRANULE_DELEGATED);
			return RMI_ERROR_INPUT;
		}
		rim_extend_data(&rd->rim, ipa, flags, (const void *)data_pa);
		ripas = RIPAS_RAM;
		/* The realm starts with its MMU and caches off: the contents to memory. */
		clean_to_poc(data_pa, GRANULE_SIZE);
	}
	dsb(ish);
	*e = assigned_entry(data_pa, ripas, 3);
	granule_unlock(g, GRANULE_DATA);
	return RMI_SUCCESS;
}

/* ---- DATA_DESTROY (B4.3.4): the granule back to DELEGATED (scrubbed); what the realm
 * had as RAM reads DESTROYED to it, so it sees the loss ---- */

static uint64_t data_destroy(struct rd *rd, uint64_t ipa, uint64_t *out)
{
	if (!ipa_ok(rd, ipa, 3) || !protected_ipa(rd, ipa))
		return RMI_ERROR_INPUT;
	int64_t level;
	uint64_t *e = walk(rd, ipa, 3, &level);
	if (level != 3 || hipas_of(*e) != HIPAS_ASSIGNED) {
		out[2] = non_live_top(e, level, ipa);
		return rtt_error(level);
	}
	uint64_t data_pa = *e & PTE_ADDR_MASK, ripas = ripas_of(*e);
	granule_t *g = granule_lock(data_pa, GRANULE_DATA);
	if (!g)
		return RMI_ERROR_INPUT;
	replace_entry(
	    rd, e,
	    invalid_entry(HIPAS_UNASSIGNED, ripas == RIPAS_RAM ? RIPAS_DESTROYED : ripas, 0));
	granule_zero(data_pa);
	granule_unlock(g, GRANULE_DELEGATED);
	out[1] = data_pa;
	out[2] = non_live_top(e, 3, ipa);
	return RMI_SUCCESS;
}

/* ---- RTT_FOLD (B4.3.14): a table whose entries are all alike becomes one entry of its
 * parent: UNASSIGNED with their RIPAS, or an ASSIGNED block over contiguous memory with one
 * RIPAS (or the host's one contiguous unprotected mapping). The table goes back to
 * DELEGATED ---- */

/* The entry folding `table` (at `level`) gives its parent, or 0 with *ok false. */
static uint64_t folded(const uint64_t *table, int64_t level, bool *ok)
{
	uint64_t first = table[0], size = 1ULL << pte_level_shift(level);
	*ok = false;
	if (pte_is_table(first, level))
		return 0;
	if (hipas_of(first) == HIPAS_UNASSIGNED) {
		for (unsigned i = 1; i < 512; i++)
			if (table[i] != first)
				return 0;
		*ok = true;
		return first;
	}
	/* ASSIGNED: the block must start where the parent's entry would. */
	uint64_t pa = first & PTE_ADDR_MASK;
	if (pa & ((size << 9) - 1))
		return 0;
	for (unsigned i = 1; i < 512; i++)
		if (table[i] != (first + i * size))
			return 0; /* same state, RIPAS and attributes; the next address */
	*ok = true;
	return (first & PTE_VALID) ? (first & ~3ULL) | PTE_VALID : first;
}

static uint64_t rtt_fold(struct rd *rd, uint64_t ipa, int64_t level, uint64_t *out)
{
	uint64_t err, *walked;
	int64_t reached;
	uint64_t *parent = table_parent(rd, ipa, level, &err, &walked, &reached);
	if (!parent)
		return err;
	uint64_t rtt_pa = *parent & PTE_ADDR_MASK;
	bool ok;
	uint64_t e = folded((const uint64_t *)rtt_pa, level, &ok);
	if (!ok || (hipas_of(e) == HIPAS_ASSIGNED && level - 1 < 1))
		return rtt_error(level); /* not alike, or a block larger than 1 GiB */
	granule_t *g = granule_lock(rtt_pa, GRANULE_RTT);
	if (!g)
		return RMI_ERROR_INPUT;
	replace_entry(rd, parent, e);
	granule_zero(rtt_pa);
	rd->nr_rtts--;
	granule_unlock(g, GRANULE_DELEGATED);
	out[1] = rtt_pa;
	return RMI_SUCCESS;
}

/* ---- RTT_SET_RIPAS (B4.3.17): the RIPAS change a REC asked for (RSI_IPA_STATE_SET), over
 * as much of [base, top) as one table holds, entry by entry at the deepest level the
 * tables reach; the REC learns at its next entry how far it went ---- */

/* The entry e with RIPAS `to`, or false if the REC's request does not allow it. */
static bool change_ripas(uint64_t *e, uint64_t to, bool destroyed_too, int64_t level)
{
	uint64_t from = ripas_of(*e);
	if (from == to)
		return true;
	if (from == RIPAS_DESTROYED && !destroyed_too)
		return false;
	*e = hipas_of(*e) == HIPAS_ASSIGNED
		 ? assigned_entry((*e & PTE_ADDR_MASK) & ~((1ULL << pte_level_shift(level)) - 1),
				  to, level)
		 : invalid_entry(HIPAS_UNASSIGNED, to, 0);
	return true;
}

static uint64_t rtt_set_ripas(struct rd *rd, uint64_t rec_pa, uint64_t base, uint64_t top,
			      uint64_t *out)
{
	/* RMM 1.0's order: rec_owner (ERROR_REC), size_valid, base_bound, top_bound
	 * (ERROR_INPUT), base_align (ERROR_RTT), top_gran_align (ERROR_INPUT), no_progress
	 * (ERROR_RTT). */
	bool busy;
	granule_t *g = granule_try_lock(rec_pa, GRANULE_REC, &busy);
	if (!g)
		return busy ? RMI_ERROR_REC : RMI_ERROR_INPUT; /* running: rec_busy */
	struct rec *rec = (struct rec *)rec_pa;
	uint64_t r = RMI_ERROR_REC;
	if (rec->rd != (uint64_t)rd)
		goto out;
	/* The next part of what the REC asked for (so base is granule-aligned, protected). */
	r = RMI_ERROR_INPUT;
	if (top <= base || rec->request != REQ_RIPAS || base != rec->ripas_addr ||
	    top > rec->ripas_top)
		goto out;
	int64_t level;
	uint64_t *e = walk(rd, base, 3, &level);
	uint64_t size = 1ULL << pte_level_shift(level);
	r = rtt_error(level);
	if (base & (size - 1))
		goto out;
	r = RMI_ERROR_INPUT;
	if (top % GRANULE_SIZE)
		goto out;
	r = rtt_error(level);
	uint64_t ipa = base, table_end = (base | ((size << 9) - 1)) + 1;
	bool unmapped = false;
	for (; ipa < top && ipa + size <= top && ipa < table_end; ipa += size, e++) {
		if (pte_is_table(*e, level))
			break;
		bool was_mapped = (*e & PTE_VALID) != 0;
		if (!change_ripas(e, rec->ripas_value, rec->ripas_destroyed_too, level))
			break;
		unmapped = unmapped || (was_mapped && !(*e & PTE_VALID));
	}
	dsb(ish);
	if (unmapped)
		realm_tlbi(rd);
	if (ipa == base)
		goto out; /* no_progress: top cuts the first entry, or its RIPAS may not change */
	rec->ripas_addr = ipa;
	out[1] = ipa;
	r = RMI_SUCCESS;
out:
	granule_unlock(g, GRANULE_REC);
	return r;
}

/* Each command (its RMI handler, the call): the RD in x1 locked for its whole run. */
#define RD_COMMAND(handler, call)                                                                  \
	void handler(const uint64_t *in, uint64_t *out)                                            \
	{                                                                                          \
		granule_t *g = granule_lock(in[1], GRANULE_RD);                                    \
		if (!g) {                                                                          \
			out[0] = RMI_ERROR_INPUT;                                                  \
			return;                                                                    \
		}                                                                                  \
		struct rd *rd = (struct rd *)in[1];                                                \
		out[0] = (call);                                                                   \
		granule_unlock(g, GRANULE_RD);                                                     \
	}

RD_COMMAND(rmi_rtt_create, rtt_create(rd, in[2], in[3], (int64_t)in[4]))
RD_COMMAND(rmi_rtt_fold, rtt_fold(rd, in[2], (int64_t)in[3], out))
RD_COMMAND(rmi_rtt_set_ripas, rtt_set_ripas(rd, in[2], in[3], in[4], out))
RD_COMMAND(rmi_rtt_destroy, rtt_destroy(rd, in[2], (int64_t)in[3], out))
RD_COMMAND(rmi_rtt_read_entry, rtt_read_entry(rd, in[2], (int64_t)in[3], out))
RD_COMMAND(rmi_rtt_map_unprotected, map_unprotected(rd, in[2], (int64_t)in[3], in[4]))
RD_COMMAND(rmi_rtt_unmap_unprotected, unmap_unprotected(rd, in[2], (int64_t)in[3], out))
RD_COMMAND(rmi_rtt_init_ripas, rtt_init_ripas(rd, in[2], in[3], out))
RD_COMMAND(rmi_data_create, data_create(rd, in[2], in[3], in[4], in[5], true))
RD_COMMAND(rmi_data_create_unknown, data_create(rd, in[2], in[3], 0, 0, false))
RD_COMMAND(rmi_data_destroy, data_destroy(rd, in[2], out))
