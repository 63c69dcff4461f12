/*
 * A VM's OP-TEE sessions, as far as OP-TEE's restart needs them (pure logic, host-tested):
 * the sessions it opened are remembered until it closes them; when OP-TEE restarts, they
 * all die, and a call into a dead session is answered TEEC_ERROR_TARGET_DEAD by the
 * mediator (as OP-TEE answers a session whose TA died) instead of reaching the new OP-TEE,
 * which never knew it; closing it succeeds. A new session the new OP-TEE numbers like a
 * dead one is alive again. Past TEE_SESSIONS open at once, the extra are not remembered:
 * after a restart, the new OP-TEE answers them itself (an unknown session).
 */
#ifndef TRIAD_OPTEE_SESSIONS_H
#define TRIAD_OPTEE_SESSIONS_H

#include <stdbool.h>
#include <stdint.h>

#define TEE_SESSIONS 32

struct tee_sessions {
	struct {
		uint32_t id;
		bool used, dead;
	} s[TEE_SESSIONS];
};

void tee_session_opened(struct tee_sessions *t, uint32_t id);
void tee_session_closed(struct tee_sessions *t, uint32_t id);
/* OP-TEE restarted: every session remembered is dead. */
void tee_sessions_died(struct tee_sessions *t);
bool tee_session_dead(const struct tee_sessions *t, uint32_t id);

#endif
