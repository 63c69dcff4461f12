/*
 * A stand-in for OP-TEE at Secure EL1 that behaves like one that panics after booting: it
 * boots as OP-TEE does (ENTRY_DONE with its vector table), answers fast calls (OP-TEE's UID
 * to CALLS_UID, success to everything else, so Triad takes it for OP-TEE and announces its
 * VMs), turns CPUs on and off, but a yielding call masks every interrupt and never returns,
 * as OP-TEE's panic does. Triad at Secure EL2 must notice and let the normal world go on.
 * Built with ROGUE (rogueoptee.bin), a yielding call instead writes into Triad at Secure
 * EL2 (its first page, 0x0E020000), which OP-TEE's stage 2 must stop, and then answers.
 * Built with FIQ_HANG (fiqhangoptee.bin), it arms the secure physical timer (CNTPS, as
 * OP-TEE's callouts do: S-EL2 has the monitor make those accesses) to fire 1 s after its
 * boot, as Secure Group 1 PPI 29 on the first CPU, and its FIQ entry, where that interrupt
 * arrives while the normal world runs, hangs with every interrupt masked; yielding calls
 * answer at once.
 * Loaded at 0x0E100000 like OP-TEE's pager image.
 */
#define ENTRY_DONE   0xbe000000
#define ON_DONE      0xbe000001
#define OFF_DONE     0xbe000002
#define CALL_DONE    0xbe000005
#define CALLS_UID    0xbf00ff01

#define GICR0_SGI	0x080b0000	/* the first CPU's SGI/PPI frame on QEMU virt */
#define TIMER_PPI	29

	.text
	.globl _start
_start:
#ifdef FIQ_HANG
	ldr	x9, =GICR0_SGI
	ldr	w10, [x9, #0x80]	/* IGROUPR0: bit clear ... */
	bic	w10, w10, #(1 << TIMER_PPI)
	str	w10, [x9, #0x80]
	ldr	w10, [x9, #0xd00]	/* ... and IGRPMODR0 set: Secure Group 1 */
	orr	w10, w10, #(1 << TIMER_PPI)
	str	w10, [x9, #0xd00]
	mov	w10, #0x08
	strb	w10, [x9, #(0x400 + TIMER_PPI)]
	mov	w10, #(1 << TIMER_PPI)
	str	w10, [x9, #0x100]	/* ISENABLER0 */
	mrs	x0, cntpct_el0
	mrs	x1, cntfrq_el0
	add	x0, x0, x1
	msr	cntps_cval_el1, x0
	mov	x2, #1
	msr	cntps_ctl_el1, x2
	/* What the monitor wrote must read back: if not, never finish booting. */
	mrs	x3, cntps_cval_el1
	cmp	x3, x0
	b.ne	.
	mrs	x3, cntps_ctl_el1
	and	x3, x3, #1
	cmp	x3, #1
	b.ne	.
#endif
	adr	x1, vectors
	ldr	x0, =ENTRY_DONE
	smc	#0
	b	.

	.balign	8
vectors:			/* OP-TEE's table: one branch per entry */
	b	yielding_call
	b	fast_call
	b	cpu_on
	b	cpu_off
	b	cpu_on		/* resume */
	b	cpu_off		/* suspend */
	b	fiq_entry	/* FIQ */
	b	cpu_off		/* system off */
	b	cpu_off		/* system reset */

fast_call:
	ldr	x9, =CALLS_UID
	cmp	x0, x9
	b.eq	1f
	mov	x1, #0		/* OPTEE_SMC_RETURN_OK */
	mov	x2, #0
	mov	x3, #0
	mov	x4, #0
	b	2f
1:	ldr	x1, =0x384fb3e0	/* 384fb3e0-e7f8-11e3-af63-0002a5d5c51b */
	ldr	x2, =0xe7f811e3
	ldr	x3, =0xaf630002
	ldr	x4, =0xa5d5c51b
2:	ldr	x0, =CALL_DONE
	smc	#0
	b	.

cpu_on:
	mov	x1, #0
	ldr	x0, =ON_DONE
	smc	#0
	b	.

cpu_off:
	mov	x1, #0
	ldr	x0, =OFF_DONE
	smc	#0
	b	.

#ifdef FIQ_HANG
fiq_entry:			/* a panic in the interrupt handler */
	msr	daifset, #0xf
4:	wfi
	b	4b
#else
fiq_entry:
	b	yielding_call
#endif

#if defined(ROGUE) || defined(FIQ_HANG)
yielding_call:			/* ROGUE: overwrite S-EL2's entry; then report success */
#ifdef ROGUE
	ldr	x9, =0x0e020000
	str	xzr, [x9]
#endif
	mov	x1, #0
	mov	x2, #0
	mov	x3, #0
	mov	x4, #0
	ldr	x0, =CALL_DONE
	smc	#0
	b	.
#else
yielding_call:			/* a panic: nothing can interrupt this CPU any more */
	msr	daifset, #0xf
3:	wfi
	b	3b
#endif
