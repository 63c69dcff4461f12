/* What the bare-metal test guests share: system register and MMIO access, the PL011
 * console, SMCCC calls. They run at EL1 with the MMU off, on Triad or on bare QEMU. */
#ifndef GUEST_H
#define GUEST_H

#include <arch/esr.h>
#include <arch/sysreg.h>
#include <stdbool.h>
#include <stdint.h>

/* A realm guest reaches its devices through the unprotected half of its IPA space: it
 * builds with DEVICE_IPA_BIT set to Triad's shared bit. */
#ifndef DEVICE_IPA_BIT
#define DEVICE_IPA_BIT 0UL
#endif
#define RAM_BASE  0x40000000UL
#define UART	  (DEVICE_IPA_BIT | 0x09000000UL)
#define GICD	  (DEVICE_IPA_BIT | 0x08000000UL)
#define GICR	  (DEVICE_IPA_BIT | 0x080a0000UL)
#define GICR_SIZE 0x20000UL /* one redistributor: RD_base + SGI_base frames */

#define SMCCC_VERSION	0x80000000UL
#define PSCI_CPU_ON	0xC4000003UL
#define PSCI_SYSTEM_OFF 0x84000008UL

/* Single-register accesses without writeback, as device drivers do: they come with an
 * instruction syndrome that a hypervisor can emulate from. */
#define MMIO_ACCESSORS(bits, size)                                                                 \
	static inline uint##bits##_t rd##bits(uint64_t a)                                          \
	{                                                                                          \
		uint##bits##_t v;                                                                  \
		__asm__ volatile("ldr" size " %w0, [%1]" : "=r"(v) : "r"(a) : "memory");           \
		return v;                                                                          \
	}                                                                                          \
	static inline void wr##bits(uint64_t a, uint##bits##_t v)                                  \
	{                                                                                          \
		__asm__ volatile("str" size " %w0, [%1]" ::"rZ"(v), "r"(a) : "memory");            \
	}
MMIO_ACCESSORS(8, "b")
MMIO_ACCESSORS(16, "h")
MMIO_ACCESSORS(32, "")

static inline void wr64(uint64_t a, uint64_t v)
{
	__asm__ volatile("str %0, [%1]" ::"r"(v), "r"(a) : "memory");
}

/* SMCCC calls with x0-x3 in and out, through HVC (to the hypervisor) or SMC. */
#define SMCCC_CALL(insn)                                                                           \
	static inline int64_t insn(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)             \
	{                                                                                          \
		register uint64_t x0 __asm__("x0") = fn, x1 __asm__("x1") = a1,                    \
				     x2 __asm__("x2") = a2, x3 __asm__("x3") = a3;                 \
		__asm__ volatile(#insn " #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"memory");  \
		return (int64_t)x0;                                                                \
	}
SMCCC_CALL(hvc)
SMCCC_CALL(smc)

/* An HVC with x0-x17 from r and the answer back into r (SMCCC 1.2, as FF-A v1.2 uses). */
static inline void hvc18(uint64_t r[18])
{
	__asm__ volatile("mov x19, %0\n\t"
			 "ldp x0, x1, [x19, #0]\n\tldp x2, x3, [x19, #16]\n\t"
			 "ldp x4, x5, [x19, #32]\n\tldp x6, x7, [x19, #48]\n\t"
			 "ldp x8, x9, [x19, #64]\n\tldp x10, x11, [x19, #80]\n\t"
			 "ldp x12, x13, [x19, #96]\n\tldp x14, x15, [x19, #112]\n\t"
			 "ldp x16, x17, [x19, #128]\n\t"
			 "hvc #0\n\t"
			 "stp x0, x1, [x19, #0]\n\tstp x2, x3, [x19, #16]\n\t"
			 "stp x4, x5, [x19, #32]\n\tstp x6, x7, [x19, #48]\n\t"
			 "stp x8, x9, [x19, #64]\n\tstp x10, x11, [x19, #80]\n\t"
			 "stp x12, x13, [x19, #96]\n\tstp x14, x15, [x19, #112]\n\t"
			 "stp x16, x17, [x19, #128]"
			 :
			 : "r"(r)
			 : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			   "x12", "x13", "x14", "x15", "x16", "x17", "x19", "memory");
}

/* The virtual counter, ordered after earlier instructions. */
static inline uint64_t counter(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

/* The frame the exception vectors (lib/start.S) build: x0-x30, then ELR. */
struct frame {
	uint64_t x[31];
	uint64_t elr;
};

/* lib/start.S: what PSCI CPU_ON starts a secondary CPU at (context: its index). */
extern char secondary_entry[];

/* Called by lib/start.S's vectors and secondary entry; lib/exceptions.c has defaults. */
void sync_exception(struct frame *f);
void irq_exception(struct frame *f);
void unexpected_exception(struct frame *f);
void secondary_main(unsigned long idx);

/* lib/gic.c: wakes CPU cpu's redistributor (GICR_WAKER) and waits until it is awake. */
void gicr_wake(unsigned cpu);
/* Turns this CPU's interface on: system register access, all priorities, Group 1. */
void gic_cpu_interface_on(void);

/* lib/console.c */
void putc_(char c);
void puts_(const char *s);
void puthex(uint64_t v);
void putdec(uint64_t v);
/* Reports "<who>: FAIL unexpected exception, ESR .. at .." and powers off (through SMC, for
 * code in the hypervisor's place, or HVC). */
void fail_exception(const char *who, const struct frame *f, bool by_smc);
/* Prints "<who>: N passed, M failed", the line the tests look for. */
void print_summary(const char *who, unsigned passed, unsigned failed);
bool bootargs_have(const char *dtb, const char *word);

#endif
