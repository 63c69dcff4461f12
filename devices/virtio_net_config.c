/* The "net" device type: a VM's port on the switch. Pure logic, host-tested. */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include <triad/config.h>
#include <triad/errno.h>
#include <triad/virtio_net.h>

_Static_assert(sizeof(struct net_config) <= VDEV_CONFIG_MAX, "net_config too large");

/* net { mac = [6 bytes]; } */
static int net_parse(const void *fdt, int node, const char *where, void *data, char *err,
		     size_t errlen)
{
	static const char *const props[] = {"mac", NULL};
	struct net_config *n = data;
	if (bundle_only_props(fdt, node, where, props, err, errlen))
		return -EINVAL;
	int len;
	const uint8_t *mac = fdt_getprop(fdt, node, "mac", &len);
	if (!mac || len != 6 || (mac[0] & 1)) {
		snprintf(err, errlen, "bundle: %s: 'mac' must be 6 bytes of a unicast address",
			 where);
		return -EINVAL;
	}
	memcpy(n->mac, mac, 6);
	return 0;
}

VDEV_TYPE(net_type) = {
    .node = "net",
    .max_per_vm = 1,
    .parse = net_parse,
    .create = VDEV_CREATE(virtio_net_create),
};
