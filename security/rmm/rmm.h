/* Triad's RMM at Realm EL2: internal interfaces. */
#ifndef RMM_H
#define RMM_H

#include <arch/maint.h>
#include <arch/sysreg.h>
#include <arch/esr.h>
#include <lib/early_console.h>
#include <plat.h>
#include <stdbool.h>
#include <stdint.h>
#include <triad/rmm_abi.h>
#include <triad/rmm_audit.h>

#define GRANULE_SIZE 0x1000UL
/* Granules the RMM tracks: DRAM from its base, as much as EL3's boot manifest gives (the
 * monitor's GPT describes it granule by granule), at most up to the Non-secure alias. */
#define TRACKED_BASE PLAT_DRAM_BASE

/* Cleans [pa, pa + len) to the point of coherency: for a realm that reads it with its MMU
 * (so its caches) off. */
static inline void clean_to_poc(uint64_t pa, uint64_t len)
{
	for (uint64_t a = pa & ~63ULL; a < pa + len; a += 64)
		dc(cvac, a);
	dsb(sy);
}

/* rmi.c: an RMI call, x0 (FID) .. x7 in; x0 (status) .. x4 out. */
void rmi_handle(const uint64_t in[8], uint64_t out[5]);
/* A command: in x1.. `args` arguments, out x1.. `results` results (NULL: no such FID).
 * 32 bytes, so that finding one by FID is a shift (the RMI_VERSION row of make bench). */
struct rmi_command {
	void (*handler)(const uint64_t *in, uint64_t *out);
	const char *name;
	uint8_t args, results;
} __attribute__((aligned(32)));
const struct rmi_command *rmi_command_of(uint32_t fid);

/* granule.c */
enum granule_state {
	GRANULE_UNDELEGATED = 0, /* Non-secure: the host's */
	GRANULE_DELEGATED,	 /* Realm PAS, free for the host to make into realm objects */
	GRANULE_RD,		 /* a Realm Descriptor */
	GRANULE_RTT,		 /* a realm translation table */
	GRANULE_DATA,		 /* a realm's memory */
	GRANULE_REC,		 /* a realm's vCPU */
	GRANULE_REC_AUX,	 /* a REC's auxiliary granule: its attestation token */
};
typedef uint8_t granule_t; /* a granule's state byte, with its lock bit */
/* Locks the granule at pa if it is in state want (NULL if pa is not a tracked granule,
 * or the granule is in another state or locked by a command on another CPU). */
granule_t *granule_lock(uint64_t pa, enum granule_state want);
/* The same without waiting: NULL at once if another CPU holds it (*busy then true). */
granule_t *granule_try_lock(uint64_t pa, enum granule_state want, bool *busy);
/* Unlocks it, in state s. */
void granule_unlock(granule_t *g, enum granule_state s);
/* Whether pa is a tracked host granule (its NS alias may be read; it may still fault). */
bool granule_is_host(uint64_t pa);
/* granule_platform.c, the machine granule.c needs (host tests bring their own): zeroing a
 * granule, and the RMM-EL3 calls that move it between PASes. */
void granule_zero(uint64_t pa);
int64_t granule_el3_call(uint32_t fid, uint64_t pa);

/* The table of granule states: a byte per granule of [TRACKED_BASE, + size), zeroed
 * (every granule the host's). */
void granules_init(granule_t *table, uint64_t size);
extern uint64_t tracked_size;

/* manifest.c: the size of the DRAM (from TRACKED_BASE) EL3's boot manifest in the shared
 * page gives; E_RMM_OK, or RMM_BOOT_MANIFEST_VERSION / _DATA for a manifest to refuse. */
int64_t manifest_dram(uint64_t shared, uint64_t *size);

/* Delegation, by the rules and in the order of RMM 1.0 (B4.3.1, B4.3.2). */
uint64_t granule_delegate(uint64_t pa);
uint64_t granule_undelegate(uint64_t pa);

/* features.c: RmiFeatureRegister0 from ID_AA64MMFR0_EL1, ID_AA64DFR0_EL1, ICH_VTR_EL2. */
uint64_t feature_register0(uint64_t mmfr0, uint64_t dfr0, uint64_t ich_vtr, unsigned sve_max_vl);
/* An SVE realm's view of ID_AA64PFR0_EL1 (SVE shown) and ID_AA64ZFR0_EL1 (the CPU's), from
 * the view every guest gets and the CPU's value; other registers, or sve false, unchanged. */
uint64_t realm_id_reg_sve(unsigned reg, uint64_t guest_view, uint64_t cpu_value, bool sve);
/* ID_AA64DFR0_EL1 as a realm with these breakpoints and watchpoints (minus one) sees it. */
uint64_t realm_id_aa64dfr0(uint64_t guest_view, unsigned num_bps, unsigned num_wps);
/* realm.c: RMI_REALM_CREATE (checked against feature register 0), _ACTIVATE, _DESTROY */
void rmi_realm_create(const uint64_t *in, uint64_t *out, uint64_t feat0);
void rmi_realm_activate(const uint64_t *in, uint64_t *out);
void rmi_realm_destroy(const uint64_t *in, uint64_t *out);

/* audit.c: TRIAD_RMM_AUDIT_PAGE (Triad's own call, not RMI), and a record of an event
 * of the realm rd on this CPU's page, if the host named one. */
void rmm_audit_set_page(const uint64_t *in, uint64_t *out);
void rmm_audit(const void *rd, enum rmm_audit_event event, uint64_t info0, uint64_t info1);

/* mmu.c: the NS alias of the tracked DRAM: the host's granule at pa is at pa + NS_ALIAS. */
#define NS_ALIAS 0x4000000000ULL
/* DRAM [TRACKED_BASE, + dram_size) mapped (false: no page for its tables). */
bool mmu_build(uint64_t dram_size);
void mmu_enable(void);
/* ns_access.S: copies to and from host memory (8-byte multiples, aligned): 0 or -1 if
 * the host's memory faulted. */
int ns_read(void *dst, const void *ns_src, uint64_t len);
int ns_write(void *ns_dst, const void *src, uint64_t len);

#endif
