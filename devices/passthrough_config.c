/* The "passthrough@N" device type: which machine device a VM gets. Whether the machine
 * has it, and may give it, is decided when the VM is built (devices/passthrough.c).
 * Pure logic, host-tested. */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include <triad/config.h>
#include <triad/errno.h>
#include <triad/passthrough.h>

_Static_assert(sizeof(struct passthrough_config) <= VDEV_CONFIG_MAX, "passthrough_config");

/* passthrough@N { path = "/pl011@9040000" | "pci:00:02.0"; } */
static int passthrough_parse(const void *fdt, int node, const char *where, void *data, char *err,
			     size_t errlen)
{
	static const char *const props[] = {"path", NULL};
	struct passthrough_config *p = data;
	if (bundle_only_props(fdt, node, where, props, err, errlen))
		return -EINVAL;
	if (bundle_get_string(fdt, node, "path", p->path, sizeof(p->path)) ||
	    (p->path[0] != '/' && strncmp(p->path, "pci:", 4))) {
		snprintf(err, errlen,
			 "bundle: %s: 'path' must be a device-tree path or pci:BB:DD.F, of < %d "
			 "characters",
			 where, DT_PATH_MAX);
		return -EINVAL;
	}
	return 0;
}

VDEV_TYPE(passthrough_type) = {
    .node = "passthrough",
    .max_per_vm = 4,
    .parse = passthrough_parse,
    .boot_only = true,
    .create = VDEV_CREATE(passthrough_create),
};
