/* The canary: a bare-metal guest that fills 64 KB of its memory at a known address with a
 * pattern and checks it over and over, for the DMA-confinement test: another VM's device
 * is pointed at this memory, and the canary reports whether anything changed. A 'q' on
 * its console ends the watch: it prints its verdict and powers off. With "canary.low" on
 * its command line it watches the first 1 MB of its memory instead (free: its image is
 * at 2 MB), where a stray write past the end of the VM below it would land. */
#include "../lib/guest.h"

/* Far into its memory (give it 128 MB): so high that no smaller VM has this IPA. */
#define HIGH	(RAM_BASE + 0x6000000)
#define HIGH_SZ 0x10000
#define LOW_SZ	0x100000
#define UART_DR (UART + 0x00)
#define UART_FR (UART + 0x18)
#define FR_RXFE (1U << 4)

static uint8_t expected(uint64_t i)
{
	return (uint8_t)(i * 7 + 0x5a);
}

static uint64_t watched = HIGH, size = HIGH_SZ;

/* The first byte that differs, or size. */
static uint64_t check(void)
{
	volatile uint8_t *p = (volatile uint8_t *)watched;
	for (uint64_t i = 0; i < size; i++)
		if (p[i] != expected(i))
			return i;
	return size;
}

/* The canary takes no exceptions; any is a failure worth seeing (lib/exceptions.c). */

int main(const char *dtb)
{
	if (bootargs_have(dtb, "canary.low")) {
		watched = RAM_BASE;
		size = LOW_SZ;
	}
	volatile uint8_t *p = (volatile uint8_t *)watched;
	for (uint64_t i = 0; i < size; i++)
		p[i] = expected(i);
	puts_("canary: watching IPA ");
	puthex(watched);
	puts_(" (");
	putdec(size >> 10);
	puts_(" KB)\n");
	uint64_t rounds = 0, bad = size;
	for (;;) {
		bad = check();
		rounds++;
		if (bad != size)
			break;
		if (!(rd32(UART_FR) & FR_RXFE) && (rd32(UART_DR) & 0xff) == 'q')
			break;
	}
	if (bad == size) {
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
