/* Boot bundle parser (see include/triad/config.h). */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include <triad/config.h>
#include <triad/errno.h>
#include <triad/security_mode.h>
#include <triad/util.h>

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -EINVAL;                                                                    \
	} while (0)

int bundle_get_string(const void *fdt, int node, const char *prop, char *out, size_t max)
{
	int len;
	const char *s = fdt_getprop(fdt, node, prop, &len);
	if (!s)
		return -ENOENT;
	/* A property string must end with its NUL and fit. */
	if (len < 1 || s[len - 1] != '\0' || (size_t)len > max || strlen(s) + 1 != (size_t)len)
		return -EINVAL;
	memcpy(out, s, (size_t)len);
	return 0;
}

int bundle_get_u64s(const void *fdt, int node, const char *prop, uint64_t *out, int n)
{
	int len;
	const fdt64_t *p = fdt_getprop(fdt, node, prop, &len);
	if (!p)
		return -ENOENT;
	if (len != n * 8)
		return -EINVAL;
	for (int i = 0; i < n; i++) {
		fdt64_t v;
		memcpy(&v, &p[i], sizeof(v)); /* properties are only 4-byte aligned */
		out[i] = fdt64_to_cpu(v);
	}
	return 0;
}

int bundle_only_props(const void *fdt, int node, const char *where, const char *const *allowed,
		      char *err, size_t errlen)
{
	int prop;
	fdt_for_each_property_offset(prop, fdt, node)
	{
		const char *pname = NULL;
		fdt_getprop_by_offset(fdt, prop, &pname, NULL);
		const char *const *a = allowed;
		while (pname && *a && strcmp(pname, *a))
			a++;
		if (!pname || !*a)
			FAIL("bundle: %s: unknown property '%s'", where, pname ? pname : "?");
	}
	return 0;
}

int bundle_get_flag(const void *fdt, int node, const char *where, const char *prop, char *err,
		    size_t errlen)
{
	int len;
	if (!fdt_getprop(fdt, node, prop, &len))
		return 0;
	if (len)
		FAIL("bundle: %s: '%s' takes no value", where, prop);
	return 1;
}

static const char *const vm_props[] = {
    "memory",	"cpus", "bootargs", "kernel", "initrd",	  "weight", "affinity", "console", "realm",
    "realtime", "its",	"security", "sve-vl", "firmware", "mte",    "uefi",	NULL};

static const struct vdev_type *find_type(const char *name)
{
	size_t n = strcspn(name, "@");
	/* cppcheck-suppress comparePointers ; the linker's start and end of one section */
	for (const struct vdev_type *t = __start_vdev_types; t < __stop_vdev_types; t++)
		if (strlen(t->node) == n && !strncmp(name, t->node, n))
			return t;
	return NULL;
}

/* The VM's devices: each subnode names a registered type, which parses it. */
static int parse_devices(const void *fdt, int node, const char *vm, struct vm_config *c, char *err,
			 size_t errlen)
{
	int sub;
	fdt_for_each_subnode(sub, fdt, node)
	{
		const char *name = fdt_get_name(fdt, sub, NULL);
		char where[VM_NAME_MAX + 64];
		snprintf(where, sizeof(where), "/vms/%s/%s", vm, name);
		const struct vdev_type *t = find_type(name);
		if (!t)
			FAIL("bundle: %s: unknown node", where);
		unsigned same = 0;
		for (unsigned i = 0; i < c->ndevs; i++)
			same += c->dev[i].type == t;
		if (same == t->max_per_vm)
			FAIL("bundle: %s: a VM may have at most %u '%s'", where, t->max_per_vm,
			     t->node);
		if (c->ndevs == MAX_VM_DEVICES)
			FAIL("bundle: %s: a VM may have at most %d devices", where, MAX_VM_DEVICES);
		struct vdev_config *d = &c->dev[c->ndevs];
		*d = (struct vdev_config){.type = t, .index = same};
		if (t->parse(fdt, sub, where, d->data, err, errlen))
			return -EINVAL;
		c->ndevs++;
	}
	return 0;
}

static int parse_vm(const void *fdt, int node, uint64_t size, struct vm_config *vm, char *err,
		    size_t errlen)
{
	const char *path = fdt_get_name(fdt, node, NULL);
	char where[VM_NAME_MAX + 64];
	snprintf(where, sizeof(where), "/vms/%s", path);
	if (bundle_only_props(fdt, node, where, vm_props, err, errlen))
		return -EINVAL;
	/* The VM's name is its node's name (before any "@unit"). */
	size_t n = strcspn(path, "@");
	if (n == 0 || n >= sizeof(vm->name))
		FAIL("bundle: /vms/%s: VM name must be 1..%d characters", path, VM_NAME_MAX - 1);
	for (size_t i = 0; i < n; i++) {
		char c = path[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			FAIL("bundle: /vms/%s: VM name may only use letters, digits, '-' and '_'",
			     path);
	}
	memcpy(vm->name, path, n);
	vm->name[n] = '\0';
	vm->weight = 256;
	for (unsigned i = 0; i < MAX_VCPUS; i++)
		vm->affinity[i] = UINT32_MAX;
	if (bundle_get_u64s(fdt, node, "memory", &vm->memory, 1))
		FAIL("bundle: /vms/%s: 'memory' must be one 64-bit value", path);
	if (vm->memory < VM_MEM_MIN || !IS_ALIGNED(vm->memory, SZ_2M) || vm->memory > (1UL << 40))
		FAIL("bundle: /vms/%s: memory 0x%lx must be 16 MB..1 TB and a multiple of 2 MB",
		     path, vm->memory);
	int len;
	const fdt32_t *cpus = fdt_getprop(fdt, node, "cpus", &len);
	if (!cpus || len != 4)
		FAIL("bundle: /vms/%s: 'cpus' must be one 32-bit value", path);
	vm->ncpus = fdt32_to_cpu(*cpus);
	if (vm->ncpus < 1 || vm->ncpus > MAX_VCPUS)
		FAIL("bundle: /vms/%s: cpus %u out of range 1..%d (Triad's vCPUs per VM, "
		     "MAX_VCPUS)",
		     path, vm->ncpus, MAX_VCPUS);
	int r = bundle_get_string(fdt, node, "bootargs", vm->bootargs, sizeof(vm->bootargs));
	if (r == -EINVAL)
		FAIL("bundle: /vms/%s: 'bootargs' must be a string of < %d characters", path,
		     BOOTARGS_MAX);
	uint64_t b[2];
	if (bundle_get_u64s(fdt, node, "kernel", b, 2))
		FAIL("bundle: /vms/%s: 'kernel' must be <offset size> (64-bit each)", path);
	if (!b[1] || !range_within(b[0], b[1], 0, size))
		FAIL("bundle: /vms/%s: kernel blob [0x%lx +0x%lx] outside the bundle (0x%lx bytes)",
		     path, b[0], b[1], size);
	vm->kernel = (struct blob){b[0], b[1]};
	r = bundle_get_u64s(fdt, node, "initrd", b, 2);
	if (r == -EINVAL)
		FAIL("bundle: /vms/%s: 'initrd' must be <offset size> (64-bit each)", path);
	if (!r) {
		if (!range_within(b[0], b[1], 0, size))
			FAIL("bundle: /vms/%s: initrd blob [0x%lx +0x%lx] outside the bundle", path,
			     b[0], b[1]);
		vm->initrd = (struct blob){b[0], b[1]};
	}
	char console[8] = "pl011";
	if (bundle_get_string(fdt, node, "console", console, sizeof(console)) == -EINVAL ||
	    (strcmp(console, "pl011") && strcmp(console, "virtio")))
		FAIL("bundle: /vms/%s: 'console' must be \"pl011\" or \"virtio\"", path);
	vm->virtio_console = !strcmp(console, "virtio");
	char security[16] = "balanced";
	int mode = bundle_get_string(fdt, node, "security", security, sizeof(security)) == -EINVAL
		       ? -1
		       : security_mode_by_name(security);
	if (mode < 0)
		FAIL("bundle: /vms/%s: 'security' must be \"strict\", \"balanced\" or "
		     "\"performance\"",
		     path);
	vm->security = (uint8_t)mode;
	vm->sve_vl = 0; /* SVE is asked for: a VM that does not use it is cheaper to switch */
	const fdt32_t *vl = fdt_getprop(fdt, node, "sve-vl", &len);
	if (vl) {
		if (len != sizeof(*vl) ||
		    (fdt32_to_cpu(*vl) != SVE_VL_DEFAULT &&
		     (fdt32_to_cpu(*vl) % 16 || fdt32_to_cpu(*vl) > SVE_VL_MAX)))
			FAIL("bundle: /vms/%s: 'sve-vl' must be one value: 0 (no SVE), a multiple "
			     "of 16 bytes up to %u, or 0x%x (the CPU's longest)",
			     path, (unsigned)SVE_VL_MAX, (unsigned)SVE_VL_DEFAULT);
		vm->sve_vl = (uint16_t)fdt32_to_cpu(*vl);
	}
	int realm = bundle_get_flag(fdt, node, path, "realm", err, errlen);
	if (realm < 0)
		return realm;
	vm->realm = realm;
	int mte = bundle_get_flag(fdt, node, path, "mte", err, errlen);
	if (mte < 0)
		return mte;
	if (mte && realm)
		FAIL("bundle: /vms/%s: a realm has no MTE (its memory's tags are the realm "
		     "world's): 'mte' is for normal VMs",
		     path);
	vm->mte = mte;
	int realtime = bundle_get_flag(fdt, node, path, "realtime", err, errlen);
	if (realtime < 0)
		return realtime;
	vm->realtime = realtime;
	int its = bundle_get_flag(fdt, node, path, "its", err, errlen);
	if (its < 0)
		return its;
	vm->its = its;
	int firmware = bundle_get_flag(fdt, node, path, "firmware", err, errlen);
	if (firmware < 0)
		return firmware;
	if (firmware && (realm || vm->initrd.size))
		FAIL("bundle: /vms/%s: guest firmware boots from the VM's disk: not for a realm, "
		     "and "
		     "with no initrd",
		     path);
	vm->firmware = firmware;
	int uefi = bundle_get_flag(fdt, node, path, "uefi", err, errlen);
	if (uefi < 0)
		return uefi;
	if (uefi && !firmware)
		FAIL("bundle: /vms/%s: 'uefi' names the guest firmware: it needs 'firmware'", path);
	if (uefi && (vm->kernel.size < PAGE_SIZE || vm->kernel.size > UEFI_CODE_MAX))
		FAIL("bundle: /vms/%s: UEFI firmware of %lu bytes: not a flash image (4 KiB to "
		     "%lu MiB)",
		     path, (unsigned long)vm->kernel.size, UEFI_CODE_MAX >> 20);
	vm->uefi = uefi;
	const fdt32_t *w = fdt_getprop(fdt, node, "weight", &len);
	if (w) {
		if (len != 4)
			FAIL("bundle: /vms/%s: 'weight' must be one 32-bit value", path);
		vm->weight = fdt32_to_cpu(*w);
		if (vm->weight < 1 || vm->weight > 65535)
			FAIL("bundle: /vms/%s: weight %u out of range 1..65535", path, vm->weight);
	}
	const fdt32_t *aff = fdt_getprop(fdt, node, "affinity", &len);
	if (aff) {
		if (len != (int)(4 * vm->ncpus))
			FAIL("bundle: /vms/%s: 'affinity' needs one CPU mask per vCPU (%u)", path,
			     vm->ncpus);
		for (unsigned i = 0; i < vm->ncpus; i++) {
			fdt32_t m;
			memcpy(&m, &aff[i], sizeof(m));
			vm->affinity[i] = fdt32_to_cpu(m);
			if (!vm->affinity[i])
				FAIL("bundle: /vms/%s: vCPU %u has an empty affinity mask", path,
				     i);
		}
	}
	/* A real-time vCPU never waits for a fair one: it must not wander between CPUs either,
	 * or its latency would depend on the load where it lands. */
	for (unsigned i = 0; vm->realtime && i < vm->ncpus; i++)
		if (__builtin_popcount(vm->affinity[i]) != 1)
			FAIL("bundle: /vms/%s: a realtime VM pins each vCPU to one CPU: vCPU %u's "
			     "affinity 0x%x names %s",
			     path, i, vm->affinity[i],
			     vm->affinity[i] == UINT32_MAX ? "every CPU (no affinity given)"
							   : "several");
	if (parse_devices(fdt, node, path, vm, err, errlen))
		return -EINVAL;
	for (unsigned i = 0; vm->realm && i < vm->ndevs; i++)
		if (!strcmp(vm->dev[i].type->node, "passthrough"))
			FAIL(
			    "bundle: /vms/%s: a realm cannot have passthrough devices (RMM 1.0 has "
			    "no device assignment)",
			    path);
	return 0;
}

int config_parse(const void *bundle, uint64_t size, struct triad_config *cfg, char *err,
		 size_t errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	if (size < sizeof(struct fdt_header) || fdt_check_header(bundle))
		FAIL("bundle: not a device tree (bad header)");
	if (fdt_totalsize(bundle) > size)
		FAIL("bundle: device tree larger than the bundle");
	/* Full structural check before walking: the bundle is untrusted. */
	int r = fdt_check_full(bundle, fdt_totalsize(bundle));
	if (r)
		FAIL("bundle: malformed device tree (%s)", fdt_strerror(r));
	if (fdt_node_check_compatible(bundle, 0, "triad,bundle-v1"))
		FAIL("bundle: root is not compatible with \"triad,bundle-v1\"");
	int vms = fdt_path_offset(bundle, "/vms");
	if (vms < 0)
		FAIL("bundle: no /vms node");
	int node;
	fdt_for_each_subnode(node, bundle, vms)
	{
		if (cfg->nvms == MAX_VMS)
			FAIL("bundle: more than %d VMs (Triad's limit, MAX_VMS)", MAX_VMS);
		struct vm_config *vm = &cfg->vm[cfg->nvms];
		if (parse_vm(bundle, node, size, vm, err, errlen))
			return -EINVAL;
		for (unsigned i = 0; i < cfg->nvms; i++)
			if (!strcmp(cfg->vm[i].name, vm->name))
				FAIL("bundle: /vms/%s: duplicate VM name '%s'",
				     fdt_get_name(bundle, node, NULL), vm->name);
		cfg->nvms++;
	}
	if (!cfg->nvms)
		FAIL("bundle: /vms has no VM");
	/* cppcheck-suppress comparePointers ; the linker's start and end of one section */
	for (const struct vdev_type *t = __start_vdev_types; t < __stop_vdev_types; t++)
		if (t->check && t->check(cfg, err, errlen))
			return -EINVAL;
	return 0;
}
