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
/* Triad at S-EL2's entry from the monitor, x1: why it is entered afresh. */
#define SEL2_BOOT_COLD		0 /* the secure world's cold boot, on the first CPU */
#define SEL2_BOOT_CPU_ON	1 /* PSCI CPU_ON: OP-TEE's cpu_on entry, then partitions' */
#define SEL2_BOOT_OPTEE_RESTART 2 /* OP-TEE failed: its cold boot again (no DT), nothing else */
#define SEL2_BOOT_OPTEE_CPU	3 /* OP-TEE restarted since this CPU ran it: its cpu_on entry */
/* At a restart, x3 = the monitor's window with the machine's DT for OP-TEE (Secure memory,
 * in the first GiB of DRAM), this big. */
#define SEL2_DT_WINDOW_SIZE 0x100000UL
/* x2 at every entry: OP-TEE's image size, and in bits 32-63 the test hook (fw_cfg
 * opt/triad/optee-fail-after, "N" or "N@CLIENT"): OP-TEE misses its deadline in the N-th
 * message call (CALL_WITH_ARG; of that client ID only, if given) after each of its boots;
 * 0: never. */
#define SEL2_HOOK(calls, client) (((uint32_t)(calls)&0xffffU) | (uint32_t)(client) << 16)
#define SEL2_HOOK_CALLS(hook)	 ((hook)&0xffffU)
#define SEL2_HOOK_CLIENT(hook)	 ((hook) >> 16)
/* Bits 24-31: the test hook of S-EL2's own stage 1 (fw_cfg opt/triad/sel2-fault, "write-text"
 * or "exec-data"): at its cold boot S-EL2 writes its own text or executes its data, which
 * must fault; 0: never. OP-TEE's image is smaller than OPTEE_SIZE, 24 bits. */
#define SEL2_FAULT_WRITE_TEXT 1
#define SEL2_FAULT_EXEC_DATA  2
#define SEL2_BOOT_X2(size, fault, fail_after)                                                      \
	((size) | (uint64_t)(fault) << 24 | (uint64_t)(fail_after) << 32)
#define SEL2_BOOT_OPTEE_SIZE(x2) ((x2)&0xffffffUL)
#define SEL2_BOOT_FAULT_HOOK(x2) ((unsigned)((x2) >> 24) & 0xffU)
#define SEL2_BOOT_FAIL_AFTER(x2) ((uint32_t)((x2) >> 32))
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
