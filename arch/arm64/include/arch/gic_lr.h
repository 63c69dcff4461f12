/* The GICv3 list registers by number (ICH_LR<n>_EL2 are separate system registers, so an
 * index needs a switch): shared by Triad's vGIC and the RMM's REC entry. */
#ifndef ARCH_GIC_LR_H
#define ARCH_GIC_LR_H

#include <arch/sysreg.h>
#include <stdint.h>

static inline uint64_t read_lr(unsigned i)
{
	switch (i) {
	case 0:
		return read_sysreg(ICH_LR0_EL2);
	case 1:
		return read_sysreg(ICH_LR1_EL2);
	case 2:
		return read_sysreg(ICH_LR2_EL2);
	case 3:
		return read_sysreg(ICH_LR3_EL2);
	case 4:
		return read_sysreg(ICH_LR4_EL2);
	case 5:
		return read_sysreg(ICH_LR5_EL2);
	case 6:
		return read_sysreg(ICH_LR6_EL2);
	case 7:
		return read_sysreg(ICH_LR7_EL2);
	case 8:
		return read_sysreg(ICH_LR8_EL2);
	case 9:
		return read_sysreg(ICH_LR9_EL2);
	case 10:
		return read_sysreg(ICH_LR10_EL2);
	case 11:
		return read_sysreg(ICH_LR11_EL2);
	case 12:
		return read_sysreg(ICH_LR12_EL2);
	case 13:
		return read_sysreg(ICH_LR13_EL2);
	case 14:
		return read_sysreg(ICH_LR14_EL2);
	default:
		return read_sysreg(ICH_LR15_EL2);
	}
}

static inline void write_lr(unsigned i, uint64_t v)
{
	switch (i) {
	case 0:
		write_sysreg(ICH_LR0_EL2, v);
		break;
	case 1:
		write_sysreg(ICH_LR1_EL2, v);
		break;
	case 2:
		write_sysreg(ICH_LR2_EL2, v);
		break;
	case 3:
		write_sysreg(ICH_LR3_EL2, v);
		break;
	case 4:
		write_sysreg(ICH_LR4_EL2, v);
		break;
	case 5:
		write_sysreg(ICH_LR5_EL2, v);
		break;
	case 6:
		write_sysreg(ICH_LR6_EL2, v);
		break;
	case 7:
		write_sysreg(ICH_LR7_EL2, v);
		break;
	case 8:
		write_sysreg(ICH_LR8_EL2, v);
		break;
	case 9:
		write_sysreg(ICH_LR9_EL2, v);
		break;
	case 10:
		write_sysreg(ICH_LR10_EL2, v);
		break;
	case 11:
		write_sysreg(ICH_LR11_EL2, v);
		break;
	case 12:
		write_sysreg(ICH_LR12_EL2, v);
		break;
	case 13:
		write_sysreg(ICH_LR13_EL2, v);
		break;
	case 14:
		write_sysreg(ICH_LR14_EL2, v);
		break;
	default:
		write_sysreg(ICH_LR15_EL2, v);
		break;
	}
}

#endif
