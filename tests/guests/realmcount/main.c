/* Run as a realm (--realm, or realm = <1> in a config), many at once: it checks that it is
 * one (RSI_VERSION, RSI_REALM_CONFIG), gets an attestation token from the RMM (INIT with a
 * challenge, CONTINUE granule by granule: a CCA token collection, CBOR tag 399), then
 * counts, a step a second, asleep in WFI on its virtual timer in between (so that the
 * others attest meanwhile), to 10, or to 60 with "realmcount-long" on its command line:
 * a test sees the realms alive at the same time. Then it powers off. Its lines:
 * "realmcount: attested, N-byte token", "realmcount: count k", "realmcount: done".
 * With "realmcount-private-dma" it first gives its virtio console a transmit queue in its
 * private memory (granules of the VM's RAM delegated to it): Triad must refuse the queue
 * (NEEDS_RESET), never read it (a granule protection fault at EL2). */
#include "../lib/guest.h"

#define RSI_VERSION		       0xC4000190UL
#define RSI_ATTESTATION_TOKEN_INIT     0xC4000194UL
#define RSI_ATTESTATION_TOKEN_CONTINUE 0xC4000195UL
#define RSI_REALM_CONFIG	       0xC4000196UL
#define RSI_SUCCESS		       0
#define RSI_INCOMPLETE		       3
#define GRANULE			       4096
#define TOKEN_GRANULES		       4
#define COUNT			       10
#define COUNT_LONG		       60
#define TIMER_INTID		       27
#define GICR_IGROUPR0		       0x80
#define GICR_ISENABLER0		       0x100
#define SPURIOUS		       1023

static uint8_t config[GRANULE] __attribute__((aligned(GRANULE)));
static uint8_t private_queue[GRANULE] __attribute__((aligned(GRANULE)));

#define VIRTIO_CONSOLE	       (DEVICE_IPA_BIT | 0x0a000000UL)
#define VIRTIO_STATUS	       0x070
#define VIRTIO_DRIVER_FEATURES 0x020
#define VIRTIO_DRIVER_FEAT_SEL 0x024
#define VIRTIO_QUEUE_SEL       0x030
#define VIRTIO_QUEUE_NUM       0x038
#define VIRTIO_QUEUE_READY     0x044
#define VIRTIO_QUEUE_NOTIFY    0x050
#define VIRTIO_QUEUE_DESC      0x080
#define VIRTIO_QUEUE_DRIVER    0x090
#define VIRTIO_QUEUE_DEVICE    0x0a0
#define VIRTIO_NEEDS_RESET     0x40

static void fail(const char *what, uint64_t got);

/* The console's transmit queue (1), 8 entries, all in private_queue: the descriptors at
 * 0, the driver's ring at 0x100, the device's at 0x200, one buffer of 16 bytes at 0x400. */
static void private_dma(void)
{
	uint64_t v = VIRTIO_CONSOLE, q = (uint64_t)private_queue;
	for (unsigned i = 0; i < sizeof(private_queue); i++)
		private_queue[i] = 0; /* touched: the realm's own page now */
	volatile uint64_t *desc = (volatile uint64_t *)q;
	desc[0] = q + 0x400;	      /* addr */
	desc[1] = 16;		      /* len, flags 0, next 0 */
	private_queue[0x100 + 2] = 1; /* avail idx 1, ring[0] = 0 */
	private_queue[0x400] = 'X';
	wr32(v + VIRTIO_STATUS, 0);
	wr32(v + VIRTIO_STATUS, 1 | 2); /* ACKNOWLEDGE, DRIVER */
	wr32(v + VIRTIO_DRIVER_FEAT_SEL, 1);
	wr32(v + VIRTIO_DRIVER_FEATURES, 1 | 2); /* VERSION_1, ACCESS_PLATFORM */
	wr32(v + VIRTIO_STATUS, 1 | 2 | 8);	 /* FEATURES_OK */
	wr32(v + VIRTIO_QUEUE_SEL, 1);
	wr32(v + VIRTIO_QUEUE_NUM, 8);
	wr32(v + VIRTIO_QUEUE_DESC, (uint32_t)q);
	wr32(v + VIRTIO_QUEUE_DESC + 4, (uint32_t)(q >> 32));
	wr32(v + VIRTIO_QUEUE_DRIVER, (uint32_t)(q + 0x100));
	wr32(v + VIRTIO_QUEUE_DRIVER + 4, (uint32_t)((q + 0x100) >> 32));
	wr32(v + VIRTIO_QUEUE_DEVICE, (uint32_t)(q + 0x200));
	wr32(v + VIRTIO_QUEUE_DEVICE + 4, (uint32_t)((q + 0x200) >> 32));
	wr32(v + VIRTIO_QUEUE_READY, 1);
	wr32(v + VIRTIO_STATUS, 1 | 2 | 8 | 4); /* DRIVER_OK */
	wr32(v + VIRTIO_QUEUE_NOTIFY, 1);
	uint32_t status = rd32(v + VIRTIO_STATUS);
	if (!(status & VIRTIO_NEEDS_RESET))
		fail("a queue in private memory taken", status);
	puts_("realmcount: queue in private memory refused\n");
}
static uint8_t token[TOKEN_GRANULES * GRANULE] __attribute__((aligned(GRANULE)));

/* An SMC with x0-x8 in, x0-x2 out. */
static int64_t smc9(const uint64_t in[9], uint64_t *x1, uint64_t *x2)
{
	register uint64_t r0 __asm__("x0") = in[0], r1 __asm__("x1") = in[1],
			     r2 __asm__("x2") = in[2], r3 __asm__("x3") = in[3],
			     r4 __asm__("x4") = in[4], r5 __asm__("x5") = in[5],
			     r6 __asm__("x6") = in[6], r7 __asm__("x7") = in[7],
			     r8 __asm__("x8") = in[8];
	__asm__ volatile("smc #0"
			 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6),
			   "+r"(r7), "+r"(r8)
			 :
			 : "memory");
	if (x1)
		*x1 = r1;
	if (x2)
		*x2 = r2;
	return (int64_t)r0;
}

static void fail(const char *what, uint64_t got)
{
	puts_("realmcount: FAIL ");
	puts_(what);
	puts_(" (got ");
	puthex(got);
	puts_(")\n");
	smc(PSCI_SYSTEM_OFF, 0, 0, 0);
}

static void attest(void)
{
	/* A challenge of 64 bytes, any: the token's signature is not checked here. */
	uint64_t init[9] = {RSI_ATTESTATION_TOKEN_INIT};
	for (unsigned i = 1; i < 9; i++)
		init[i] = 0x7472696164000000UL | i; /* "triad" */
	uint64_t max = 0;
	int64_t st = smc9(init, &max, 0);
	if (st != RSI_SUCCESS || !max)
		fail("RSI_ATTESTATION_TOKEN_INIT", (uint64_t)st);
	if (max > sizeof(token))
		fail("a token larger than the buffer", max);
	uint64_t total = 0;
	st = RSI_INCOMPLETE;
	for (unsigned g = 0; g < TOKEN_GRANULES && st == RSI_INCOMPLETE; g++) {
		uint64_t off = 0, len;
		do {
			uint64_t cont[9] = {RSI_ATTESTATION_TOKEN_CONTINUE,
					    (uint64_t)&token[g * GRANULE], off, GRANULE - off};
			st = smc9(cont, &len, 0);
			if (st == RSI_SUCCESS || st == RSI_INCOMPLETE)
				off += len;
		} while (st == RSI_INCOMPLETE && off < GRANULE);
		total += off;
	}
	if (st != RSI_SUCCESS)
		fail("RSI_ATTESTATION_TOKEN_CONTINUE", (uint64_t)st);
	/* A CCA token collection: CBOR tag 399. */
	if (token[0] != 0xd9 || token[1] != 0x01 || token[2] != 0x8f)
		fail("a token that is not a CCA token collection", token[0]);
	puts_("realmcount: attested, ");
	putdec(total);
	puts_("-byte token\n");
}

/* Asleep until the virtual counter reaches t: WFI with interrupts masked ends when the
 * timer's interrupt is pending, which is then taken and the timer turned off. */
static void sleep_until(uint64_t t)
{
	write_sysreg(cntv_cval_el0, t);
	write_sysreg(cntv_ctl_el0, 1);
	isb();
	while (counter() < t) {
		__asm__ volatile("wfi" ::: "memory");
		uint64_t iar = read_sysreg(s3_0_c12_c12_0); /* ICC_IAR1_EL1 */
		if ((iar & 0xffffff) == SPURIOUS)
			continue;
		if ((iar & 0xffffff) == TIMER_INTID)
			write_sysreg(cntv_ctl_el0, 0);
		write_sysreg(s3_0_c12_c12_1, iar); /* ICC_EOIR1_EL1 */
	}
	write_sysreg(cntv_ctl_el0, 0);
}

int main(const char *dtb)
{
	puts_("realmcount: start\n");
	wr32(GICD, 0x13); /* GICD_CTLR: ARE, Group 0 and 1 on */
	gicr_wake(0);
	wr32(GICR + 0x10000 + GICR_IGROUPR0, 0xffffffff);
	wr32(GICR + 0x10000 + GICR_ISENABLER0, 1U << TIMER_INTID);
	gic_cpu_interface_on();
	uint64_t lower = 0;
	int64_t st = smc(RSI_VERSION, 0x10000, 0, 0);
	if (st != RSI_SUCCESS)
		fail("RSI_VERSION 1.0", (uint64_t)st);
	st = smc(RSI_REALM_CONFIG, (uint64_t)config, 0, 0);
	lower = *(volatile uint64_t *)config; /* ipa_width */
	if (st != RSI_SUCCESS || lower != 40)
		fail("RSI_REALM_CONFIG's 40-bit IPA", st ? (uint64_t)st : lower);
	if (bootargs_have(dtb, "realmcount-private-dma"))
		private_dma();
	attest();
	unsigned count = bootargs_have(dtb, "realmcount-long") ? COUNT_LONG : COUNT;
	uint64_t freq = read_sysreg(cntfrq_el0), t = counter();
	for (unsigned k = 1; k <= count; k++) {
		sleep_until(t += freq);
		puts_("realmcount: count ");
		putdec(k);
		puts_("\n");
	}
	puts_("realmcount: done\n");
	smc(PSCI_SYSTEM_OFF, 0, 0, 0);
	return 0;
}
