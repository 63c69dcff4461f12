/* Saving and restoring the state of a VM's devices (see include/triad/vdev.h). */
#include <stdio.h>
#include <string.h>
#include <triad/errno.h>
#include <triad/util.h>
#include <triad/vdev.h>

#define RECORD_MAGIC 0x56444556 /* "VDEV" */
#define NAME_LEN     24

/* Each record: this header, then `len` bytes of state, padded to 8 bytes. */
struct record {
	uint32_t magic;
	uint32_t len;
	uint64_t base;
	char name[NAME_LEN];
};

long vdevs_save(struct vdev *devs, unsigned n, void *buf, size_t len, char *err, size_t errlen)
{
	uint8_t *out = buf;
	size_t used = 0;
	for (unsigned i = 0; i < n; i++) {
		struct vdev *d = &devs[i];
		if (!d->ops->save) {
			snprintf(err, errlen, "device %s at 0x%lx cannot be saved", d->ops->name,
				 (unsigned long)d->base);
			return -ENOTSUP;
		}
		if (len - used < sizeof(struct record))
			goto nospace;
		long r = d->ops->save(d, out + used + sizeof(struct record),
				      len - used - sizeof(struct record));
		if (r == -ENOSPC)
			goto nospace;
		if (r < 0) {
			snprintf(err, errlen, "device %s at 0x%lx: not now (%ld)", d->ops->name,
				 (unsigned long)d->base, r);
			return r;
		}
		struct record h = {.magic = RECORD_MAGIC, .len = (uint32_t)r, .base = d->base};
		snprintf(h.name, sizeof(h.name), "%s", d->ops->name);
		memcpy(out + used, &h, sizeof(h));
		size_t total = sizeof(h) + ALIGN_UP((size_t)r, 8);
		if (total > len - used)
			goto nospace;
		memset(out + used + sizeof(h) + r, 0, total - sizeof(h) - (size_t)r);
		used += total;
	}
	return (long)used;
nospace:
	snprintf(err, errlen, "device state does not fit in %zu bytes", len);
	return -ENOSPC;
}

int vdevs_restore(struct vdev *devs, unsigned n, const void *buf, size_t len, char *err,
		  size_t errlen)
{
	const uint8_t *in = buf;
	size_t at = 0;
	for (unsigned i = 0; i < n; i++) {
		struct vdev *d = &devs[i];
		struct record h;
		if (len - at < sizeof(h)) {
			snprintf(err, errlen, "saved state ends before device %u (%s)", i,
				 d->ops->name);
			return -EINVAL;
		}
		memcpy(&h, in + at, sizeof(h));
		char name[NAME_LEN] = {0};
		snprintf(name, sizeof(name), "%s", d->ops->name);
		if (h.magic != RECORD_MAGIC || h.base != d->base ||
		    memcmp(h.name, name, NAME_LEN) || !d->ops->restore) {
			snprintf(err, errlen, "saved state of device %u is not for %s at 0x%lx", i,
				 d->ops->name, (unsigned long)d->base);
			return -EINVAL;
		}
		size_t total = sizeof(h) + ALIGN_UP((size_t)h.len, 8);
		if (h.len > len - at - sizeof(h) || total > len - at) {
			snprintf(err, errlen, "saved state of %s at 0x%lx is cut short",
				 d->ops->name, (unsigned long)d->base);
			return -EINVAL;
		}
		if (d->ops->restore(d, in + at + sizeof(h), h.len)) {
			snprintf(err, errlen, "saved state of %s at 0x%lx is not valid",
				 d->ops->name, (unsigned long)d->base);
			return -EINVAL;
		}
		at += total;
	}
	if (at != len) {
		snprintf(err, errlen, "saved state has %zu bytes more than the VM's devices",
			 len - at);
		return -EINVAL;
	}
	return 0;
}
