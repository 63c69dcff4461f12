/* AArch64 system-register access, barriers and the register bits Triad uses. */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#include <stdint.h>

#define read_sysreg(reg)                                                                           \
	({                                                                                         \
		uint64_t __v;                                                                      \
		__asm__ volatile("mrs %0, " #reg : "=r"(__v));                                     \
		__v;                                                                               \
	})

#define write_sysreg(reg, val)                                                                     \
	do {                                                                                       \
		uint64_t __v = (uint64_t)(val);                                                    \
		__asm__ volatile("msr " #reg ", %0" : : "r"(__v));                                 \
	} while (0)

#define isb()	    __asm__ volatile("isb" ::: "memory")
#define dsb(opt)    __asm__ volatile("dsb " #opt ::: "memory")
#define dmb(opt)    __asm__ volatile("dmb " #opt ::: "memory")
#define wfi()	    __asm__ volatile("wfi" ::: "memory")
#define wfe()	    __asm__ volatile("wfe" ::: "memory")
#define sev()	    __asm__ volatile("sev" ::: "memory")
#define cpu_relax() __asm__ volatile("yield" ::: "memory")

/* Encodings the old assembler may not know by name. */
#define ICC_SRE_EL2	S3_4_C12_C9_5
#define ICC_IAR1_EL1	S3_0_C12_C12_0
#define ICC_EOIR1_EL1	S3_0_C12_C12_1
#define ICC_DIR_EL1	S3_0_C12_C11_1
#define ICC_PMR_EL1	S3_0_C4_C6_0
#define ICC_BPR1_EL1	S3_0_C12_C12_3
#define ICC_CTLR_EL1	S3_0_C12_C12_4
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_HPPIR1_EL1	S3_0_C12_C12_2
#define ICC_SGI1R_EL1	S3_0_C12_C11_5
#define ICH_AP0R0_EL2	S3_4_C12_C8_0
#define ICH_AP1R0_EL2	S3_4_C12_C9_0
#define ICH_HCR_EL2	S3_4_C12_C11_0
#define ICH_VTR_EL2	S3_4_C12_C11_1
#define ICH_MISR_EL2	S3_4_C12_C11_2
#define ICH_EISR_EL2	S3_4_C12_C11_3
#define ICH_ELRSR_EL2	S3_4_C12_C11_5
#define ICH_VMCR_EL2	S3_4_C12_C11_7
#define ICH_LR0_EL2	S3_4_C12_C12_0
#define ICH_LR1_EL2	S3_4_C12_C12_1
#define ICH_LR2_EL2	S3_4_C12_C12_2
#define ICH_LR3_EL2	S3_4_C12_C12_3
#define ICH_LR4_EL2	S3_4_C12_C12_4
#define ICH_LR5_EL2	S3_4_C12_C12_5
#define ICH_LR6_EL2	S3_4_C12_C12_6
#define ICH_LR7_EL2	S3_4_C12_C12_7
#define ICH_LR8_EL2	S3_4_C12_C13_0
#define ICH_LR9_EL2	S3_4_C12_C13_1
#define ICH_LR10_EL2	S3_4_C12_C13_2
#define ICH_LR11_EL2	S3_4_C12_C13_3
#define ICH_LR12_EL2	S3_4_C12_C13_4
#define ICH_LR13_EL2	S3_4_C12_C13_5
#define ICH_LR14_EL2	S3_4_C12_C13_6
#define ICH_LR15_EL2	S3_4_C12_C13_7

/* HCRX_EL2 is S3_4_C1_C2_2 (older assemblers lack the name): write_sysreg(S3_4_C1_C2_2, v) */
#define HCRX_MSCEN (1UL << 11)

/* HCR_EL2 */
#define HCR_VM	   (1UL << 0)
#define HCR_SWIO   (1UL << 1)
#define HCR_FMO	   (1UL << 3)
#define HCR_IMO	   (1UL << 4)
#define HCR_AMO	   (1UL << 5)
#define HCR_VSE	   (1UL << 8)
#define HCR_FB	   (1UL << 9)
#define HCR_BSU_IS (1UL << 10)
#define HCR_TWI	   (1UL << 13)
#define HCR_TWE	   (1UL << 14)
#define HCR_TID3   (1UL << 18)
#define HCR_TSC	   (1UL << 19)
#define HCR_TIDCP  (1UL << 20)
#define HCR_TSW	   (1UL << 22)
#define HCR_TLOR   (1UL << 35)
#define HCR_TERR   (1UL << 36)
#define HCR_RW	   (1UL << 31)
#define HCR_APK	   (1UL << 40)
#define HCR_API	   (1UL << 41)
#define HCR_FIEN   (1UL << 47)
#define HCR_ATA	   (1UL << 56) /* EL1/EL0 may use allocation tags (FEAT_MTE2) */
#define HCR_TID5   (1UL << 58) /* GMID_EL1 traps */

/* SPSR / PSTATE */
#define PSR_MODE_EL0t 0x0
#define PSR_MODE_EL1t 0x4
#define PSR_MODE_EL1h 0x5
#define PSR_MODE_EL2h 0x9
#define PSR_MODE_MASK 0xf
#define PSR_MODE32    (1UL << 4)
#define PSR_F	      (1UL << 6)
#define PSR_I	      (1UL << 7)
#define PSR_A	      (1UL << 8)
#define PSR_D	      (1UL << 9)
#define PSR_PAN	      (1UL << 22)
#define PSR_TCO	      (1UL << 25) /* tag checks off: set on exception entry (FEAT_MTE) */
#define PSR_DAIF      (PSR_D | PSR_A | PSR_I | PSR_F)

#include <arch/sctlr.h>

/* CPTR_EL2 (E2H=0): TZ traps SVE, TSM traps SME, TTA trace, TAM the AMU; FP stays with the guest.
 */
#define CPTR_EL2_RES1 0x22ffUL
#define CPTR_TZ	      (1UL << 8)
#define CPTR_TFP      (1UL << 10)
#define CPTR_TSM      (1UL << 12)
#define CPTR_TTA      (1UL << 20)
#define CPTR_TAM      (1UL << 30)
/* Lower ELs trapped for SVE and SME only: a world whose FP state is switched around it. */
#define CPTR_EL2_FP_ONLY (CPTR_EL2_RES1 | CPTR_TZ | CPTR_TSM)

/* MDCR_EL2, MDSCR_EL1 */
#define MDCR_TPMCR (1UL << 5)
#define MDCR_TPM   (1UL << 6)
#define MDCR_TDE   (1UL << 8)
#define MDCR_TDA   (1UL << 9) /* the debug registers without a trap of their own */
#define MDSCR_KDE  (1UL << 13)
#define MDSCR_MDE  (1UL << 15)

/* TCR_EL2 and VTCR_EL2: the fields both have, for write-back inner shareable walks. */
#define TCR_IRGN0_WBWA (1UL << 8)
#define TCR_ORGN0_WBWA (1UL << 10)
#define TCR_SH0_INNER  (3UL << 12)
#define TCR_EL2_RES1   ((1UL << 31) | (1UL << 23))
#define VTCR_RES1      (1UL << 31)

/* CNTHCTL_EL2 (E2H=0) */
#define CNTHCTL_EL1PCTEN  (1UL << 0)
#define CNTHCTL_EL1PCEN	  (1UL << 1)
#define CNTHCTL_EL1_TIMER (CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN) /* EL1 uses the physical timer */

/* Generic timer control */
#define CNT_CTL_ENABLE	(1UL << 0)
#define CNT_CTL_IMASK	(1UL << 1)
#define CNT_CTL_ISTATUS (1UL << 2)

static inline void local_irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

#endif
