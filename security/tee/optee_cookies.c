/* Shared-memory cookies a guest's call touches, and which calls must not overlap (see
 * optee_cookies.h). */
#include "optee_cookies.h"

static void add(struct tee_cookie_uses *u, uint64_t cookie, bool owns)
{
	u->use[u->n].cookie = cookie;
	u->use[u->n].owns = owns;
	u->n++;
}

void tee_cookie_uses_of(const struct optee_msg_arg *msg, struct tee_cookie_uses *u)
{
	u->n = 0;
	uint32_t n =
	    msg->num_params < OPTEE_MSG_MAX_PARAMS ? msg->num_params : OPTEE_MSG_MAX_PARAMS;
	if (msg->cmd == OPTEE_MSG_CMD_UNREGISTER_SHM || msg->cmd == OPTEE_MSG_CMD_REGISTER_SHM) {
		/* OP-TEE takes the cookie of the one parameter (unregistering: whatever its
		 * type says; rmem.shm_ref and tmem.shm_ref are the same field). */
		if (n == 1)
			add(u, msg->params[0].u.rmem.shm_ref,
			    msg->cmd == OPTEE_MSG_CMD_UNREGISTER_SHM);
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct optee_msg_param *p = &msg->params[i];
		uint64_t t = p->attr & OPTEE_MSG_ATTR_TYPE_MASK;
		if (t >= OPTEE_MSG_ATTR_RMEM_FIRST && t <= OPTEE_MSG_ATTR_RMEM_LAST)
			add(u, p->u.rmem.shm_ref, false);
		else if (t >= OPTEE_MSG_ATTR_TMEM_FIRST && t <= OPTEE_MSG_ATTR_TMEM_LAST &&
			 (p->attr & OPTEE_MSG_ATTR_NONCONTIG))
			add(u, p->u.tmem.shm_ref, true);
	}
}

bool tee_cookie_uses_conflict(const struct tee_cookie_uses *a, const struct tee_cookie_uses *b,
			      uint64_t *cookie)
{
	for (unsigned i = 0; i < a->n; i++)
		for (unsigned j = 0; j < b->n; j++)
			if (a->use[i].cookie == b->use[j].cookie &&
			    (a->use[i].owns || b->use[j].owns)) {
				*cookie = a->use[i].cookie;
				return true;
			}
	return false;
}
