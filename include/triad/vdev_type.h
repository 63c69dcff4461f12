/*
 * Device types a VM's bundle entry can ask for: "disk@N", "net", "passthrough@N", ... Each
 * type registers itself with VDEV_TYPE() in its own file under devices/; the bundle parser
 * and VM creation find it in that table, so adding a device type touches no core file.
 *
 * A type's parse and check are pure (they run on the host in unit tests and the fuzzer);
 * create runs in Triad when the VM is built.
 */
#ifndef TRIAD_VDEV_TYPE_H
#define TRIAD_VDEV_TYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct triad_config;

#define VDEV_CONFIG_MAX 80 /* bytes of a type's own settings */

/* One device of a VM as the bundle describes it. */
struct vdev_config {
	const struct vdev_type *type;
	unsigned index; /* among the VM's devices of this type: vda, vdb, ... */
	_Alignas(8) unsigned char data[VDEV_CONFIG_MAX];
};

struct vdev_type {
	const char *node;    /* the bundle node's name before any "@unit" */
	unsigned max_per_vm; /* how many a VM may have */
	/* Checks the node and fills data; on error writes err naming where (the node's path)
	 * and returns -EINVAL. */
	int (*parse)(const void *fdt, int node, const char *where, void *data, char *err,
		     size_t errlen);
	/* Optional: a rule across VMs (e.g. two VMs may not both write one disk range). */
	int (*check)(const struct triad_config *cfg, char *err, size_t errlen);
	/* Its devices hold what cannot be given back while Triad runs (a machine device and
	 * its interrupts): only the boot bundle's VMs may have them, and those VMs cannot be
	 * destroyed. */
	bool boot_only;
	/* Builds the device in the VM (Triad only; NULL in host builds). */
	int (*create)(struct vm *vm, const struct vdev_config *c, char *err, size_t errlen);
};

#include <triad/vdev_create.h> /* VDEV_CREATE(fn) */

/* Registers a type; the linker gathers them between __start_ and __stop_vdev_types. */
#define VDEV_TYPE(id)                                                                              \
	static const struct vdev_type id __attribute__((used, section("vdev_types"), aligned(8)))

extern const struct vdev_type __start_vdev_types[], __stop_vdev_types[];

/* Helpers for parse functions (core/config.c). */
int bundle_get_string(const void *fdt, int node, const char *prop, char *out, size_t max);
int bundle_get_u64s(const void *fdt, int node, const char *prop, uint64_t *out, int n);
/* Fails (-EINVAL, message in err) on any property not in the NULL-terminated list. */
int bundle_only_props(const void *fdt, int node, const char *where, const char *const *allowed,
		      char *err, size_t errlen);
/* A flag property: 1 if present, 0 if absent, -EINVAL (message in err) if it has a value. */
int bundle_get_flag(const void *fdt, int node, const char *where, const char *prop, char *err,
		    size_t errlen);

#endif
