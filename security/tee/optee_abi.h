/*
 * OP-TEE's SMC and message ABI, as far as the normal-world mediator uses it (the facts are
 * OP-TEE's optee_smc.h / optee_msg.h, also in Linux's drivers/tee/optee). All function IDs
 * are SMC32; "pairs" of registers carry 64-bit values as hi:lo.
 */
#ifndef TRIAD_OPTEE_ABI_H
#define TRIAD_OPTEE_ABI_H

#include <stdint.h>

/* Fast calls */
#define OPTEE_SMC_CALLS_COUNT		0xbf00ff00U
#define OPTEE_SMC_CALLS_UID		0xbf00ff01U
#define OPTEE_SMC_CALLS_REVISION	0xbf00ff03U
#define OPTEE_SMC_GET_OS_UUID		0xb2000000U
#define OPTEE_SMC_GET_OS_REVISION	0xb2000001U
#define OPTEE_SMC_GET_SHM_CONFIG	0xb2000007U
#define OPTEE_SMC_EXCHANGE_CAPABILITIES 0xb2000009U
#define OPTEE_SMC_DISABLE_SHM_CACHE	0xb200000aU
#define OPTEE_SMC_ENABLE_SHM_CACHE	0xb200000bU
#define OPTEE_SMC_VM_CREATED		0xb200000dU
#define OPTEE_SMC_VM_DESTROYED		0xb200000eU
#define OPTEE_SMC_GET_THREAD_COUNT	0xb200000fU
/* Yielding calls */
#define OPTEE_SMC_RETURN_FROM_RPC 0x32000003U
#define OPTEE_SMC_CALL_WITH_ARG	  0x32000004U

/* EXCHANGE_CAPABILITIES: what the secure world offers (a1 of the answer) */
#define OPTEE_CAP_HAVE_RESERVED_SHM (1U << 0)
#define OPTEE_CAP_UNREGISTERED_SHM  (1U << 1)
#define OPTEE_CAP_DYNAMIC_SHM	    (1U << 2)
#define OPTEE_CAP_MEMREF_NULL	    (1U << 4)
/* ... and what the normal world says of itself (a1 of the call) */
#define OPTEE_NSEC_CAP_UNIPROCESSOR (1U << 0)

/* Return codes (a0) */
#define OPTEE_SMC_RETURN_OK		  0x0U
#define OPTEE_SMC_RETURN_ETHREAD_LIMIT	  0x1U
#define OPTEE_SMC_RETURN_ERESUME	  0x3U
#define OPTEE_SMC_RETURN_EBADADDR	  0x4U
#define OPTEE_SMC_RETURN_EBADCMD	  0x5U
#define OPTEE_SMC_RETURN_ENOTAVAIL	  0x7U
#define OPTEE_SMC_RETURN_UNKNOWN_FUNCTION 0xffffffffU
/* A yielding call that needs the normal world first: a0 = one of these, a3 = thread. */
/* (UNKNOWN_FUNCTION, 0xffffffff, is an answer, not an RPC.) */
#define OPTEE_SMC_IS_RPC(a0)	   (((a0)&0xffffff00U) == 0xffff0000U)
#define OPTEE_SMC_RPC_ALLOC	   0xffff0000U /* a1 = size; answer a1:a2 = PA, a4:a5 = cookie */
#define OPTEE_SMC_RPC_FREE	   0xffff0002U /* a1:a2 = cookie */
#define OPTEE_SMC_RPC_FOREIGN_INTR 0xffff0004U
#define OPTEE_SMC_RPC_CMD	   0xffff0005U /* a1:a2 = cookie of the RPC's message */

/* Messages (struct optee_msg_arg) */
#define OPTEE_MSG_ATTR_TYPE_MASK   0xffU
#define OPTEE_MSG_ATTR_TYPE_NONE   0x0U
#define OPTEE_MSG_ATTR_VALUE_FIRST 0x1U /* input, output, inout: 1-3 */
#define OPTEE_MSG_ATTR_VALUE_LAST  0x3U
#define OPTEE_MSG_ATTR_RMEM_FIRST  0x5U /* registered memory: a cookie, no address */
#define OPTEE_MSG_ATTR_RMEM_LAST   0x7U
#define OPTEE_MSG_ATTR_TMEM_FIRST  0x9U /* temporary memory: a physical address */
#define OPTEE_MSG_ATTR_TMEM_LAST   0xbU
#define OPTEE_MSG_ATTR_NONCONTIG   (1U << 9) /* buf_ptr is a page list */
#define OPTEE_MSG_PAGE_SIZE	   4096U
/* A page-list page: 511 page addresses, then the address of the next list page. */
#define OPTEE_MSG_LIST_ENTRIES 511U

/* Message commands (optee_msg_arg.cmd) */
#define OPTEE_MSG_CMD_OPEN_SESSION     0
#define OPTEE_MSG_CMD_INVOKE_COMMAND   1
#define OPTEE_MSG_CMD_CLOSE_SESSION    2
#define OPTEE_MSG_CMD_REGISTER_SHM     4
#define OPTEE_MSG_CMD_UNREGISTER_SHM   5
#define OPTEE_MSG_CMD_DO_BOTTOM_HALF   6 /* asynchronous notifications only */
#define OPTEE_MSG_CMD_STOP_ASYNC_NOTIF 7

/* RPC commands OP-TEE sends in an RPC_CMD message */
#define OPTEE_RPC_CMD_NOTIFICATION  4 /* params[0] value: a = WAIT or SEND, b = value, c = ms */
#define OPTEE_RPC_CMD_SHM_ALLOC	    6 /* the answer: memory for OP-TEE, in params[0] */
#define OPTEE_RPC_NOTIFICATION_WAIT 0
#define OPTEE_RPC_NOTIFICATION_SEND 1

/* TEEC error codes the mediator reports in a message's ret, origin "communication" */
#define TEEC_SUCCESS		  0x0U
#define TEEC_ERROR_BAD_PARAMETERS 0xffff0006U
#define TEEC_ERROR_OUT_OF_MEMORY  0xffff000cU
#define TEEC_ERROR_BUSY		  0xffff000dU
#define TEEC_ERROR_TARGET_DEAD	  0xffff3024U
#define TEEC_ERROR_TIMEOUT	  0xffff3001U
#define TEEC_ORIGIN_COMMS	  0x2U

struct optee_msg_param {
	uint64_t attr;
	union {
		struct {
			uint64_t buf_ptr, size, shm_ref;
		} tmem;
		struct {
			uint64_t offs, size, shm_ref;
		} rmem;
		struct {
			uint64_t a, b, c;
		} value;
	} u;
};

struct optee_msg_arg {
	uint32_t cmd, func, session, cancel_id, pad, ret, ret_origin, num_params;
	struct optee_msg_param params[];
};

#define OPTEE_MSG_ARG_SIZE(n) (sizeof(struct optee_msg_arg) + (n) * sizeof(struct optee_msg_param))
/* The most parameters a message may have here: it must fit in one shadow page. */
#define OPTEE_MSG_MAX_PARAMS ((OPTEE_MSG_PAGE_SIZE - sizeof(struct optee_msg_arg)) / 32)

#endif
