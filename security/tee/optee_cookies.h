/*
 * Which of OP-TEE's shared-memory registrations a guest's call touches, by cookie (pure
 * logic, host-tested). OP-TEE keeps registrations in one list per client, found by cookie,
 * and cannot take a lookup of a registration whose last reference is being dropped: it
 * panics (mobj_get on a zero count), and every VM loses it. Linux's driver never overlaps
 * the two; a guest can. So the mediator lets a VM's calls in flight share a cookie only as
 * users: a call that drops a registration under that cookie runs alone with it.
 */
#ifndef TRIAD_OPTEE_COOKIES_H
#define TRIAD_OPTEE_COOKIES_H

#include <stdbool.h>
#include <stdint.h>

#include "optee_abi.h"

struct tee_cookie_uses {
	unsigned n;
	struct {
		uint64_t cookie;
		/* Drops a registration under the cookie (UNREGISTER_SHM; a temporary page-list
		 * reference, which OP-TEE registers under its shm_ref and drops when the call
		 * ends), rather than looking one up (a registered-memory parameter) or adding
		 * one (REGISTER_SHM: a lookup meanwhile finds it whole, or not at all). */
		bool owns;
	} use[OPTEE_MSG_MAX_PARAMS];
};

/* The cookies a checked message (Triad's copy, after tee_msg_import) touches, as OP-TEE
 * reads it. */
void tee_cookie_uses_of(const struct optee_msg_arg *msg, struct tee_cookie_uses *u);
/* Whether two calls must not be in OP-TEE at once: a cookie both touch, one owning it. The
 * cookie that conflicts is put in *cookie. */
bool tee_cookie_uses_conflict(const struct tee_cookie_uses *a, const struct tee_cookie_uses *b,
			      uint64_t *cookie);

#endif
