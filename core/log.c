/* Logging and the shared console (see include/triad/log.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <lib/early_console.h>
#include <stdio.h>
#include <triad/console_mux.h>
#include <triad/log.h>
#include <triad/spinlock.h>
#include <triad/vm_manage.h>

static spinlock_t console_spin = SPINLOCK_INIT;
static enum log_level min_level = LOG_INFO;
static struct console_mux mux = {.nvms = 1, .at_line_start = true, .last_vm = -1};

static void console_putc_locked(char c)
{
	if (c == '\n')
		early_putc('\r');
	early_putc(c);
	mux.at_line_start = c == '\n';
	mux.last_vm = -1;
}

void console_set_vms(unsigned nvms)
{
	spin_lock(&console_spin);
	mux_set_vms(&mux, nvms);
	spin_unlock(&console_spin);
}

void console_guest_putc(unsigned vm_id, const char *name, const char *second, char c)
{
	char buf[48];
	spin_lock(&console_spin);
	/* The guest's own line discipline already sends CR LF: pass its bytes through. */
	size_t n = mux_guest_output(&mux, vm_id, name, second, c, buf);
	for (size_t i = 0; i < n; i++)
		early_putc(buf[i]);
	spin_unlock(&console_spin);
	vm_console_tap(vm_id, c); /* and to a management client attached to it */
}

enum mux_action console_input_key(char *c, unsigned *focus)
{
	spin_lock(&console_spin);
	enum mux_action a = mux_input(&mux, c);
	*focus = mux.focus;
	spin_unlock(&console_spin);
	return a;
}

void log_set_level(enum log_level level)
{
	min_level = level;
}

static void emit(const char *prefix, const char *fmt, va_list ap)
{
	char buf[256];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	spin_lock(&console_spin);
	/* Never glue a log line to the tail of a guest's partial line. */
	if (!mux.at_line_start) {
		if (mux.tag && mux.last_vm >= 0)
			mux.broken[mux.last_vm] = true;
		console_putc_locked('\n');
	}
	for (const char *p = prefix; *p; p++)
		console_putc_locked(*p);
	for (const char *p = buf; *p; p++)
		console_putc_locked(*p);
	if (!mux.at_line_start)
		console_putc_locked('\n');
	spin_unlock(&console_spin);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const prefixes[] = {"[triad] debug: ", "[triad] ",
					       "[triad] warning: ", "[triad] error: "};
	if (level < min_level)
		return;
	va_list ap;
	va_start(ap, fmt);
	emit(prefixes[level], fmt, ap);
	va_end(ap);
}

void log_raw(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}
