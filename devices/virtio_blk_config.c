/* The "disk@N" device type: its bundle node, and the rule that two VMs never both own a
 * writable range of one disk. Pure logic, host-tested. */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include <triad/config.h>
#include <triad/errno.h>
#include <triad/util.h>
#include <triad/virtio_blk.h>

_Static_assert(sizeof(struct disk_config) <= VDEV_CONFIG_MAX, "disk_config too large");

/* disk@N { serial = "..."; range = /bits/ 64 <start sectors>; read-only; } */
static int disk_parse(const void *fdt, int node, const char *where, void *data, char *err,
		      size_t errlen)
{
	static const char *const props[] = {"serial", "range", "read-only", NULL};
	struct disk_config *d = data;
	if (bundle_only_props(fdt, node, where, props, err, errlen))
		return -EINVAL;
	if (bundle_get_string(fdt, node, "serial", d->backend, sizeof(d->backend)) ||
	    !d->backend[0]) {
		snprintf(err, errlen, "bundle: %s: 'serial' must name a disk in 1..%d characters",
			 where, DISK_SERIAL_MAX - 1);
		return -EINVAL;
	}
	uint64_t r[2] = {0, 0};
	if (bundle_get_u64s(fdt, node, "range", r, 2) == -EINVAL || r[0] + r[1] < r[0]) {
		snprintf(err, errlen, "bundle: %s: 'range' must be <start sectors> (64-bit each)",
			 where);
		return -EINVAL;
	}
	d->start = r[0];
	d->sectors = r[1];
	int ro = bundle_get_flag(fdt, node, where, "read-only", err, errlen);
	if (ro < 0)
		return ro;
	d->read_only = ro;
	return 0;
}

static const struct disk_config *disk_of(const struct vdev_config *c);

/* Two VMs may share a disk range only if neither writes to it. */
static int disk_check(const struct triad_config *cfg, char *err, size_t errlen)
{
	for (unsigned a = 0; a < cfg->nvms; a++)
		for (unsigned i = 0; i < cfg->vm[a].ndevs; i++)
			for (unsigned b = a + 1; b < cfg->nvms; b++)
				for (unsigned j = 0; j < cfg->vm[b].ndevs; j++) {
					const struct disk_config *x = disk_of(&cfg->vm[a].dev[i]);
					const struct disk_config *y = disk_of(&cfg->vm[b].dev[j]);
					if (!x || !y || strcmp(x->backend, y->backend) ||
					    (x->read_only && y->read_only))
						continue;
					uint64_t xn =
					    x->sectors ? x->sectors : UINT64_MAX - x->start;
					uint64_t yn =
					    y->sectors ? y->sectors : UINT64_MAX - y->start;
					if (!ranges_overlap(x->start, xn, y->start, yn))
						continue;
					snprintf(err, errlen,
						 "config: VMs '%s' and '%s' share sectors of disk "
						 "'%s' and one of them may write them",
						 cfg->vm[a].name, cfg->vm[b].name, x->backend);
					return -EINVAL;
				}
	return 0;
}

VDEV_TYPE(disk_type) = {
    .node = "disk",
    .max_per_vm = 4,
    .parse = disk_parse,
    .check = disk_check,
    .create = VDEV_CREATE(virtio_blk_create),
};

static const struct disk_config *disk_of(const struct vdev_config *c)
{
	return c->type == &disk_type ? (const struct disk_config *)c->data : NULL;
}
