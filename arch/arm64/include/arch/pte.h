/* VMSAv8-64 translation table descriptors, 4 KB granule: the bits stage-1 (EL2) and
 * stage-2 tables of every image are built from (Arm ARM D8.3). */
#ifndef ARCH_PTE_H
#define ARCH_PTE_H

#include <stdbool.h>
#include <stdint.h>

#define PTE_VALID     (1UL << 0)
#define PTE_TABLE     (1UL << 1) /* table at levels 0-2, page at level 3 */
#define PTE_NS	      (1UL << 5) /* stage 1 at Secure or Realm EL2: the Non-secure PAS */
#define PTE_AF	      (1UL << 10)
#define PTE_SH_INNER  (3UL << 8)
#define PTE_XN	      (1UL << 54)
#define PTE_ADDR_MASK 0x0000fffffffff000UL
#define PTE_ATTR_MASK (~PTE_ADDR_MASK & ~3UL)

/* Stage-1 (EL2) leaf attributes, with MAIR_ELx index 0 Device-nGnRE and 1 Normal WB. */
#define S1_ATTR_IDX(n) ((uint64_t)(n) << 2)
#define S1_MAIR_DEVICE 0
#define S1_MAIR_NORMAL 1
#define S1_MAIR_VALUE  ((0x04UL << (8 * S1_MAIR_DEVICE)) | (0xffUL << (8 * S1_MAIR_NORMAL)))
#define S1_AP_RO       (1UL << 7)
#define S1_NORMAL_RW   (S1_ATTR_IDX(S1_MAIR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_XN)
#define S1_NORMAL_RX   (S1_ATTR_IDX(S1_MAIR_NORMAL) | PTE_SH_INNER | PTE_AF | S1_AP_RO)
#define S1_NORMAL_RO   (S1_NORMAL_RW | S1_AP_RO)
#define S1_DEVICE_RW   (S1_ATTR_IDX(S1_MAIR_DEVICE) | PTE_AF | PTE_XN)

/* Stage-2 leaf attributes (MemAttr[5:2], S2AP[7:6], XN[54:53]). */
#define S2_MEMATTR_DEVICE (1UL << 2)   /* Device-nGnRE */
#define S2_MEMATTR_NORMAL (0xfUL << 2) /* Normal, inner/outer write-back */
#define S2_AP_R		  (1UL << 6)
#define S2_AP_W		  (1UL << 7)
#define S2_NS		  (1UL << 55) /* Realm stage 2: the output is in the Non-secure PAS */
#define S2_NORMAL_RWX	  (S2_MEMATTR_NORMAL | S2_AP_R | S2_AP_W | PTE_SH_INNER | PTE_AF)
#define S2_DEVICE_RW	  (S2_MEMATTR_DEVICE | S2_AP_R | S2_AP_W | PTE_AF | PTE_XN)

/* The address bits below an entry of this level (0-3): what a block or page there maps. */
static inline unsigned pte_level_shift(int level)
{
	return 12 + 9 * (unsigned)(3 - level);
}

static inline bool pte_is_table(uint64_t pte, int level)
{
	return level < 3 && (pte & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE);
}

/* The type bits of a leaf at this level: a page at 3, a block above. */
static inline uint64_t pte_leaf_type(int level)
{
	return level == 3 ? (PTE_VALID | PTE_TABLE) : PTE_VALID;
}

#endif
