// sources: core/console_mux.c
/* Host tests for the console multiplexer: line tagging and the input escape sequences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <triad/console_mux.h>

static char screen[1024];
static size_t len;

static void out2(struct console_mux *m, unsigned vm, const char *name, const char *second,
		 const char *s)
{
	for (; *s; s++) {
		char buf[48];
		size_t n = mux_guest_output(m, vm, name, second, *s, buf);
		memcpy(screen + len, buf, n);
		len += n;
	}
	screen[len] = '\0';
}

static void out(struct console_mux *m, unsigned vm, const char *name, const char *s)
{
	out2(m, vm, name, NULL, s);
}

/* One VM, login prompts on both its consoles (Debian starts a getty on each): the one
 * without the keyboard is tagged, and neither line is glued to the other. */
static void second_console_is_tagged_even_alone(void **state)
{
	(void)state;
	struct console_mux m;
	mux_init(&m, 1);
	len = 0;
	out(&m, 0, "deb", "boot\r\nlogin: ");
	out2(&m, 0, "deb", "hvc0", "login: ");
	out(&m, 0, "deb", "root\r\n");
	out2(&m, 0, "deb", "hvc0", "x\r\n");
	assert_string_equal(screen, "boot\r\nlogin: \r\ndeb:hvc0| login: \r\nroot\r\n"
				    "deb:hvc0+ x\r\n");
	/* With several VMs, each VM's consoles are writers of their own. */
	mux_init(&m, 2);
	len = 0;
	out2(&m, 1, "b", "ttyAMA0", "early\r\n");
	out(&m, 1, "b", "shell\r\n");
	assert_string_equal(screen, "b:ttyAMA0| early\r\nb| shell\r\n");
}

static void single_vm_is_untouched(void **state)
{
	(void)state;
	struct console_mux m;
	mux_init(&m, 1);
	len = 0;
	out(&m, 0, "a", "hello\r\n/ # ");
	assert_string_equal(screen, "hello\r\n/ # ");
}

static void lines_are_tagged_and_never_mixed(void **state)
{
	(void)state;
	struct console_mux m;
	mux_init(&m, 2);
	len = 0;
	out(&m, 0, "alpha", "one\r\n");
	out(&m, 1, "beta", "two\r\n");
	out(&m, 0, "alpha", "par");
	out(&m, 1, "beta", "x\r\n");
	out(&m, 0, "alpha", "tial\r\n");
	assert_string_equal(screen, "alpha| one\r\nbeta| two\r\nalpha| par\r\nbeta| x\r\n"
				    "alpha+ tial\r\n");
}

/* With as many VMs as Triad takes (MAX_VMS), a line cut short is marked on its own VM
 * only: VM 40's mark must not land on VM 8 (a 32-bit mask shifted by 40). */
static void many_vms_keep_their_own_marks(void **state)
{
	(void)state;
	struct console_mux m;
	mux_init(&m, MAX_VMS);
	len = 0;
	out(&m, 40, "v40", "par");
	out(&m, 8, "v8", "x\r\n");
	out(&m, MAX_VMS - 1, "last", "y\r\n");
	out(&m, 8, "v8", "z\r\n");
	out(&m, 40, "v40", "tial\r\n");
	assert_string_equal(screen, "v40| par\r\nv8| x\r\nlast| y\r\nv8| z\r\nv40+ tial\r\n");
}

/* A VM created while another's line is half written (management's create): the line is
 * cut and continued as "name+ ", never re-tagged in its middle nor glued to a log line;
 * VMs going again leave the tags on. */
static void vms_coming_and_going_keep_lines_whole(void **state)
{
	(void)state;
	struct console_mux m;
	mux_init(&m, 1);
	len = 0;
	out(&m, 0, "alpha", "one\r\nti");
	mux_set_vms(&m, 2);
	out(&m, 0, "alpha", "cks=8\r\n");
	mux_set_vms(&m, 1);
	out(&m, 0, "alpha", "par");
	mux_set_vms(&m, 2);
	out(&m, 0, "alpha", "tial\r\n");
	assert_string_equal(screen, "one\r\nti\r\nalpha+ cks=8\r\nalpha| partial\r\n");
}

static void escape_commands(void **state)
{
	(void)state;
	struct console_mux m;
	mux_init(&m, 3);
	char c = 'x';
	assert_int_equal(mux_input(&m, &c), MUX_DELIVER);
	c = MUX_ESCAPE;
	assert_int_equal(mux_input(&m, &c), MUX_NONE);
	c = '3';
	assert_int_equal(mux_input(&m, &c), MUX_FOCUS);
	assert_int_equal(m.focus, 2);
	c = MUX_ESCAPE;
	mux_input(&m, &c);
	c = 'n';
	assert_int_equal(mux_input(&m, &c), MUX_FOCUS);
	assert_int_equal(m.focus, 0); /* wraps around */
	c = MUX_ESCAPE;
	mux_input(&m, &c);
	c = '9'; /* no such VM: ignored */
	assert_int_equal(mux_input(&m, &c), MUX_NONE);
	assert_int_equal(m.focus, 0);
	c = MUX_ESCAPE;
	mux_input(&m, &c);
	c = MUX_ESCAPE; /* a literal Ctrl-T */
	assert_int_equal(mux_input(&m, &c), MUX_DELIVER);
	assert_int_equal(c, MUX_ESCAPE);
	c = MUX_ESCAPE;
	mux_input(&m, &c);
	c = '?';
	assert_int_equal(mux_input(&m, &c), MUX_HELP);
}

static void one_vm_has_no_escape(void **state)
{
	(void)state;
	struct console_mux m;
	mux_init(&m, 1);
	char c = MUX_ESCAPE;
	assert_int_equal(mux_input(&m, &c), MUX_DELIVER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(single_vm_is_untouched),
	    cmocka_unit_test(second_console_is_tagged_even_alone),
	    cmocka_unit_test(lines_are_tagged_and_never_mixed),
	    cmocka_unit_test(many_vms_keep_their_own_marks),
	    cmocka_unit_test(vms_coming_and_going_keep_lines_whole),
	    cmocka_unit_test(escape_commands),
	    cmocka_unit_test(one_vm_has_no_escape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
