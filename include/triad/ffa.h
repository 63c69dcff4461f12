/* Arm Firmware Framework for A-profile (FF-A, DEN0077, v1.2): the function IDs, status
 * codes and encodings Triad's SPMC (Secure EL2, security/ffa/spmc.c) and its normal-world
 * endpoint (security/ffa/ffa_hyp.c) share. Pure definitions: also built on the host. */
#ifndef TRIAD_FFA_H
#define TRIAD_FFA_H

#include <stdbool.h>
#include <stdint.h>

#define FFA_SMC64 0x40000000U

#define FFA_ERROR		    0x84000060U
#define FFA_SUCCESS		    0x84000061U
#define FFA_SUCCESS64		    0xc4000061U
#define FFA_VERSION		    0x84000063U
#define FFA_FEATURES		    0x84000064U
#define FFA_RX_RELEASE		    0x84000065U
#define FFA_RXTX_MAP		    0x84000066U /* and its SMC64 form */
#define FFA_RXTX_UNMAP		    0x84000067U
#define FFA_PARTITION_INFO_GET	    0x84000068U
#define FFA_ID_GET		    0x84000069U
#define FFA_MSG_WAIT		    0x8400006bU
#define FFA_MSG_SEND_DIRECT_REQ	    0x8400006fU /* and its SMC64 form */
#define FFA_MSG_SEND_DIRECT_RESP    0x84000070U /* and its SMC64 form */
#define FFA_RX_ACQUIRE		    0x84000084U
#define FFA_SPM_ID_GET		    0x84000085U
#define FFA_MSG_SEND2		    0x84000086U
#define FFA_SECONDARY_EP_REGISTER   0xc4000087U /* SMC64 only */
#define FFA_PARTITION_INFO_GET_REGS 0xc400008bU
#define FFA_MSG_SEND_DIRECT_REQ2    0xc400008dU
#define FFA_MSG_SEND_DIRECT_RESP2   0xc400008eU

/* Notifications (FF-A v1.1 chapter 10): register-only ABIs, 32-bit but INFO_GET. */
#define FFA_NOTIFICATION_BITMAP_CREATE	0x8400007dU
#define FFA_NOTIFICATION_BITMAP_DESTROY 0x8400007eU
#define FFA_NOTIFICATION_BIND		0x8400007fU
#define FFA_NOTIFICATION_UNBIND		0x84000080U
#define FFA_NOTIFICATION_SET		0x84000081U
#define FFA_NOTIFICATION_GET		0x84000082U
#define FFA_NOTIFICATION_INFO_GET	0x84000083U /* and its SMC64 form */
#define FFA_NO_DATA			0xfffffff9U /* -7: INFO_GET with nothing pending */
/* FFA_FEATURES' feature IDs (w1 bit 31 clear, below 0x100): the interrupts' IDs in w2. */
#define FFA_FEATURE_NPI 1U /* Notification Pending Interrupt */
#define FFA_FEATURE_SRI 2U /* Schedule Receiver Interrupt */
/* Flags: BIND's and SET's bit 0; SET's bit 1 and vCPU ID [31:16]; GET's bitmaps. */
#define FFA_NOTIF_PER_VCPU     (1U << 0)
#define FFA_NOTIF_DELAY_SRI    (1U << 1)
#define FFA_NOTIF_GET_FROM_SP  (1U << 0)
#define FFA_NOTIF_GET_FROM_VM  (1U << 1)
#define FFA_NOTIF_GET_FROM_SPM (1U << 2)
#define FFA_NOTIF_GET_FROM_HYP (1U << 3)
/* Framework notification bit 0 (GET's w6/w7): the receiver's RX buffer holds a message. */
#define FFA_NOTIF_FW_RX_FULL	 (1U << 0)
#define FFA_NOTIF_INFO_MORE	 (1U << 0) /* INFO_GET's w2: more pending than listed */
#define FFA_NOTIF_INFO_LISTS(w2) (((w2) >> 7) & 0x1fU)
/* The number of vCPU IDs after the endpoint ID in list i of INFO_GET's answer. */
#define FFA_NOTIF_INFO_VCPUS(w2, i) (((w2) >> (12 + 2 * (i))) & 3U)
/* Memory management (include/triad/ffa_mem.h has the descriptors). */
#define FFA_MEM_DONATE	      0x84000071U /* and its SMC64 form */
#define FFA_MEM_LEND	      0x84000072U /* and its SMC64 form */
#define FFA_MEM_SHARE	      0x84000073U /* and its SMC64 form */
#define FFA_MEM_RETRIEVE_REQ  0x84000074U /* and its SMC64 form */
#define FFA_MEM_RETRIEVE_RESP 0x84000075U
#define FFA_MEM_RELINQUISH    0x84000076U
#define FFA_MEM_RECLAIM	      0x84000077U
#define FFA_MEM_FRAG_RX	      0x8400007aU
#define FFA_MEM_FRAG_TX	      0x8400007bU

/* The FF-A ranges of SMCCC's standard service: 32- and 64-bit calls. */
#define FFA_FID_IS(fid) (((fid) & ~FFA_SMC64) >= 0x84000060U && ((fid) & ~FFA_SMC64) <= 0x840000ffU)

/* Version words: major [30:16], minor [15:0], bit 31 zero. */
#define FFA_VERSION_1_0	 0x00010000U
#define FFA_VERSION_1_1	 0x00010001U
#define FFA_VERSION_1_2	 0x00010002U
#define FFA_VERSION_OURS FFA_VERSION_1_2

/* Status codes (w2 of FFA_ERROR; w0 of FFA_VERSION for NOT_SUPPORTED), 32-bit. */
#define FFA_NOT_SUPPORTED      0xffffffffU /* -1 */
#define FFA_INVALID_PARAMETERS 0xfffffffeU /* -2 */
#define FFA_NO_MEMORY	       0xfffffffdU /* -3 */
#define FFA_BUSY	       0xfffffffcU /* -4 */
#define FFA_DENIED	       0xfffffffaU /* -6 */
#define FFA_ABORTED	       0xfffffff8U /* -8 */

/* Endpoint IDs: bit 15 set is the secure world. */
#define FFA_HYPERVISOR_ID    0x0000U
#define FFA_SPMC_ID	     0x8000U
#define FFA_ID_IS_SECURE(id) (((id)&0x8000U) != 0)

/* Partition properties (partition information descriptor, and Triad's manifest). */
#define FFA_PROP_DIRECT_REQ_RECV  (1U << 0)
#define FFA_PROP_DIRECT_REQ_SEND  (1U << 1)
#define FFA_PROP_AARCH64	  (1U << 8)
#define FFA_PROP_DIRECT_REQ2_RECV (1U << 9)
#define FFA_PROP_DIRECT_REQ2_SEND (1U << 10)

/* Descriptor sizes of FFA_PARTITION_INFO_GET: v1.0 has no protocol UUID. */
#define FFA_PART_INFO_SIZE_1_0 8U
#define FFA_PART_INFO_SIZE     24U
/* FFA_PARTITION_INFO_GET_REGS: descriptors per answer, three registers each. */
#define FFA_PART_INFO_REGS_MAX 5U

/* Payload registers: DIRECT_REQ/RESP use x3-x7, DIRECT_REQ2/RESP2 x4-x17; calls of v1.2
 * are made with x0-x17 (SMCCC 1.2), the others with x0-x7. */
#define FFA_NREGS 18

static inline uint32_t ffa_base(uint32_t fid)
{
	return fid & ~FFA_SMC64;
}

static inline bool ffa_is_direct_req(uint32_t fid)
{
	return ffa_base(fid) == FFA_MSG_SEND_DIRECT_REQ || fid == FFA_MSG_SEND_DIRECT_REQ2;
}

/* The answer a DIRECT_REQ of this kind expects: RESP of the same width, or RESP2. */
static inline uint32_t ffa_resp_for(uint32_t req_fid)
{
	if (req_fid == FFA_MSG_SEND_DIRECT_REQ2)
		return FFA_MSG_SEND_DIRECT_RESP2;
	return FFA_MSG_SEND_DIRECT_RESP | (req_fid & FFA_SMC64);
}

/* SMCCC: a 32-bit call (SMC32/HVC32) passes its arguments in w1-w7; the upper halves of
 * x1-x7 are not the caller's to use, and are ignored (taken as zero). Applied to every
 * 32-bit FF-A call where it arrives (Normal EL2 from a VM; the SPMC from the normal world or
 * a partition) before anything reads it, so no such call is refused for them. */
static inline void ffa_smc32_args(uint64_t r[FFA_NREGS])
{
	if ((uint32_t)r[0] & FFA_SMC64)
		return;
	for (int i = 1; i < 8; i++)
		r[i] = (uint32_t)r[i];
}

/* Sets r to FFA_ERROR(code), the other registers zero. */
static inline void ffa_set_error(uint64_t r[FFA_NREGS], uint32_t code)
{
	for (int i = 0; i < FFA_NREGS; i++)
		r[i] = 0;
	r[0] = FFA_ERROR;
	r[2] = code;
}

/* Sets r to FFA_SUCCESS(32) with w2 = a2, w3 = a3, the other registers zero. */
static inline void ffa_set_success(uint64_t r[FFA_NREGS], uint64_t a2, uint64_t a3)
{
	for (int i = 0; i < FFA_NREGS; i++)
		r[i] = 0;
	r[0] = FFA_SUCCESS;
	r[2] = a2;
	r[3] = a3;
}

/* A partition as the normal world sees it (FFA_PARTITION_INFO_GET). */
struct ffa_partition_info {
	uint16_t id;
	uint16_t exec_ctx;
	uint32_t props;
	uint32_t uuid[4]; /* as FF-A passes it: four 32-bit words */
};

/* Whether info matches the UUID filter (all zero: every partition). */
static inline bool ffa_uuid_matches(const uint32_t want[4], const uint32_t uuid[4])
{
	if (!(want[0] | want[1] | want[2] | want[3]))
		return true;
	return want[0] == uuid[0] && want[1] == uuid[1] && want[2] == uuid[2] && want[3] == uuid[3];
}

#endif
