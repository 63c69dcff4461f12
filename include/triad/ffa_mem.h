/* FF-A memory management (DEN0077 v1.1/v1.2, chapter 10 / the memory management supplement):
 * the descriptors SHARE, LEND, DONATE, RETRIEVE_REQ/RESP and RELINQUISH carry, parsed from
 * and built into a copy in Triad's own memory (security/ffa/mem_desc.c). Pure logic: built
 * for the host, Secure EL2 and Normal EL2. */
#ifndef TRIAD_FFA_MEM_H
#define TRIAD_FFA_MEM_H

#include <stdbool.h>
#include <stdint.h>

/* Bounds of Triad's tables: a transaction past them is FFA_NO_MEMORY, never a crash. */
#define FFA_MEM_MAX_RECEIVERS 4
#define FFA_MEM_MAX_RANGES    16
#define FFA_MEM_MAX_PAGES     256 /* per transaction: 1 MiB */
#define FFA_MEM_PAGE	      4096ULL

/* Layout (FF-A 1.1 and 1.2): the header, 48 bytes; endpoint memory access descriptors of the
 * size the header says (16 in 1.1, 32 in 1.2); the composite descriptor (16) and its
 * constituents (16 each). */
#define FFA_MEM_HDR_SIZE	 48U
#define FFA_MEM_EP_SIZE_1_1	 16U
#define FFA_MEM_EP_SIZE_1_2	 32U
#define FFA_MEM_COMPOSITE_SIZE	 16U
#define FFA_MEM_CONSTITUENT_SIZE 16U
#define FFA_MEM_RELINQUISH_HDR	 16U

/* Memory region attributes (16 bits): [1:0] shareability, [3:2] cacheability, [5:4] type,
 * bit 6 NS (set by the SPMC in a retrieve response), [15:7] zero. */
#define FFA_MEM_ATTR_NORMAL_WB_IS 0x2fU /* Normal, write-back, inner shareable */
#define FFA_MEM_ATTR_NS		  0x40U

/* Access permissions: [1:0] data (0 unspecified, 1 RO, 2 RW), [3:2] instruction
 * (0 unspecified, 1 not executable, 2 executable), [7:4] zero. */
#define FFA_MEM_DATA_MASK   0x3U
#define FFA_MEM_DATA_RO	    0x1U
#define FFA_MEM_DATA_RW	    0x2U
#define FFA_MEM_INSTR_SHIFT 2
#define FFA_MEM_INSTR_NX    (0x1U << 2)
#define FFA_MEM_INSTR_X	    (0x2U << 2)

/* Transaction flags. SHARE/LEND/DONATE: bit 0 zero memory (not for SHARE), bit 1 time
 * slicing (Triad never slices: refused). RETRIEVE_REQ also: bit 2 zero after relinquish,
 * [4:3] the transaction type, [8:5] alignment hint, bit 9 hint valid. */
#define FFA_MEM_FLAG_ZERO	      (1U << 0)
#define FFA_MEM_FLAG_TIME_SLICE	      (1U << 1)
#define FFA_MEM_FLAG_ZERO_AFTER	      (1U << 2)
#define FFA_MEM_FLAG_TYPE_SHIFT	      3
#define FFA_MEM_FLAG_TYPE_MASK	      (3U << 3)
#define FFA_MEM_FLAG_ALIGN_HINT_VALID (1U << 9)

/* The transaction kinds, as the retrieve flags' [4:3] name them. */
enum ffa_mem_kind { FFA_MEM_KIND_SHARE = 1, FFA_MEM_KIND_LEND = 2, FFA_MEM_KIND_DONATE = 3 };

/* Handles: bit 63 says who allocated it (1: the hypervisor; the SPMC's have it clear). */
#define FFA_MEM_HANDLE_HYP (1ULL << 63)

struct ffa_mem_range {
	uint64_t addr;
	uint32_t pages;
};

struct ffa_mem_receiver {
	uint16_t id;
	uint8_t perm;
	uint8_t flags;
};

/* A transaction, as one of the descriptors above describes it. */
struct ffa_mem_region {
	uint16_t sender;
	uint16_t attrs;
	uint32_t flags;
	uint64_t handle;
	uint64_t tag;
	uint32_t ep_size; /* 16 or 32: the layout the endpoint speaks, answered in kind */
	unsigned nr_receivers;
	struct ffa_mem_receiver receiver[FFA_MEM_MAX_RECEIVERS];
	uint32_t total_pages;
	unsigned nr_ranges;
	struct ffa_mem_range range[FFA_MEM_MAX_RANGES];
};

/* FFA_MEM_RELINQUISH's descriptor. */
struct ffa_mem_relinquish {
	uint64_t handle;
	uint32_t flags;
	uint16_t endpoint;
};

/* Each returns 0, or the FF-A error code for the caller (FFA_INVALID_PARAMETERS; FFA_NO_MEMORY
 * for a transaction past Triad's bounds). buf is a copy in Triad's memory, len bytes of it
 * the descriptor (the call's total length, all of it one fragment). */

/* The descriptor of FFA_MEM_SHARE/LEND/DONATE (kind), its handle zero. Checked: the header's
 * reserved bytes, flags, attributes (Normal write-back inner-shareable; LEND and DONATE may
 * leave them unspecified, 0), the endpoint descriptors' size, count, place and their
 * reserved bytes, each receiver once with permissions valid for the kind, one composite
 * descriptor for all at an aligned offset past them, its constituents: at least one, page
 * aligned, not empty, not wrapping, apart, summing to the total, filling len exactly. */
uint32_t ffa_mem_parse_tx(const void *buf, uint32_t len, enum ffa_mem_kind kind,
			  struct ffa_mem_region *out);

/* FFA_MEM_RETRIEVE_REQ's: the handle, the owner, the tag, one receiver (the retriever) with
 * the permissions it asks for, no composite (the SPMC answers with it); flags: a zero type
 * (any) or the transaction's, no zeroing, hint or time slicing. */
uint32_t ffa_mem_parse_retrieve_req(const void *buf, uint32_t len, struct ffa_mem_region *out);

/* FFA_MEM_RELINQUISH's: the handle, flags zero, one endpoint. */
uint32_t ffa_mem_parse_relinquish(const void *buf, uint32_t len, struct ffa_mem_relinquish *out);

/* Writes r as a transaction descriptor (r->ep_size layout, each receiver pointing at the one
 * composite) into buf of cap bytes: its length, or 0 if it does not fit. Used for the SPMC's
 * retrieve response (one receiver, the NS bit in attrs) and for what Normal EL2 forwards. */
uint32_t ffa_mem_build(void *buf, uint32_t cap, const struct ffa_mem_region *r);

/* A retrieve request's or relinquish descriptor, for the test guests' and the tests' side. */
uint32_t ffa_mem_build_retrieve_req(void *buf, uint32_t cap, const struct ffa_mem_region *r);
uint32_t ffa_mem_build_relinquish(void *buf, uint32_t cap, const struct ffa_mem_relinquish *d);

#endif
