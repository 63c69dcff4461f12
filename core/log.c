/* Logging and the shared console (see include/triad/log.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <triad/log.h>
#include <triad/spinlock.h>

#include "../devices/pl011.h"

static spinlock_t console_spin = SPINLOCK_INIT;
static enum log_level min_level = LOG_INFO;
static bool at_line_start = true;

void console_init(unsigned long uart_base)
{
	pl011_init(uart_base);
}

void console_lock(void)
{
	spin_lock(&console_spin);
}

void console_unlock(void)
{
	spin_unlock(&console_spin);
}

void console_putc_locked(char c)
{
	if (c == '\n')
		pl011_putc('\r');
	pl011_putc(c);
	at_line_start = c == '\n';
}

void console_guest_putc(unsigned vm_id, char c)
{
	(void)vm_id; /* per-VM tagging comes with multi-VM consoles */
	console_lock();
	/* The guest's own line discipline already sends CR LF: pass bytes through. */
	pl011_putc(c);
	at_line_start = c == '\n';
	console_unlock();
}

void log_set_level(enum log_level level)
{
	min_level = level;
}

static void emit(const char *prefix, const char *fmt, va_list ap)
{
	char buf[256];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	console_lock();
	/* Never glue a log line to the tail of a guest's partial line. */
	if (!at_line_start)
		console_putc_locked('\n');
	for (const char *p = prefix; *p; p++)
		console_putc_locked(*p);
	for (const char *p = buf; *p; p++)
		console_putc_locked(*p);
	if (!at_line_start)
		console_putc_locked('\n');
	console_unlock();
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
