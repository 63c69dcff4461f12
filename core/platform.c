/* Reads the physical platform description out of the boot DTB (see platform.h). */
#include <libfdt.h>
#include <string.h>
#include <triad/errno.h>
#include <triad/platform.h>
#include <triad/util.h>

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;
	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/* reg entry `idx` of `node` using its parent's #address-cells/#size-cells. */
static int get_reg(const void *fdt, int node, int idx, uint64_t *base, uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	if (ac < 1 || ac > 2 || sc < 0 || sc > 2 || !reg)
		return -EINVAL;
	int entry = (ac + sc) * 4;
	if ((idx + 1) * entry > len)
		return -ERANGE;
	reg += idx * (ac + sc);
	*base = read_cells(reg, ac);
	if (size)
		*size = sc ? read_cells(reg + ac, sc) : 0;
	return 0;
}

/* INTID of interrupt specifier `idx` in a 3-cell GIC "interrupts" property. */
static int get_intid(const void *fdt, int node, int idx, uint32_t *intid)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, "interrupts", &len);
	if (!p || (idx + 1) * 12 > len)
		return -ENOENT;
	uint32_t type = fdt32_to_cpu(p[idx * 3]), num = fdt32_to_cpu(p[idx * 3 + 1]);
	if (type > 1 || num > 1019)
		return -EINVAL;
	*intid = num + (type == 0 ? 32 : 16); /* SPI n = INTID 32+n, PPI n = 16+n */
	return 0;
}

static int parse_memory(const void *fdt, struct platform *p)
{
	int node;
	fdt_for_each_subnode(node, fdt, 0)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		if (!type || strcmp(type, "memory"))
			continue;
		const char *status = fdt_getprop(fdt, node, "status", NULL);
		if (status && strcmp(status, "okay") && strcmp(status, "ok"))
			continue; /* e.g. QEMU's secure-only RAM */
		for (int i = 0; p->nmem < MAX_MEM_BANKS; i++) {
			uint64_t base, size;
			if (get_reg(fdt, node, i, &base, &size))
				break;
			if (size && base + size > base)
				p->mem[p->nmem++] = (struct mem_bank){base, size};
		}
	}
	return p->nmem ? 0 : -ENOENT;
}

static int parse_cpus(const void *fdt, struct platform *p)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0)
		return -ENOENT;
	int node;
	fdt_for_each_subnode(node, fdt, cpus)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		uint64_t mpidr;
		if (!type || strcmp(type, "cpu") || get_reg(fdt, node, 0, &mpidr, NULL))
			continue;
		if (p->ncpus == MAX_CPUS)
			break;
		p->cpu_mpidr[p->ncpus++] = mpidr;
	}
	return p->ncpus ? 0 : -ENOENT;
}

static int parse_gic(const void *fdt, struct platform *p)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	if (node < 0)
		return -ENODEV;
	if (get_reg(fdt, node, 0, &p->gicd_base, NULL) ||
	    get_reg(fdt, node, 1, &p->gicr_base, &p->gicr_size))
		return -EINVAL;
	if (get_intid(fdt, node, 0, &p->gic_maint_intid))
		p->gic_maint_intid = 25;
	return 0;
}

static int parse_timer(const void *fdt, struct platform *p)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
	/* Binding order: secure phys, phys, virt, hyp phys. */
	if (node < 0 || get_intid(fdt, node, 1, &p->timer_phys_intid) ||
	    get_intid(fdt, node, 2, &p->timer_virt_intid) ||
	    get_intid(fdt, node, 3, &p->timer_hyp_intid))
		return -ENODEV;
	return 0;
}

/* Optional: without an RTC, wall-clock time starts at the epoch. */
static void parse_rtc(const void *fdt, struct platform *p)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl031");
	if (node < 0 || get_reg(fdt, node, 0, &p->rtc_base, NULL))
		p->rtc_base = 0;
}

/* Optional: the machine's power key, a gpio-keys key with code KEY_POWER (116) on a line of
 * a PL061 (QEMU virt: line 3, what the monitor's `system_powerdown` presses). A disabled
 * PL061 (the secure world's) is not ours. */
static void parse_power_key(const void *fdt, struct platform *p)
{
	int keys = fdt_node_offset_by_compatible(fdt, -1, "gpio-keys");
	int key;
	p->gpio_base = 0;
	fdt_for_each_subnode(key, fdt, keys)
	{
		int len;
		const fdt32_t *code = fdt_getprop(fdt, key, "linux,code", &len);
		const fdt32_t *gpios = fdt_getprop(fdt, key, "gpios", &len);
		if (!code || fdt32_to_cpu(*code) != 116 || !gpios || len < 8)
			continue;
		int gpio = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(gpios[0]));
		const char *status = gpio >= 0 ? fdt_getprop(fdt, gpio, "status", NULL) : NULL;
		uint32_t line = fdt32_to_cpu(gpios[1]);
		if (gpio < 0 || fdt_node_check_compatible(fdt, gpio, "arm,pl061") ||
		    (status && strcmp(status, "okay")) || line > 7 ||
		    get_reg(fdt, gpio, 0, &p->gpio_base, NULL) ||
		    get_intid(fdt, gpio, 0, &p->gpio_intid) || p->gpio_intid < 32) {
			p->gpio_base = 0;
			continue;
		}
		p->power_key_line = line;
		return;
	}
}

/* Optional: without a PMU node guests get no PMU. */
static void parse_pmu(const void *fdt, struct platform *p)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-pmuv3");
	uint32_t intid;
	p->pmu_intid = 0;
	if (node >= 0 && !get_intid(fdt, node, 0, &intid) && intid >= 16 && intid < 32)
		p->pmu_intid = intid;
}

/* Optional: the virtio-mmio transports, probed later by the virtio drivers. */
static void parse_virtio(const void *fdt, struct platform *p)
{
	int node = -1;
	while ((node = fdt_node_offset_by_compatible(fdt, node, "virtio,mmio")) >= 0 &&
	       p->nvirtio < MAX_VIRTIO_SLOTS) {
		struct virtio_slot s;
		uint64_t size;
		if (get_reg(fdt, node, 0, &s.base, &size) || size < 0x200 || s.base % 0x200 ||
		    get_intid(fdt, node, 0, &s.intid) || s.intid < 32)
			continue;
		p->virtio[p->nvirtio++] = s;
	}
}

/* Optional: an SMMUv3, with its event-queue and global-error interrupts by name. */
static void parse_smmu(const void *fdt, struct platform *p)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,smmu-v3");
	if (node < 0 || get_reg(fdt, node, 0, &p->smmu_base, NULL))
		return;
	int len;
	const char *names = fdt_getprop(fdt, node, "interrupt-names", &len);
	for (int i = 0, off = 0; names && off < len; i++) {
		const char *n = names + off;
		uint32_t intid;
		if (!get_intid(fdt, node, i, &intid)) {
			if (!strcmp(n, "eventq"))
				p->smmu_eventq_intid = intid;
			else if (!strcmp(n, "gerror"))
				p->smmu_gerror_intid = intid;
		}
		off += (int)strnlen(n, (size_t)(len - off)) + 1;
	}
}

/* Optional: the PCIe host bridge: ECAM, 32-bit memory window, INTx routing, stream IDs. */
static void parse_pci(const void *fdt, struct platform *p)
{
	struct pci_host *h = &p->pci;
	int node = fdt_node_offset_by_compatible(fdt, -1, "pci-host-ecam-generic");
	if (node < 0 || get_reg(fdt, node, 0, &h->ecam_base, &h->ecam_size))
		return;
	int len;
	const fdt32_t *r = fdt_getprop(fdt, node, "ranges", &len);
	for (int i = 0; r && (i + 1) * 28 <= len; i++) {
		const fdt32_t *e =
		    r + 7 * i; /* <flags bus-hi bus-lo cpu-hi cpu-lo size-hi size-lo> */
		uint32_t space = (fdt32_to_cpu(e[0]) >> 24) & 3;
		uint64_t bus = read_cells(e + 1, 2), cpu = read_cells(e + 3, 2);
		uint64_t size = read_cells(e + 5, 2);
		if (space == 2 && bus == cpu && cpu + size <= (1ULL << 32)) {
			h->mmio_base = cpu;
			h->mmio_size = size;
		}
	}
	const fdt32_t *mask = fdt_getprop(fdt, node, "interrupt-map-mask", &len);
	h->intx_mask = mask && len >= 4 ? fdt32_to_cpu(mask[0]) : 0;
	/* interrupt-map: <devfn 0 0 pin  &gic  0 0  type spi flags> (QEMU virt's form). */
	const fdt32_t *m = fdt_getprop(fdt, node, "interrupt-map", &len);
	for (int i = 0; m && (i + 1) * 40 <= len && h->nintx < MAX_PCI_INTX; i++) {
		const fdt32_t *e = m + 10 * i;
		if (fdt32_to_cpu(e[7]) != 0)
			continue; /* not an SPI */
		h->intx[h->nintx].devfn_bits = fdt32_to_cpu(e[0]);
		h->intx[h->nintx].pin = fdt32_to_cpu(e[3]);
		h->intx[h->nintx].intid = 32 + fdt32_to_cpu(e[8]);
		h->nintx++;
	}
	const fdt32_t *im = fdt_getprop(fdt, node, "iommu-map", &len);
	if (im && len >= 16 && p->smmu_base) {
		h->sid_base = fdt32_to_cpu(im[2]) - fdt32_to_cpu(im[0]);
		h->behind_smmu = true;
	}
}

static int parse_chosen(const void *fdt, struct platform *p)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		return -ENOENT;
	const char *args = fdt_getprop(fdt, chosen, "bootargs", NULL);
	if (args) {
		strncpy(p->bootargs, args, sizeof(p->bootargs) - 1);
		p->bootargs[sizeof(p->bootargs) - 1] = '\0';
	}
	int len;
	const fdt32_t *s = fdt_getprop(fdt, chosen, "linux,initrd-start", &len);
	const fdt32_t *e = fdt_getprop(fdt, chosen, "linux,initrd-end", NULL);
	if (s && e && (len == 4 || len == 8)) {
		p->initrd_start = read_cells(s, len / 4);
		p->initrd_end = read_cells(e, len / 4);
		if (p->initrd_end < p->initrd_start)
			return -EINVAL;
	}
	/* The console: stdout-path, minus any ":options" suffix. */
	const char *path = fdt_getprop(fdt, chosen, "stdout-path", &len);
	int uart = -1;
	if (path) {
		const char *colon = memchr(path, ':', (size_t)len);
		int n = colon ? (int)(colon - path) : (int)strnlen(path, (size_t)len);
		uart = fdt_path_offset_namelen(fdt, path, n);
	}
	if (uart < 0)
		uart = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
	if (uart < 0 || get_reg(fdt, uart, 0, &p->uart_base, NULL))
		return -ENODEV;
	if (get_intid(fdt, uart, 0, &p->uart_intid))
		p->uart_intid = 0;
	return 0;
}

int platform_parse(const void *fdt, struct platform *p, const char **why)
{
	memset(p, 0, sizeof(*p));
	p->fdt = fdt;
	if (fdt_check_header(fdt)) {
		*why = "bad DTB header";
		return -EINVAL;
	}
	/* What Triad cannot run without, then what it uses if the machine has it. */
	static const struct {
		int (*parse)(const void *fdt, struct platform *p);
		int err;
		const char *why;
	} required[] = {
	    {parse_memory, -ENOENT, "no usable /memory node"},
	    {parse_cpus, -ENOENT, "no cpu nodes under /cpus"},
	    {parse_gic, -ENODEV, "no usable arm,gic-v3 node"},
	    {parse_timer, -ENODEV, "no usable arm,armv8-timer node"},
	    {parse_chosen, -ENODEV, "no console (chosen/stdout-path) or bad initrd range"},
	};
	for (unsigned i = 0; i < ARRAY_SIZE(required); i++)
		if (required[i].parse(fdt, p)) {
			*why = required[i].why;
			return required[i].err;
		}
	parse_pmu(fdt, p);
	parse_rtc(fdt, p);
	parse_power_key(fdt, p);
	parse_virtio(fdt, p);
	parse_smmu(fdt, p);
	parse_pci(fdt, p);
	int psci = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2");
	const char *method = psci >= 0 ? fdt_getprop(fdt, psci, "method", NULL) : NULL;
	strncpy(p->psci_method, method && !strcmp(method, "hvc") ? "hvc" : "smc",
		sizeof(p->psci_method));
	return 0;
}
