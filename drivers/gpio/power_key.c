/*
 * The machine's power key: a line of its PL061 GPIO controller (QEMU virt: line 3, which
 * QEMU's `system_powerdown` raises; tools/triad-run presses it on SIGTERM). A press asks
 * Triad to stop the machine gracefully (core/host_stop.c). Registers per PL061 TRM, 3.3.
 */
#include <triad/cpu.h>
#include <triad/feature.h>
#include <triad/host_stop.h>
#include <triad/log.h>
#include <triad/platform.h>

#define GPIODIR 0x400
#define GPIOIS	0x404 /* 1: level-sensitive */
#define GPIOIBE 0x408 /* 1: both edges */
#define GPIOIEV 0x40c /* 1: rising edge (or high level) */
#define GPIOIE	0x410
#define GPIOMIS 0x418
#define GPIOIC	0x41c

static void wr(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(plat.gpio_base + off) = v;
}

static uint32_t rd(uint32_t off)
{
	return *(volatile uint32_t *)(plat.gpio_base + off);
}

static void power_key_irq(void *ctx)
{
	(void)ctx;
	uint32_t pending = rd(GPIOMIS);
	wr(GPIOIC, pending); /* an edge: acknowledged here, the next press is a new one */
	if (pending & (1U << plat.power_key_line))
		host_stop_request();
}

static void power_key_init(void)
{
	if (!plat.gpio_base)
		return;
	uint32_t bit = 1U << plat.power_key_line;
	wr(GPIOIE, rd(GPIOIE) & ~bit);
	wr(GPIODIR, rd(GPIODIR) & ~bit); /* an input */
	wr(GPIOIS, rd(GPIOIS) & ~bit);	 /* on its edge... */
	wr(GPIOIBE, rd(GPIOIBE) & ~bit);
	wr(GPIOIEV, rd(GPIOIEV) | bit); /* ...when pressed */
	wr(GPIOIC, bit);
	wr(GPIOIE, rd(GPIOIE) | bit);
	host_irq_register(plat.gpio_intid, power_key_irq, NULL);
	pr_info("power key: GPIO line %u of the PL061 at 0x%lx stops the machine gracefully",
		plat.power_key_line, (unsigned long)plat.gpio_base);
}

FEATURE(45, power_key) = {.init = power_key_init};
