/* OP-TEE's wait-queue notifications, per VM (see optee_notif.h). */
#include "optee_notif.h"

bool tee_notif_parse(const struct optee_msg_arg *msg, struct tee_notif_req *r, bool *bad)
{
	if (msg->cmd != OPTEE_RPC_CMD_NOTIFICATION)
		return false;
	const struct optee_msg_param *p = &msg->params[0];
	*bad = msg->num_params != 1 ||
	       (p->attr & OPTEE_MSG_ATTR_TYPE_MASK) != OPTEE_MSG_ATTR_VALUE_FIRST /* input */;
	if (*bad)
		return true;
	uint64_t op = p->u.value.a, value = p->u.value.b;
	*bad = (op != OPTEE_RPC_NOTIFICATION_WAIT && op != OPTEE_RPC_NOTIFICATION_SEND) ||
	       value >= TEE_NOTIF_VALUES;
	r->send = op == OPTEE_RPC_NOTIFICATION_SEND;
	r->value = (uint32_t)value;
	r->timeout_ms = r->send ? 0 : (uint32_t)p->u.value.c;
	return true;
}

static bool test_and_clear(uint64_t *bits, uint32_t i)
{
	bool was = bits[i / 64] >> (i % 64) & 1;
	bits[i / 64] &= ~(1ULL << (i % 64));
	return was;
}

enum tee_notif_wait tee_notif_wait(struct tee_notif *n, uint32_t value, unsigned call)
{
	if (test_and_clear(n->posted, value))
		return TEE_NOTIF_GO_ON;
	if (n->waiter[value])
		return TEE_NOTIF_REFUSED;
	n->waiter[value] = (uint8_t)(call + 1);
	return TEE_NOTIF_WAITS;
}

int tee_notif_send(struct tee_notif *n, uint32_t value)
{
	int call = (int)n->waiter[value] - 1;
	if (call >= 0)
		n->waiter[value] = 0;
	else
		n->posted[value / 64] |= 1ULL << (value % 64);
	return call;
}

void tee_notif_forget(struct tee_notif *n, unsigned call)
{
	for (unsigned i = 0; i < TEE_NOTIF_VALUES; i++)
		if (n->waiter[i] == call + 1)
			n->waiter[i] = 0;
}
