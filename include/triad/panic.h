#ifndef TRIAD_PANIC_H
#define TRIAD_PANIC_H

/* Stops Triad: prints why, a register dump where there is one, and the exit record. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Ends the whole run with an exit status for tools/triad-run (see docs). */
void triad_exit(int status, const char *reason) __attribute__((noreturn));

#endif
