/* The handlers a guest gets unless it defines its own (they are weak): every exception is
 * a failure that powers the guest off, and a secondary CPU only waits. GUEST_NAME (the
 * guest's NAME) and GUEST_OFF_BY_SMC come from lib/guest.mk. */
#include "guest.h"

__attribute__((weak)) void sync_exception(struct frame *f)
{
	fail_exception(GUEST_NAME, f, GUEST_OFF_BY_SMC);
}

__attribute__((weak)) void irq_exception(struct frame *f)
{
	fail_exception(GUEST_NAME, f, GUEST_OFF_BY_SMC);
}

__attribute__((weak)) void unexpected_exception(struct frame *f)
{
	fail_exception(GUEST_NAME, f, GUEST_OFF_BY_SMC);
}

/* Returning, it waits in lib/start.S's WFI loop. */
__attribute__((weak)) void secondary_main(unsigned long idx)
{
	(void)idx;
}
