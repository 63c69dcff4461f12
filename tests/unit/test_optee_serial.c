// sources: security/tee/optee_cookies.c security/tee/optee_notif.c
/* What keeps a VM's requests well-formed for OP-TEE when the VM is not: which of its calls
 * may be in OP-TEE at once by the shared-memory cookies they touch (issue 29: a lookup
 * racing an unregistration panicked OP-TEE), and the wait-queue notifications the mediator
 * answers itself (sleep until woken, a wake-up before the sleep is kept, never an error
 * for a well-formed request). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "security/tee/optee_cookies.h"
#include "security/tee/optee_notif.h"

static union {
	struct optee_msg_arg arg;
	uint8_t page[4096];
} msg_a, msg_b;

static struct optee_msg_arg *msg(struct optee_msg_arg *m, uint32_t cmd, uint32_t n)
{
	memset(m, 0, 4096);
	m->cmd = cmd;
	m->num_params = n;
	return m;
}

static struct optee_msg_param rmem(uint64_t cookie)
{
	return (struct optee_msg_param){.attr = OPTEE_MSG_ATTR_RMEM_FIRST + 1,
					.u.rmem = {0, 4096, cookie}};
}

static struct optee_msg_param tmem_list(uint64_t cookie)
{
	return (struct optee_msg_param){.attr = (OPTEE_MSG_ATTR_TMEM_FIRST + 1) |
						OPTEE_MSG_ATTR_NONCONTIG,
					.u.tmem = {0x80001000, 8192, cookie}};
}

static bool conflict(struct optee_msg_arg *a, struct optee_msg_arg *b, uint64_t *cookie)
{
	static struct tee_cookie_uses ua, ub;
	tee_cookie_uses_of(a, &ua);
	tee_cookie_uses_of(b, &ub);
	bool ab = tee_cookie_uses_conflict(&ua, &ub, cookie);
	uint64_t other = 0;
	assert_int_equal(ab, tee_cookie_uses_conflict(&ub, &ua, &other)); /* symmetric */
	return ab;
}

static void test_uses_of_each_command(void **state)
{
	(void)state;
	struct tee_cookie_uses u;
	/* An invocation looks its registered memory up; a temporary page list is registered
	 * under its shm_ref for the call; values and contiguous memory touch no cookie. */
	struct optee_msg_arg *m = msg(&msg_a.arg, OPTEE_MSG_CMD_INVOKE_COMMAND, 4);
	m->params[0] = rmem(0x77);
	m->params[1] = tmem_list(0x99);
	m->params[2] = (struct optee_msg_param){.attr = 0x1, .u.value = {0x77, 0x77, 0x77}};
	m->params[3] = (struct optee_msg_param){.attr = 0x9, .u.tmem = {0x80000000, 16, 0x55}};
	tee_cookie_uses_of(m, &u);
	assert_int_equal(u.n, 2);
	assert_int_equal(u.use[0].cookie, 0x77);
	assert_false(u.use[0].owns);
	assert_int_equal(u.use[1].cookie, 0x99);
	assert_true(u.use[1].owns);
	/* REGISTER_SHM adds a registration (its page list is not dropped at its end: a use);
	 * UNREGISTER_SHM drops the cookie of its one parameter whatever its type, as OP-TEE
	 * reads it. */
	m = msg(&msg_a.arg, OPTEE_MSG_CMD_REGISTER_SHM, 1);
	m->params[0] = tmem_list(0x77);
	tee_cookie_uses_of(m, &u);
	assert_true(u.n == 1 && u.use[0].cookie == 0x77 && !u.use[0].owns);
	m = msg(&msg_a.arg, OPTEE_MSG_CMD_UNREGISTER_SHM, 1);
	m->params[0] = (struct optee_msg_param){.attr = 0x1, .u.rmem = {0, 0, 0x77}};
	tee_cookie_uses_of(m, &u);
	assert_true(u.n == 1 && u.use[0].cookie == 0x77 && u.use[0].owns);
	m->num_params = 2; /* OP-TEE refuses it without looking: nothing touched */
	tee_cookie_uses_of(m, &u);
	assert_int_equal(u.n, 0);
	/* A count past a page is bounded (the import refuses it before this anyway). */
	m = msg(&msg_a.arg, OPTEE_MSG_CMD_INVOKE_COMMAND, 0xffffffffU);
	tee_cookie_uses_of(m, &u);
	assert_int_equal(u.n, 0);
}

static void test_unregister_waits_for_users(void **state)
{
	(void)state;
	uint64_t cookie = 0;
	struct optee_msg_arg *invoke = msg(&msg_a.arg, OPTEE_MSG_CMD_INVOKE_COMMAND, 1);
	invoke->params[0] = rmem(0x7777);
	struct optee_msg_arg *unreg = msg(&msg_b.arg, OPTEE_MSG_CMD_UNREGISTER_SHM, 1);
	unreg->params[0] = rmem(0x7777);
	/* The race of issue 29, both ways round. */
	assert_true(conflict(invoke, unreg, &cookie));
	assert_int_equal(cookie, 0x7777);
	/* Registering it again meanwhile is safe for OP-TEE (a lookup finds a registration
	 * whole, or not at all), but not beside its unregistration. */
	struct optee_msg_arg *reg = msg(&msg_b.arg, OPTEE_MSG_CMD_REGISTER_SHM, 1);
	reg->params[0] = tmem_list(0x7777);
	assert_false(conflict(invoke, reg, &cookie));
	/* Users of one registration overlap freely, as Linux's calls do; other cookies too. */
	struct optee_msg_arg *other = msg(&msg_b.arg, OPTEE_MSG_CMD_INVOKE_COMMAND, 2);
	other->params[0] = rmem(0x7777);
	other->params[1] = rmem(0x8888);
	assert_false(conflict(invoke, other, &cookie));
	unreg = msg(&msg_b.arg, OPTEE_MSG_CMD_UNREGISTER_SHM, 1);
	unreg->params[0] = rmem(0x8888);
	assert_false(conflict(invoke, unreg, &cookie));
	/* A temporary page list under a registered cookie is a registration of its own. */
	other = msg(&msg_b.arg, OPTEE_MSG_CMD_OPEN_SESSION, 1);
	other->params[0] = tmem_list(0x7777);
	assert_true(conflict(invoke, other, &cookie));
	reg = msg(&msg_a.arg, OPTEE_MSG_CMD_REGISTER_SHM, 1);
	reg->params[0] = tmem_list(0x7777);
	unreg = msg(&msg_b.arg, OPTEE_MSG_CMD_UNREGISTER_SHM, 1);
	unreg->params[0] = rmem(0x7777);
	assert_true(conflict(reg, unreg, &cookie));
}

static struct optee_msg_arg *notification(uint64_t op, uint64_t value, uint64_t ms)
{
	struct optee_msg_arg *m = msg(&msg_a.arg, OPTEE_RPC_CMD_NOTIFICATION, 1);
	m->params[0] = (struct optee_msg_param){.attr = 0x1, .u.value = {op, value, ms}};
	return m;
}

static void test_notification_requests(void **state)
{
	(void)state;
	struct tee_notif_req r;
	bool bad = true;
	assert_true(tee_notif_parse(notification(OPTEE_RPC_NOTIFICATION_WAIT, 65, 20), &r, &bad));
	assert_false(bad);
	assert_true(!r.send && r.value == 65 && r.timeout_ms == 20);
	assert_true(tee_notif_parse(notification(OPTEE_RPC_NOTIFICATION_SEND, 66, 9), &r, &bad));
	assert_true(!bad && r.send && r.value == 66 && r.timeout_ms == 0);
	/* Malformed: still a notification (never the guest's to answer), answered as bad. */
	assert_true(tee_notif_parse(notification(2, 65, 0), &r, &bad) && bad);
	assert_true(tee_notif_parse(notification(0, TEE_NOTIF_VALUES, 0), &r, &bad) && bad);
	struct optee_msg_arg *m = notification(0, 65, 0);
	m->params[0].attr = 0x2; /* an output value */
	assert_true(tee_notif_parse(m, &r, &bad) && bad);
	m = notification(0, 65, 0);
	m->num_params = 2;
	assert_true(tee_notif_parse(m, &r, &bad) && bad);
	/* Other commands are the guest's to answer. */
	m = notification(0, 65, 0);
	m->cmd = OPTEE_RPC_CMD_SHM_ALLOC;
	assert_false(tee_notif_parse(m, &r, &bad));
}

static void test_sleep_and_wake(void **state)
{
	(void)state;
	static struct tee_notif n;
	memset(&n, 0, sizeof(n));
	/* Thread 0's call (slot 3) sleeps; another thread's SEND wakes exactly that call. */
	assert_int_equal(tee_notif_wait(&n, 64, 3), TEE_NOTIF_WAITS);
	assert_int_equal(tee_notif_wait(&n, 64, 5), TEE_NOTIF_REFUSED); /* one waiter a value */
	assert_int_equal(tee_notif_send(&n, 65), -1);			/* nobody on 65: kept */
	assert_int_equal(tee_notif_send(&n, 64), 3);
	assert_int_equal(tee_notif_send(&n, 64), -1); /* woken already: kept for the next */
	/* A wake-up that came first: the next sleep on it returns at once, once. */
	assert_int_equal(tee_notif_wait(&n, 64, 3), TEE_NOTIF_GO_ON);
	assert_int_equal(tee_notif_wait(&n, 65, 1), TEE_NOTIF_GO_ON);
	assert_int_equal(tee_notif_wait(&n, 65, 1), TEE_NOTIF_WAITS);
	/* A call that stops waiting (a timeout) is forgotten: a later SEND is kept instead. */
	tee_notif_forget(&n, 1);
	assert_int_equal(tee_notif_send(&n, 65), -1);
	assert_int_equal(tee_notif_wait(&n, 65, 2), TEE_NOTIF_GO_ON);
	assert_int_equal(tee_notif_wait(&n, TEE_NOTIF_VALUES - 1, 7), TEE_NOTIF_WAITS);
	assert_int_equal(tee_notif_send(&n, TEE_NOTIF_VALUES - 1), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_uses_of_each_command),
	    cmocka_unit_test(test_unregister_waits_for_users),
	    cmocka_unit_test(test_notification_requests),
	    cmocka_unit_test(test_sleep_and_wake),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
