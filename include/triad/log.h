/* Hypervisor log: lines on the physical console prefixed "[triad]", filtered by level. */
#ifndef TRIAD_LOG_H
#define TRIAD_LOG_H

#include <stdarg.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Output that is not a log line (the exit record, register dumps). */
void log_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define pr_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define pr_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define pr_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define pr_err(...)   log_msg(LOG_ERROR, __VA_ARGS__)

/* Console: one physical UART shared by the log and every guest's console. */
void console_init(unsigned long uart_base);
void console_guest_putc(unsigned vm_id, char c);
void console_lock(void);
void console_unlock(void);
void console_putc_locked(char c);

#endif
