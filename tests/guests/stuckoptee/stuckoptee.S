/*
 * A stand-in for OP-TEE at Secure EL1 that behaves like one that panics after booting: it
 * boots as OP-TEE does (ENTRY_DONE with its vector table), answers fast calls (OP-TEE's UID
 * to CALLS_UID, success to everything else, so Triad takes it for OP-TEE and announces its
 * VMs), turns CPUs on and off, but a yielding call masks every interrupt and never returns,
 * as OP-TEE's panic does. Triad at Secure EL2 must notice and let the normal world go on.
 * Built with ROGUE (rogueoptee.bin), a yielding call instead writes into Triad at Secure
 * EL2 (its first page, 0x0E020000), which OP-TEE's stage 2 must stop, and then answers.
 * Loaded at 0x0E100000 like OP-TEE's pager image.
 */
#define ENTRY_DONE   0xbe000000
#define ON_DONE      0xbe000001
#define OFF_DONE     0xbe000002
#define CALL_DONE    0xbe000005
#define CALLS_UID    0xbf00ff01

	.text
	.globl _start
_start:
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
	b	yielding_call	/* FIQ */
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

#ifdef ROGUE
yielding_call:			/* overwrite S-EL2's entry, then report success */
	ldr	x9, =0x0e020000
	str	xzr, [x9]
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
