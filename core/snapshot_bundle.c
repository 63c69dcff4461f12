/* The one-VM boot bundle a snapshot carries (include/triad/snapshot.h): the VM's node of
 * the bundle it came from, copied as it is, with its kernel and initrd behind it. */
#include <libfdt.h>
#include <string.h>
#include <triad/config.h>
#include <triad/errno.h>
#include <triad/snapshot.h>
#include <triad/util.h>

#define BLOB_ALIGN 4096u

/* The VM's node under /vms: its name is the VM's, up to any "@unit"; or the only one (a VM
 * created or restored under another name than its bundle's). */
static int find_vm_node(const void *fdt, const char *name)
{
	int vms = fdt_path_offset(fdt, "/vms"), node, only = -ENOENT, count = 0;
	if (vms < 0)
		return -ENOENT;
	fdt_for_each_subnode(node, fdt, vms)
	{
		const char *n = fdt_get_name(fdt, node, NULL);
		size_t len = strcspn(n, "@");
		if (len == strlen(name) && !strncmp(n, name, len))
			return node;
		only = node;
		count++;
	}
	return count == 1 ? only : -ENOENT;
}

/* Every property and subnode of `node`, recursively. */
static int copy_node(void *out, const void *fdt, int node, unsigned depth)
{
	if (depth > 8)
		return -EINVAL; /* the bundle's VM nodes have one level of devices */
	int prop, sub;
	fdt_for_each_property_offset(prop, fdt, node)
	{
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(fdt, prop, &name, &len);
		if (!val || fdt_property(out, name, val, len))
			return -ENOSPC;
	}
	fdt_for_each_subnode(sub, fdt, node)
	{
		if (fdt_begin_node(out, fdt_get_name(fdt, sub, NULL)))
			return -ENOSPC;
		int r = copy_node(out, fdt, sub, depth + 1);
		if (r)
			return r;
		if (fdt_end_node(out))
			return -ENOSPC;
	}
	return 0;
}

static int set_blob(void *dt, int node, const char *prop, uint64_t off, uint64_t size)
{
	fdt64_t v[2] = {cpu_to_fdt64(off), cpu_to_fdt64(size)};
	return fdt_setprop_inplace(dt, node, prop, v, sizeof(v)) ? -EINVAL : 0;
}

long snap_bundle_dt(const void *bundle, const struct vm_config *cfg, void *dt, size_t cap,
		    uint64_t *total)
{
	int node = find_vm_node(bundle, cfg->name);
	if (node < 0)
		return -ENOENT;
	if (fdt_create(dt, (int)cap) || fdt_finish_reservemap(dt) || fdt_begin_node(dt, "") ||
	    fdt_property_string(dt, "compatible", "triad,bundle-v1") || fdt_begin_node(dt, "vms") ||
	    fdt_begin_node(dt, cfg->name)) /* the VM's name now */
		return -ENOSPC;
	int r = copy_node(dt, bundle, node, 0);
	if (r)
		return r;
	if (fdt_end_node(dt) || fdt_end_node(dt) || fdt_end_node(dt) || fdt_finish(dt))
		return -ENOSPC;
	/* The blobs' places in the new bundle: same-sized properties, patched in place. */
	uint64_t dt_size = ALIGN_UP((uint64_t)fdt_totalsize(dt), BLOB_ALIGN);
	if (dt_size > cap)
		return -ENOSPC;
	uint64_t kernel_at = dt_size,
		 initrd_at = kernel_at + ALIGN_UP(cfg->kernel.size, BLOB_ALIGN);
	int vm = find_vm_node(dt, cfg->name);
	if (vm < 0 || set_blob(dt, vm, "kernel", kernel_at, cfg->kernel.size) ||
	    (cfg->initrd.size && set_blob(dt, vm, "initrd", initrd_at, cfg->initrd.size)))
		return -EINVAL;
	memset((uint8_t *)dt + fdt_totalsize(dt), 0, dt_size - fdt_totalsize(dt));
	*total = cfg->initrd.size ? initrd_at + cfg->initrd.size : kernel_at + cfg->kernel.size;
	return (long)dt_size;
}

void snap_bundle_copy(uint8_t *out, const void *dt, uint64_t dt_size, const uint8_t *bundle,
		      const struct vm_config *cfg)
{
	memcpy(out, dt, dt_size);
	uint64_t at = dt_size;
	memcpy(out + at, bundle + cfg->kernel.offset, cfg->kernel.size);
	if (!cfg->initrd.size)
		return; /* the kernel ends the bundle */
	uint64_t padded = ALIGN_UP(cfg->kernel.size, BLOB_ALIGN);
	memset(out + at + cfg->kernel.size, 0, padded - cfg->kernel.size);
	memcpy(out + at + padded, bundle + cfg->initrd.offset, cfg->initrd.size);
}
