/* Polled output on the PL011 at 0x09000000 (emulated by Triad, or QEMU's own). */
#include "guest.h"

void putc_(char c)
{
	while (rd32(UART + 0x18) & (1U << 5)) /* TXFF */
		;
	wr32(UART, (uint32_t)c);
}

void puts_(const char *s)
{
	while (*s) {
		if (*s == '\n')
			putc_('\r');
		putc_(*s++);
	}
}

void puthex(uint64_t v)
{
	puts_("0x");
	for (int i = 60; i >= 0; i -= 4) {
		unsigned d = (v >> i) & 0xf;
		if (d || i == 0 || (v >> i))
			putc_((char)(d < 10 ? '0' + d : 'a' + d - 10));
	}
}

void putdec(uint64_t v)
{
	char buf[24];
	int i = sizeof(buf) - 1;
	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	puts_(&buf[i]);
}

void fail_exception(const char *who, const struct frame *f, bool by_smc)
{
	puts_(who);
	puts_(": FAIL unexpected exception, ESR ");
	puthex(read_sysreg(esr_el1));
	puts_(" at ");
	puthex(f->elr);
	puts_("\n");
	if (by_smc)
		smc(PSCI_SYSTEM_OFF, 0, 0, 0);
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
}

void print_summary(const char *who, unsigned passed, unsigned failed)
{
	puts_(who);
	puts_(": ");
	putdec(passed);
	puts_(" passed, ");
	putdec(failed);
	puts_(" failed\n");
}

/* Whether the command line has this word: it is in the DTB verbatim. */
bool bootargs_have(const char *dtb, const char *word)
{
	/* The DTB's size is its header's totalsize (big-endian, offset 4). */
	const uint8_t *b = (const uint8_t *)dtb;
	if (!b || b[0] != 0xd0 || b[1] != 0x0d)
		return false;
	uint32_t size = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
	for (uint32_t i = 0; i < size; i++) {
		uint32_t j = 0;
		while (word[j] && i + j < size && dtb[i + j] == word[j])
			j++;
		if (!word[j])
			return true;
	}
	return false;
}
