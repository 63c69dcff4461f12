/* Formatted output into buffers; console output goes through core/log.c. */
#ifndef TRIAD_LIBC_STDIO_H
#define TRIAD_LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
