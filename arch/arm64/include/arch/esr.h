/* ESR_ELx: the exception class and the ISS fields Triad's images decode (Arm ARM D24.2.40). */
#ifndef ARCH_ESR_H
#define ARCH_ESR_H

#define ESR_EC_SHIFT 26
#define ESR_EC_MASK  (0x3fULL << ESR_EC_SHIFT)
#define ESR_EC(esr)  (((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_IL	     (1ULL << 25) /* a 32-bit instruction */

#define EC_UNKNOWN  0x00
#define EC_WFX	    0x01
#define EC_FP	    0x07
#define EC_HVC32    0x12
#define EC_SMC32    0x13
#define EC_HVC64    0x16
#define EC_SMC64    0x17
#define EC_SYSREG   0x18
#define EC_SVE	    0x19
#define EC_SME	    0x1d
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25

/* Data and instruction aborts. */
#define ESR_ISV		(1ULL << 24) /* the fields below up to SF are valid */
#define ESR_SAS_MASK	(3ULL << 22)
#define ESR_SAS(esr)	(((esr) >> 22) & 3) /* access size: 1 << SAS bytes */
#define ESR_SSE		(1ULL << 21)	    /* sign-extended load */
#define ESR_SRT(esr)	(((esr) >> 16) & 0x1f)
#define ESR_SF		(1ULL << 15) /* 64-bit register */
#define ESR_SET_MASK	(3ULL << 11)
#define ESR_FNV		(1ULL << 10) /* FAR not valid */
#define ESR_EA		(1ULL << 9)
#define ESR_S1PTW	(1ULL << 7) /* on the stage-1 walk */
#define ESR_WNR		(1ULL << 6)
#define ESR_FSC_MASK	0x3fULL
#define FSC_TYPE_MASK	0x3c /* the fault's type, without its level */
#define FSC_TRANSLATION 0x04
#define FSC_PERMISSION	0x0c
#define FSC_SEA		0x10 /* synchronous external abort */

/* WFI, WFE, WFIT, WFET. */
#define ISS_WFX_WFE	(1ULL << 0) /* TI[0]: WFE/WFET rather than WFI/WFIT */
#define ISS_WFX_TIMEOUT (1ULL << 1) /* TI[1]: WFIT/WFET: wait at most until a deadline */
#define ISS_WFX_RN(esr) (((esr) >> 5) & 0x1f)

/* A trapped MSR, MRS or SYS: Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5],
 * CRm [4:1], read [0]. */
#define ISS_SYSREG_MASK	   0x3ffc1eULL /* the register, without Rt and the direction */
#define ISS_SYSREG_READ	   1ULL
#define ISS_SYSREG_RT_MASK (0x1fULL << 5)
#define ISS_OP0(esr)	   ((unsigned)((esr) >> 20) & 3)
#define ISS_OP2(esr)	   ((unsigned)((esr) >> 17) & 7)
#define ISS_OP1(esr)	   ((unsigned)((esr) >> 14) & 7)
#define ISS_CRN(esr)	   ((unsigned)((esr) >> 10) & 0xf)
#define ISS_RT(esr)	   ((unsigned)((esr) >> 5) & 0x1f)
#define ISS_CRM(esr)	   ((unsigned)((esr) >> 1) & 0xf)

#endif
