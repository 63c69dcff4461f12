/* A VM's OP-TEE sessions across OP-TEE's restarts (optee_sessions.h). */
#include "optee_sessions.h"

static int find(const struct tee_sessions *t, uint32_t id)
{
	for (int i = 0; i < TEE_SESSIONS; i++)
		if (t->s[i].used && t->s[i].id == id)
			return i;
	return -1;
}

void tee_session_opened(struct tee_sessions *t, uint32_t id)
{
	int i = find(t, id);
	for (int k = 0; i < 0 && k < TEE_SESSIONS; k++)
		if (!t->s[k].used)
			i = k;
	if (i < 0)
		return; /* not remembered: see optee_sessions.h */
	t->s[i].id = id;
	t->s[i].used = true;
	t->s[i].dead = false;
}

void tee_session_closed(struct tee_sessions *t, uint32_t id)
{
	int i = find(t, id);
	if (i >= 0)
		t->s[i].used = t->s[i].dead = false;
}

void tee_sessions_died(struct tee_sessions *t)
{
	for (int i = 0; i < TEE_SESSIONS; i++)
		if (t->s[i].used)
			t->s[i].dead = true;
}

bool tee_session_dead(const struct tee_sessions *t, uint32_t id)
{
	int i = find(t, id);
	return i >= 0 && t->s[i].dead;
}
