/* A physical CPU's index from its MPIDR_EL1: Aff0 + 16 * Aff1, as QEMU virt numbers its
 * CPUs (16 per cluster) and as every Triad image indexes its per-CPU state. */
#ifndef ARCH_MPIDR_H
#define ARCH_MPIDR_H

#define MPIDR_CPUS_PER_CLUSTER 16
#define MPIDR_AFF_MASK	       0xff00ffffffUL /* Aff3, Aff2, Aff1, Aff0 */

#ifdef __ASSEMBLER__
/* \out = the index of the CPU whose MPIDR is in \mpidr (\tmp is clobbered). */
// clang-format off
.macro mpidr_cpu_index out, mpidr, tmp
	and	\tmp, \mpidr, #0xff
	ubfx	\out, \mpidr, #8, #8
	add	\out, \tmp, \out, lsl #4
.endm
// clang-format on
#else
#include <stdint.h>

static inline unsigned mpidr_cpu_index(uint64_t mpidr)
{
	return (unsigned)((mpidr & 0xff) + ((mpidr >> 8) & 0xff) * MPIDR_CPUS_PER_CLUSTER);
}
#endif

#endif
