#include "check.h"

unsigned passed, failed;

void check(bool ok, const char *name, uint64_t got)
{
	puts_(GUEST_NAME);
	puts_(ok ? ": PASS " : ": FAIL ");
	puts_(name);
	if (!ok) {
		puts_(" (got ");
		puthex(got);
		puts_(")");
	}
	puts_("\n");
	if (ok)
		passed++;
	else
		failed++;
}
