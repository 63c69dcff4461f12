/* The VM's PL031 (GUEST_RTC_IPA, SPI 2) as a vdev: the guest's clock is the host's wall
 * clock plus what it loaded (vpl031.c); its match alarm is a softtimer. */
#include <string.h>
#include <triad/errno.h>
#include <triad/softtimer.h>
#include <triad/util.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>
#include <triad/vpl031.h>
#include <triad/wallclock.h>

#include "vm_builtin.h"

struct vm_rtc {
	struct vm *vm;
	spinlock_t lock; /* rtc, line and the alarm */
	struct vpl031 rtc;
	struct device_line line;
	struct softtimer alarm; /* the host second at which its match may fire */
};

/* With the lock held, after any change: the alarm follows the match register, then the line
 * the state (which drops the lock). The alarm is armed only while the match interrupt is
 * enabled and not yet raised: otherwise its firing could not change anything the guest sees. */
static void rtc_update_unlock(struct vm_rtc *r, uint32_t now)
{
	uint32_t in = vpl031_seconds_to_match(&r->rtc, now);
	if (r->rtc.imsc && !r->rtc.ris && in)
		softtimer_arm(&r->alarm, wallclock_counter_at(now + in));
	else
		softtimer_cancel(&r->alarm);
	device_unlock_line(r->vm, &r->lock, &r->line, vpl031_irq_level(&r->rtc));
}

static void rtc_alarm_expired(struct softtimer *t)
{
	struct vm_rtc *r = container_of(t, struct vm_rtc, alarm);
	spin_lock(&r->lock);
	uint32_t now = wallclock_seconds();
	vpl031_expire(&r->rtc, now);
	rtc_update_unlock(r, now);
}

static bool rtc_access(struct vdev *d, struct vcpu *v, struct mmio_access *a)
{
	(void)v;
	struct vm_rtc *r = d->priv;
	spin_lock(&r->lock);
	uint32_t now = wallclock_seconds();
	bool ok = a->write ? vpl031_write(&r->rtc, now, a->offset, a->size, a->value)
			   : vpl031_read(&r->rtc, now, a->offset, a->size, &a->value);
	if (ok && a->write)
		rtc_update_unlock(r, now);
	else
		spin_unlock(&r->lock);
	return ok;
}

static void rtc_reset(struct vdev *d)
{
	struct vm_rtc *r = d->priv;
	softtimer_cancel(&r->alarm); /* a reset VM's old alarm */
	/* Like a battery-backed RTC, the time the guest set survives its reboot. */
	uint32_t offset = r->rtc.offset;
	vpl031_init(&r->rtc);
	r->rtc.offset = offset;
	spin_init(&r->lock);
	device_line_init(&r->line, GUEST_RTC_SPI);
}

static long rtc_save(struct vdev *d, void *buf, size_t len)
{
	struct vm_rtc *r = d->priv;
	if (len < sizeof(struct vpl031_saved))
		return -ENOSPC;
	spin_lock(&r->lock);
	vpl031_save(&r->rtc, buf);
	spin_unlock(&r->lock);
	return sizeof(struct vpl031_saved);
}

static int rtc_restore(struct vdev *d, const void *buf, size_t len)
{
	struct vm_rtc *r = d->priv;
	struct vpl031_saved s;
	if (len != sizeof(s))
		return -EINVAL;
	memcpy(&s, buf, sizeof(s));
	spin_lock(&r->lock);
	bool ok = vpl031_restore(&r->rtc, &s);
	rtc_update_unlock(r, wallclock_seconds());
	return ok ? 0 : -EINVAL;
}

static void rtc_release(struct vdev *d)
{
	struct vm_rtc *r = d->priv;
	softtimer_cancel_sync(&r->alarm); /* not firing into freed memory */
	vdev_free(r, sizeof(*r));
}

static const struct vdev_ops rtc_ops = {.name = "PL031",
					.access = rtc_access,
					.reset = rtc_reset,
					.save = rtc_save,
					.restore = rtc_restore,
					.release = rtc_release};

int vm_rtc_create(struct vm *vm)
{
	struct vm_rtc *r = vdev_alloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->vm = vm;
	r->alarm.fn = rtc_alarm_expired;
	int err = vm_add_vdev(vm, &rtc_ops, GUEST_RTC_IPA, 0x1000, r, -1);
	if (err)
		vdev_free(r, sizeof(*r));
	return err;
}
