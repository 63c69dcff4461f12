/* Power off and reset on QEMU virt with a secure world: two pins of the secure PL061 GPIO
 * (0: power off, 1: restart), each driven low then high, as the machine's DT describes
 * (gpio-poweroff, gpio-restart). */
#include "monitor.h"

#define GPIO	     0x090b0000UL
#define GPIO_DIR     0x400
#define GPIO_DATA(p) (GPIO + ((1U << (p)) << 2))

static void __attribute__((noreturn)) pulse(unsigned pin)
{
	wr32(GPIO + GPIO_DIR, rd32(GPIO + GPIO_DIR) | (1U << pin));
	wr32(GPIO_DATA(pin), 0);
	wr32(GPIO_DATA(pin), 1U << pin);
	for (;;)
		__asm__ volatile("wfi");
}

void power_off(void)
{
	pulse(0);
}

void power_reset(void)
{
	pulse(1);
}
