/*
 * The Realm world's interfaces (Arm RMM 1.0, DEN0137; the RMM-EL3 interface of TF-A's
 * RMMD, version 0.4): function IDs and status codes shared by the host (Triad at Normal
 * EL2), the EL3 monitor and the RMM at Realm EL2. All are SMC64 Standard Service calls.
 */
#ifndef TRIAD_RMM_ABI_H
#define TRIAD_RMM_ABI_H

#include <stdint.h>

/* RMI: host -> RMM (the monitor forwards this range to the Realm world). */
#define RMI_FID_FIRST		  0xc4000150U
#define RMI_FID_LAST		  0xc400018fU
#define RMI_VERSION		  0xc4000150U
#define RMI_GRANULE_DELEGATE	  0xc4000151U
#define RMI_GRANULE_UNDELEGATE	  0xc4000152U
#define RMI_DATA_CREATE		  0xc4000153U
#define RMI_DATA_CREATE_UNKNOWN	  0xc4000154U
#define RMI_DATA_DESTROY	  0xc4000155U
#define RMI_REALM_ACTIVATE	  0xc4000157U
#define RMI_REALM_CREATE	  0xc4000158U
#define RMI_REALM_DESTROY	  0xc4000159U
#define RMI_REC_CREATE		  0xc400015aU
#define RMI_REC_DESTROY		  0xc400015bU
#define RMI_REC_ENTER		  0xc400015cU
#define RMI_RTT_CREATE		  0xc400015dU
#define RMI_RTT_DESTROY		  0xc400015eU
#define RMI_RTT_MAP_UNPROTECTED	  0xc400015fU
#define RMI_RTT_READ_ENTRY	  0xc4000161U
#define RMI_RTT_UNMAP_UNPROTECTED 0xc4000162U
#define RMI_PSCI_COMPLETE	  0xc4000164U
#define RMI_FEATURES		  0xc4000165U
#define RMI_RTT_FOLD		  0xc4000166U
#define RMI_REC_AUX_COUNT	  0xc4000167U
#define RMI_RTT_INIT_RIPAS	  0xc4000168U
#define RMI_RTT_SET_RIPAS	  0xc4000169U

#define RMI_ABI_VERSION 0x00010000U /* 1.0: major << 16 | minor */

/* RmiFeatureRegister0 (RMI_FEATURES index 0, RMM 1.0 B4.4.4). The counts of breakpoints,
 * watchpoints and list registers are minus one, as the ID registers give them. */
#define FEAT0_S2SZ_SHIFT	   0
#define FEAT0_LPA2		   (1ULL << 8)
#define FEAT0_SVE_EN		   (1ULL << 9)
#define FEAT0_SVE_VL_SHIFT	   10 /* [13:10]: the longest vectors, (SVE_VL + 1) * 128 bits */
#define FEAT0_NUM_BPS_SHIFT	   14 /* [19:14] */
#define FEAT0_NUM_WPS_SHIFT	   20 /* [25:20] */
#define FEAT0_PMU_EN		   (1ULL << 26)
#define FEAT0_HASH_SHA_256	   (1ULL << 32)
#define FEAT0_HASH_SHA_512	   (1ULL << 33)
#define FEAT0_GICV3_NUM_LRS_SHIFT  34 /* [37:34] */
#define FEAT0_MAX_RECS_ORDER_SHIFT 38 /* [41:38]: up to 2^order - 1 RECs per realm */
/* RmiRealmFlags (RmiRealmParams.flags) */
#define REALM_FLAG_LPA2 (1ULL << 0)
#define REALM_FLAG_SVE	(1ULL << 1)
#define REALM_FLAG_PMU	(1ULL << 2)

/* RMI status (x0): status[7:0], index[15:8]. */
#define RMI_SUCCESS	  0
#define RMI_ERROR_INPUT	  1
#define RMI_ERROR_REALM	  2
#define RMI_ERROR_REC	  3
#define RMI_ERROR_RTT	  4
#define SMC_NOT_SUPPORTED 0xffffffffffffffffULL

/* RMM -> EL3 */
#define RMM_GTSI_DELEGATE    0xc40001b0U
#define RMM_GTSI_UNDELEGATE  0xc40001b1U
#define RMM_RMI_REQ_COMPLETE 0xc400018fU /* results x1-x5 become the host's x0-x4 */
#define RMM_BOOT_COMPLETE    0xc40001cfU /* x1: 0 or a negative boot error */
/* x1 buffer (the shared page), x2 its size, x3 curve (0: P-384): x1 the key's size */
#define RMM_ATTEST_GET_REALM_KEY 0xc40001b2U
/* x1 buffer with the challenge, x2 its size, x3 challenge size (0: continue): x1 this
 * hunk's size, x2 what remains */
#define RMM_ATTEST_GET_PLAT_TOKEN 0xc40001b3U

#define RMM_EL3_IFC_VERSION 0x00000004U /* 0.4: major [30:16], minor [15:0] */

/* Errors of the RMM-EL3 calls (x0) and of the boot (RMM_BOOT_COMPLETE's x1). */
#define E_RMM_OK		       0
#define E_RMM_UNK		       -1
#define E_RMM_BAD_ADDR		       -2
#define E_RMM_BAD_PAS		       -3
#define E_RMM_INVAL		       -5
#define RMM_BOOT_VERSION_NOT_VALID     -2
#define RMM_BOOT_CPUS_OUT_OF_RANGE     -3
#define RMM_BOOT_CPU_ID_OUT_OF_RANGE   -4
#define RMM_BOOT_INVALID_SHARED_BUFFER -5
#define RMM_BOOT_MANIFEST_VERSION      -6
#define RMM_BOOT_MANIFEST_DATA	       -7

/* The boot manifest EL3 leaves at the start of the shared page for the cold boot (TF-A's
 * v0.3 layout): the DRAM banks, each {base, size}, in the same page. A checksum makes the
 * sum of its block's count, pointer, every word of the array and itself zero. */
#define RMM_MANIFEST_VERSION 0x3U /* 0.3 */
struct rmm_manifest {
	uint32_t version, padding;
	uint64_t plat_data;
	uint64_t dram_banks, dram_bank_array, dram_checksum;
	uint64_t consoles, console_array, console_checksum;
};
struct rmm_dram_bank {
	uint64_t base, size;
};
/* The RMM's image and data take at most this much of the start of its region; its table of
 * granule states (a byte per granule of the DRAM the manifest gives) follows: EL3 sizes
 * the region for both. */
#define RMM_IMAGE_MAX 0x200000UL

/* RmmRipas (RMI and RSI alike), and RSI's success. */
#define RIPAS_EMPTY	0
#define RIPAS_RAM	1
#define RIPAS_DESTROYED 2
#define RSI_SUCCESS	0

#endif
