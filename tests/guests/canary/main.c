/* The canary: a bare-metal guest that fills 64 KB of its memory at a known address with a
 * pattern and checks it over and over, for the DMA-confinement test: another VM's device
 * is pointed at this memory, and the canary reports whether anything changed. A 'q' on
 * its console ends the watch: it prints its verdict and powers off. */
#include "../lib/guest.h"

/* Far into its memory (give it 128 MB): so high that no smaller VM has this IPA. */
#define WATCHED (RAM_BASE + 0x6000000)
#define SIZE	0x10000
#define UART_DR (UART + 0x00)
#define UART_FR (UART + 0x18)
#define FR_RXFE (1U << 4)

static uint8_t expected(uint64_t i)
{
	return (uint8_t)(i * 7 + 0x5a);
}

/* The first byte that differs, or SIZE. */
static uint64_t check(void)
{
	volatile uint8_t *p = (volatile uint8_t *)WATCHED;
	for (uint64_t i = 0; i < SIZE; i++)
		if (p[i] != expected(i))
			return i;
	return SIZE;
}

/* The canary takes no exceptions; any is a failure worth seeing. */
void unexpected_exception(struct frame *f)
{
	puts_("canary: unexpected exception at ");
	puthex(f->elr);
	puts_("\n");
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
}

void sync_exception(struct frame *f)
{
	unexpected_exception(f);
}

void irq_exception(struct frame *f)
{
	unexpected_exception(f);
}

int main(const char *dtb)
{
	(void)dtb;
	volatile uint8_t *p = (volatile uint8_t *)WATCHED;
	for (uint64_t i = 0; i < SIZE; i++)
		p[i] = expected(i);
	puts_("canary: watching IPA ");
	puthex(WATCHED);
	puts_(" (64 KB)\n");
	uint64_t rounds = 0, bad = SIZE;
	for (;;) {
		bad = check();
		rounds++;
		if (bad != SIZE)
			break;
		if (!(rd32(UART_FR) & FR_RXFE) && (rd32(UART_DR) & 0xff) == 'q')
			break;
	}
	if (bad == SIZE) {
		puts_("canary: intact after ");
		putdec(rounds);
		puts_(" checks\n");
	} else {
		puts_("canary: CHANGED at offset ");
		puthex(bad);
		puts_("\n");
	}
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		;
}

void secondary_main(unsigned cpu)
{
	(void)cpu;
	for (;;)
		__asm__ volatile("wfi");
}
