/* The VM's virtual ITS (irq/vits.c) as a vdev at VITS_BASE_IPA, and the LPIs of its vGIC: every
 * VM whose EL1 state Triad holds gets one (a realm's GIC is the RMM's business). */
#include <triad/cpu.h>
#include <triad/errno.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vits.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>
#include <triad/vm_kind.h>

#include "../irq/vgic_hw.h"
#include "vm_builtin.h"

struct vm_its {
	struct vm *vm;
	struct virq lpi[VGIC_NR_LPIS]; /* the vGIC's LPIs */
	struct vits its;	       /* under the vGIC's lock, as the LPIs are */
	unsigned errors_seen;	       /* command errors already logged */
};

/* Command errors are not signalled to the guest (GITS_TYPER.SEIS = 0): they are logged. */
static void log_errors(struct vm_its *s)
{
	if (s->its.nr_errors == s->errors_seen)
		return;
	vm_warn(s->vm, "ITS: %u command error(s), the last 0x%06x (ignored)",
		s->its.nr_errors - s->errors_seen, s->its.last_error);
	s->errors_seen = s->its.nr_errors;
}

static bool its_access(struct vdev *d, struct vcpu *v, struct mmio_access *a)
{
	struct vm_its *s = d->priv;
	struct vgic *g = &s->vm->vgic;
	uint32_t kick = 0, off = (uint32_t)a->offset;
	vgic_sync(v); /* a command may move or clear what its list registers hold */
	spin_lock(&g->lock);
	bool ok = a->write ? vits_write(&s->its, off, a->size, a->value, &kick)
			   : vits_read(&s->its, off, a->size, &a->value, &kick);
	unsigned faults = g->lpi_table_faults;
	g->lpi_table_faults = 0;
	log_errors(s);
	spin_unlock(&g->lock);
	if (faults)
		vm_warn(s->vm, "LPI configuration or pending table outside RAM (%u read(s))",
			faults);
	for (; kick; kick &= kick - 1)
		sched_wake(s->vm->vcpu[__builtin_ctz(kick)]);
	return ok;
}

/* After the vGIC's own reset (vm_load_images): LPIs back, the ITS empty. */
static void its_reset(struct vdev *d)
{
	struct vm_its *s = d->priv;
	vgic_attach_lpis(&s->vm->vgic, s->lpi, (struct vgic_mem){vm_guest_map, s->vm});
	vits_init(&s->its, &s->vm->vgic);
	s->errors_seen = 0;
}

/* A snapshot saves the ITS and the vGIC's LPIs in a section of their own (SNAP_SEC_ITS,
 * core/snapshot_its.c), with the redistributors' LPI state: the window's record is empty. */
static long its_save(struct vdev *d, void *buf, size_t len)
{
	(void)d, (void)buf, (void)len;
	return 0;
}

static int its_restore(struct vdev *d, const void *buf, size_t len)
{
	(void)d, (void)buf;
	return len ? -EINVAL : 0;
}

/* The VM is destroyed (its devices reset first): the vGIC forgets the LPIs kept here. */
static void its_release(struct vdev *d)
{
	struct vm_its *s = d->priv;
	spin_lock(&s->vm->vgic.lock);
	s->vm->vgic.lpi = NULL;
	spin_unlock(&s->vm->vgic.lock);
	s->vm->its = NULL;
	vdev_free(s, sizeof(*s));
}

static const struct vdev_ops its_ops = {.name = "ITS",
					.access = its_access,
					.reset = its_reset,
					.save = its_save,
					.restore = its_restore,
					.release = its_release};

int vm_its_create(struct vm *vm)
{
	if (!vm->kind->el1_in_cpu || !vm->cfg->its)
		return 0; /* asked for per VM (config.md: its) */
	struct vm_its *s = vdev_alloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->vm = vm;
	vm->its = &s->its;
	return vm_add_vdev(vm, &its_ops, VITS_BASE_IPA, VITS_SIZE, s, -1);
}
