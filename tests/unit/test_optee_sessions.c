// sources: security/tee/optee_sessions.c
/* A VM's OP-TEE sessions across OP-TEE's restart: those it opened die with OP-TEE, a new
 * one with the same number lives, a closed one is forgotten, and a full table forgets
 * the extra rather than failing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "security/tee/optee_sessions.h"

static void test_sessions_die_with_optee(void **state)
{
	(void)state;
	struct tee_sessions t = {0};
	tee_session_opened(&t, 7);
	tee_session_opened(&t, 9);
	assert_false(tee_session_dead(&t, 7));
	tee_sessions_died(&t);
	assert_true(tee_session_dead(&t, 7));
	assert_true(tee_session_dead(&t, 9));
	assert_false(tee_session_dead(&t, 8)); /* never opened: OP-TEE's to answer */
	tee_session_opened(&t, 9);	       /* the new OP-TEE's session 9 */
	assert_false(tee_session_dead(&t, 9));
	tee_session_closed(&t, 7);
	assert_false(tee_session_dead(&t, 7));
}

static void test_a_full_table_forgets_the_extra(void **state)
{
	(void)state;
	struct tee_sessions t = {0};
	for (uint32_t id = 1; id <= TEE_SESSIONS + 4; id++)
		tee_session_opened(&t, id);
	tee_sessions_died(&t);
	assert_true(tee_session_dead(&t, 1));
	assert_true(tee_session_dead(&t, TEE_SESSIONS));
	assert_false(tee_session_dead(&t, TEE_SESSIONS + 1));
	tee_session_closed(&t, 1);
	tee_session_opened(&t, 100); /* room again */
	tee_sessions_died(&t);
	assert_true(tee_session_dead(&t, 100));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sessions_die_with_optee),
	    cmocka_unit_test(test_a_full_table_forgets_the_extra),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
