/* Hypervisor log: lines on the physical console prefixed "[triad]", filtered by level. */
#ifndef TRIAD_LOG_H
#define TRIAD_LOG_H

#include <triad/console_mux.h>
#include <stdarg.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Output that is not a log line (the exit record, register dumps). */
void log_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define pr_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define pr_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define pr_err(...)  log_msg(LOG_ERROR, __VA_ARGS__)

/* Console: one physical UART shared by the log and every guest's console. */
/* A guest's console output, tagged with its name when several VMs share the console;
 * second: NULL from the console its keyboard input goes to, else the device's name (its
 * lines are then always tagged: include/triad/console_mux.h). */
void console_guest_putc(unsigned vm_id, const char *name, const char *second, char c);
/* How many VMs share the console (tagging and input switching start at 2). */
void console_set_vms(unsigned nvms);
/* A key typed on the console: what to do with it, and which VM has the focus. */
enum mux_action console_input_key(char *c, unsigned *focus);

#endif
