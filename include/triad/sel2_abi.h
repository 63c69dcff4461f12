/* Calls between Triad at Secure EL2 and the EL3 monitor (SMC64, SiP range): the secure
 * side reports, the monitor answers with the next request from the normal world. */
#ifndef TRIAD_SEL2_ABI_H
#define TRIAD_SEL2_ABI_H

/* S-EL2 -> EL3: these reports, or the answer to an FF-A call (FF-A's own registers). */
#define SEL2_CALL_IS(fid) (((fid) & ~0xffU) == 0xc2000100U)
#define SEL2_READY	  0xc2000100 /* x1 = 0: this CPU's secure world is up */
#define SEL2_DONE	  0xc2000101 /* x1..x4 = the results for the normal world's x0..x3 */
/* x1 = ESR_EL2, x2 = ELR_EL2 of what went wrong, x3 = the address of a stage-2 fault or 0 */
#define SEL2_CRASHED 0xc2000102
/* OP-TEE missed its deadline of x1 seconds: x2 = its PC, x3 = 0 while booting, 1 in a call */
#define SEL2_TIMEOUT 0xc2000103
/* A secure partition failed: x1 = its ID (0: none could be started), x2 = the reason (a
 * string in S-EL2's image), x3-x5 = ESR, ELR, fault address (or 0), x6 = what follows:
 * SEL2_SP_STOPPED, n > 0 (restarted, the n-th time) or SEL2_SP_GIVEN_UP | n (restarted n
 * times already: stopped for good). The monitor reports it and returns at once. */
#define SEL2_SP_FAILED	 0xc2000104
#define SEL2_SP_STOPPED	 0UL
#define SEL2_SP_GIVEN_UP (1UL << 63)
/* OP-TEE's secure physical timer (CNTPS), which only EL3 may program once Secure EL2
 * exists: x1 = the access, x2 = the value to write; the monitor answers x0 = the value read
 * (0 for a write) or SEL2_TIMER_BAD. */
#define SEL2_TIMER	0xc2000105
#define SEL2_TIMER_TVAL 0 /* the register: CNTPS_TVAL_EL1 */
#define SEL2_TIMER_CTL	1 /* CNTPS_CTL_EL1 */
#define SEL2_TIMER_CVAL 2 /* CNTPS_CVAL_EL1 */
#define SEL2_TIMER_READ 4 /* with one of the above: a read */
#define SEL2_TIMER_BAD	(~0ULL)
/* EL3 -> S-EL2 requests besides the normal world's own SMCs (x0 = one of these) */
#define SEL2_REQ_CPU_OFF      0xc2000110 /* this CPU goes off */
#define SEL2_REQ_CPU_SUSPEND  0xc2000112 /* this CPU goes into a power-down state */
#define SEL2_REQ_CPU_RESUME   0xc2000113 /* ... and has woken up */
#define SEL2_REQ_SYSTEM_OFF   0xc2000114 /* the machine goes off */
#define SEL2_REQ_SYSTEM_RESET 0xc2000115 /* the machine resets */
/* A Secure Group 1 interrupt came while the normal world ran: OP-TEE takes it through its
 * FIQ entry (x1 = where the normal world was); S-EL2 answers SEL2_DONE. */
#define SEL2_REQ_FIQ 0xc2000111

/* Secure RAM on QEMU virt (0x0E000000, 16 MiB): the monitor's first 128 KiB, Triad at S-EL2,
 * the secure partitions' regions (partition k in region k), then OP-TEE's TZDRAM. */
#define SEL2_BASE	0x0e020000UL
#define SEL2_MAX	0x00080000UL
#define SP_BASE		0x0e0a0000UL
#define SP_REGION	0x00020000UL
#define SP_MAX		3
#define SP_REGION_OF(k) (SP_BASE + (uint64_t)(k)*SP_REGION)
/* The partitions' image sizes, as the monitor passes them to S-EL2 in one register (x4 at
 * its cold boot): 20 bits each, partition k's at bit 20 k; 0: none there. */
#define SP_SIZES_SHIFT	     20
#define SP_SIZE_IN(sizes, k) (((sizes) >> (SP_SIZES_SHIFT * (k))) & ((1UL << SP_SIZES_SHIFT) - 1))
#define OPTEE_BASE	     0x0e100000UL
#define OPTEE_SIZE	     0x00f00000UL

#endif
