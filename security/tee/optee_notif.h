/*
 * OP-TEE's synchronous notifications (RPC_CMD NOTIFICATION), answered by the mediator for
 * each VM as Linux's driver answers them in its kernel (pure logic, host-tested). An OP-TEE
 * thread that must wait for another (a mutex, a condition variable: its wait queue) asks
 * the normal world to WAIT on a value (its thread ID plus a base); the thread that releases
 * it SENDs that value. A guest must not be the one to answer: OP-TEE cannot survive a
 * failed wake-up (the waiter sleeps on, or a woken thread goes on into freed state). So
 * the mediator keeps, per VM, which call waits on which value and which values were sent
 * with nobody waiting yet (the next WAIT on them returns at once).
 */
#ifndef TRIAD_OPTEE_NOTIF_H
#define TRIAD_OPTEE_NOTIF_H

#include <stdbool.h>
#include <stdint.h>

#include "optee_abi.h"

#define TEE_NOTIF_VALUES 256 /* as Linux allows, above OP-TEE's NOTIF_VALUE_MAX */

struct tee_notif {
	uint64_t posted[TEE_NOTIF_VALUES / 64]; /* sent while nobody waited */
	uint8_t waiter[TEE_NOTIF_VALUES];	/* 1 + the call waiting on it, 0: none */
};

/* A NOTIFICATION request read from the RPC message OP-TEE wrote (Triad's copy). */
struct tee_notif_req {
	bool send; /* SEND, else WAIT */
	uint32_t value;
	uint32_t timeout_ms; /* WAIT: 0 = none */
};

/* Whether msg (a whole page) is a NOTIFICATION request; *bad (if so) when it is malformed
 * (not one value parameter, an unknown operation, a value out of range): answered
 * BAD_PARAMETERS, as Linux does. */
bool tee_notif_parse(const struct optee_msg_arg *msg, struct tee_notif_req *r, bool *bad);

enum tee_notif_wait { TEE_NOTIF_GO_ON, TEE_NOTIF_WAITS, TEE_NOTIF_REFUSED };
/* Call `call` asks to wait on value: GO_ON if it was sent already (consumed), WAITS once
 * recorded, REFUSED if another call waits on it already (as Linux refuses). */
enum tee_notif_wait tee_notif_wait(struct tee_notif *n, uint32_t value, unsigned call);
/* A SEND: the call it wakes (no longer waiting), or -1 if nobody waits (kept for the next
 * WAIT). */
int tee_notif_send(struct tee_notif *n, uint32_t value);
/* Call `call` no longer waits (it timed out, or ended). */
void tee_notif_forget(struct tee_notif *n, unsigned call);

#endif
