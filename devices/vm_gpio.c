/* The VM's PL061 (GUEST_GPIO_IPA, SPI 7) as a vdev, with its power key on line 3 as QEMU
 * virt wires it: a press raises the line and a soft timer lets it go 100 ms later, the
 * edges the guest's gpio-keys driver (or a program watching the line) sees. */
#include <arch/sysreg.h>
#include <string.h>
#include <triad/errno.h>
#include <triad/sched.h>
#include <triad/softtimer.h>
#include <triad/util.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>
#include <triad/vpl061.h>

#include "vm_builtin.h"

#define PRESS_MS 100

struct vm_gpio {
	struct vm *vm;
	spinlock_t lock; /* gpio and line */
	struct vpl061 gpio;
	struct device_line line;
	struct softtimer release; /* lets the power key go */
};

static bool gpio_access(struct vdev *d, struct vcpu *v, struct mmio_access *a)
{
	(void)v;
	struct vm_gpio *g = d->priv;
	spin_lock(&g->lock);
	bool ok = a->write ? vpl061_write(&g->gpio, a->offset, a->size, a->value)
			   : vpl061_read(&g->gpio, a->offset, a->size, &a->value);
	device_unlock_line(g->vm, &g->lock, &g->line, vpl061_irq_level(&g->gpio));
	return ok;
}

static void set_key(struct vm_gpio *g, bool down)
{
	spin_lock(&g->lock);
	vpl061_set_input(&g->gpio, GUEST_POWER_KEY_LINE, down);
	device_unlock_line(g->vm, &g->lock, &g->line, vpl061_irq_level(&g->gpio));
}

static void key_released(struct softtimer *t)
{
	set_key(container_of(t, struct vm_gpio, release), false);
}

static void gpio_reset(struct vdev *d)
{
	struct vm_gpio *g = d->priv;
	softtimer_cancel_sync(&g->release);
	vpl061_init(&g->gpio);
	spin_init(&g->lock);
	device_line_init(&g->line, GUEST_GPIO_SPI);
}

static long gpio_save(struct vdev *d, void *buf, size_t len)
{
	struct vm_gpio *g = d->priv;
	if (len < sizeof(struct vpl061_saved))
		return -ENOSPC;
	spin_lock(&g->lock);
	vpl061_save(&g->gpio, buf);
	spin_unlock(&g->lock);
	return sizeof(struct vpl061_saved);
}

static int gpio_restore(struct vdev *d, const void *buf, size_t len)
{
	struct vm_gpio *g = d->priv;
	struct vpl061_saved s;
	if (len != sizeof(s))
		return -EINVAL;
	memcpy(&s, buf, sizeof(s));
	softtimer_cancel_sync(&g->release);
	spin_lock(&g->lock);
	bool ok = vpl061_restore(&g->gpio, &s);
	if (ok) /* a key held at the save is let go now: the press was not the new run's */
		vpl061_set_input(&g->gpio, GUEST_POWER_KEY_LINE, false);
	device_unlock_line(g->vm, &g->lock, &g->line, vpl061_irq_level(&g->gpio));
	return ok ? 0 : -EINVAL;
}

static void gpio_release(struct vdev *d)
{
	struct vm_gpio *g = d->priv;
	softtimer_cancel_sync(&g->release);
	vdev_free(g, sizeof(*g));
}

static const struct vdev_ops gpio_ops = {.name = "PL061",
					 .access = gpio_access,
					 .reset = gpio_reset,
					 .save = gpio_save,
					 .restore = gpio_restore,
					 .release = gpio_release};

int vm_power_key_press(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nvdevs; i++)
		if (vm->vdevs[i].ops == &gpio_ops) {
			struct vm_gpio *g = vm->vdevs[i].priv;
			set_key(g, true);
			softtimer_arm(&g->release,
				      read_sysreg(cntpct_el0) + PRESS_MS * sched_ticks_per_ms);
			return 0;
		}
	return -ENODEV;
}

int vm_gpio_create(struct vm *vm)
{
	struct vm_gpio *g = vdev_alloc(sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->vm = vm;
	g->release.fn = key_released;
	int r = vm_add_vdev(vm, &gpio_ops, GUEST_GPIO_IPA, 0x1000, g, -1);
	if (r)
		vdev_free(g, sizeof(*g));
	return r;
}
