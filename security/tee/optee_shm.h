/*
 * Guest messages to OP-TEE, made safe to hand to the secure world (pure logic, also built
 * and tested on the host): a guest's struct optee_msg_arg is copied into a page of Triad's
 * (a "shadow") once, so the guest cannot change it under OP-TEE's feet, and every memory
 * parameter is translated from the guest's IPAs to physical addresses after checking that
 * it is the guest's RAM. Page lists are rebuilt in shadow pages of their own.
 */
#ifndef TRIAD_OPTEE_SHM_H
#define TRIAD_OPTEE_SHM_H

#include <stdbool.h>
#include <stdint.h>

#include "optee_abi.h"

/* Guest memory and Triad's pages, as the translation needs them. */
struct tee_mem {
	void *ctx;
	/* The PA of [ipa, ipa + len) if all of it is the guest's RAM, else 0. Guest RAM is one
	 * physically contiguous block, so a range has one address. */
	uint64_t (*guest_pa)(void *ctx, uint64_t ipa, uint64_t len);
	/* Triad's pointer to physical memory (Triad maps RAM one to one). */
	void *(*ptr)(void *ctx, uint64_t pa);
	uint64_t (*alloc_page)(void *ctx); /* a zeroed page, or 0 */
	void (*free_page)(void *ctx, uint64_t pa);
};

/* Page lists built for one exchange with OP-TEE, freed once OP-TEE has read them. At most
 * TEE_SHADOW_PAGES list pages: 64 x 511 pages = 127 MiB per exchange. */
#define TEE_SHADOW_PAGES 64
struct tee_shadows {
	uint64_t page[TEE_SHADOW_PAGES];
	unsigned n;
};

void tee_shadows_free(const struct tee_mem *m, struct tee_shadows *s);

/* Translates a guest-given temporary-memory parameter (contiguous, or a page list with
 * OPTEE_MSG_ATTR_NONCONTIG) in place; other kinds are left alone (values carry no address,
 * registered memory is a cookie OP-TEE checks against the guest's own registrations).
 * Returns 0 or a TEEC error. */
uint32_t tee_param_translate(const struct tee_mem *m, struct optee_msg_param *p,
			     struct tee_shadows *s);

/* A guest's CALL_WITH_ARG message at ipa into the shadow page: 0, OPTEE_SMC_RETURN_EBADADDR
 * if the message is not in its RAM (or too long), OPTEE_SMC_RETURN_EBADCMD for a command
 * guests are not offered (as OP-TEE answers one it does not know), or a TEEC error for a bad
 * parameter. */
uint32_t tee_msg_import(const struct tee_mem *m, uint64_t ipa, struct optee_msg_arg *shadow,
			struct tee_shadows *s);
/* The results of a finished call back into the guest's message at ipa: its return code,
 * origin and session, value parameters and memory sizes (never OP-TEE's addresses). */
void tee_msg_export(const struct tee_mem *m, uint64_t ipa, const struct optee_msg_arg *shadow);
/* Reports a failure in the guest's message itself (ret, origin = communication). */
void tee_msg_fail(const struct tee_mem *m, uint64_t ipa, uint32_t teec_error);

/* An RPC message OP-TEE wrote into the shadow (size bytes of room): copied out to the
 * guest's buffer at ipa, and the guest's answer back in (its ret and parameters; OP-TEE's
 * command and parameter count stay), memory parameters translated. false: the guest's
 * buffer is no longer its RAM. */
bool tee_rpc_export(const struct tee_mem *m, uint64_t ipa, uint64_t size,
		    const struct optee_msg_arg *shadow);
bool tee_rpc_import(const struct tee_mem *m, uint64_t ipa, uint64_t size,
		    struct optee_msg_arg *shadow, struct tee_shadows *s);

#endif
