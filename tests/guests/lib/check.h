/* For the guests that count their checks (lib/check.c, in their SRCS): one line per check
 * and the totals. */
#ifndef CHECK_H
#define CHECK_H

#include "guest.h"

extern unsigned passed, failed;
/* Prints "<guest>: PASS <name>" or "<guest>: FAIL <name> (got ...)" and counts it. */
void check(bool ok, const char *name, uint64_t got);

#endif
