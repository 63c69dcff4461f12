/* A device of the machine given to one VM: its registers mapped into the VM at the same
 * address (no trap on access), its interrupts forwarded as hardware-linked virtual
 * interrupts (the guest's EOI completes the physical one), its node copied into the VM's
 * device tree. Only devices Triad does not use itself, each to one VM, and only devices
 * that do not master DMA: without an IOMMU in front of it such a device could reach any
 * memory. */
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <triad/cpu.h>
#include <triad/errno.h>
#include <triad/feature.h>
#include <triad/guest_dt.h>
#include <triad/log.h>
#include <triad/util.h>
#include <triad/passthrough.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>

#include "../irq/gicv3.h"

#define MAX_PASSTHROUGH 8

/* A physical interrupt line forwarded to a VM. */
struct pt_line {
	struct vm *vm;
	uint32_t intid;
};

static struct pt_line lines[16];
static unsigned nr_lines;

struct passthrough {
	struct vm *vm;
	struct guest_dt_passthrough dt;
	uint32_t intid[GUEST_DT_PT_MAX_IRQS];
	char name[48];
	char compatible[96];
};

static struct passthrough devices[MAX_PASSTHROUGH];
static unsigned nr_devices;

/* Triad's own devices, and devices that master DMA (PCI hosts, virtio, IOMMUs). */
static const char *const refused[] = {"arm,gic-v3",  "virtio,mmio", "pci-host-ecam-generic",
				      "arm,smmu-v3", "arm,pl031",   "arm,armv8-timer"};

/* The physical interrupt is active until the guest deactivates the virtual one. */
static void forward_irq(void *ctx)
{
	struct pt_line *l = ctx;
	struct vm *vm = l->vm;
	/* A paused VM keeps its interrupts: it takes them when it runs again. */
	if (vm->state != VM_RUNNING && vm->state != VM_RESETTING && vm->state != VM_PAUSED) {
		gic_deactivate(l->intid); /* nobody to take it */
		return;
	}
	spin_lock(&vm->vgic.lock);
	int t = vgic_inject_hw(&vm->vgic, 0, l->intid, (uint16_t)l->intid);
	spin_unlock(&vm->vgic.lock);
	if (t >= 0)
		sched_wake(vm->vcpu[t]);
}

int passthrough_route_irq(struct vm *vm, uint32_t intid)
{
	if (nr_lines == ARRAY_SIZE(lines) || host_irq_claimed(intid))
		return -EBUSY;
	lines[nr_lines] = (struct pt_line){vm, intid};
	host_irq_register_guest(intid, forward_irq, &lines[nr_lines]);
	nr_lines++;
	return 0;
}

void passthrough_reset_irqs(struct vm *vm)
{
	/* A physical interrupt the VM's previous life left active is ended. */
	for (unsigned i = 0; i < nr_lines; i++)
		if (lines[i].vm == vm)
			gic_deactivate(lines[i].intid);
}

static void pt_reset(struct vdev *dev)
{
	struct passthrough *p = dev->priv;
	passthrough_reset_irqs(p->vm);
}

static bool pt_access(struct vdev *dev, struct vcpu *v, struct mmio_access *a)
{
	(void)dev, (void)v, (void)a;
	return false; /* the range is mapped: accesses never trap here */
}

static const struct vdev_ops pt_ops = {
    .name = "passthrough", .access = pt_access, .reset = pt_reset};

static bool overlaps_vm(const struct vm *vm, uint64_t base, uint64_t size)
{
	if (ranges_overlap(base, size, GUEST_RAM_IPA, vm->ram_size))
		return true;
	for (unsigned i = 0; i < vm->nvdevs; i++)
		if (ranges_overlap(base, size, vm->vdevs[i].base, vm->vdevs[i].size))
			return true;
	return false;
}

static bool triads_own(uint64_t base, uint64_t size)
{
	if (ranges_overlap(base, size, plat.uart_base, PAGE_SIZE) ||
	    (plat.rtc_base && ranges_overlap(base, size, plat.rtc_base, PAGE_SIZE)) ||
	    ranges_overlap(base, size, plat.gicd_base, SZ_64K) ||
	    ranges_overlap(base, size, plat.gicr_base, plat.gicr_size))
		return true;
	for (unsigned i = 0; i < plat.nmem; i++)
		if (ranges_overlap(base, size, plat.mem[i].base, plat.mem[i].size))
			return true;
	for (unsigned i = 0; i < nr_devices; i++)
		for (unsigned r = 0; r < devices[i].dt.nreg; r++)
			if (ranges_overlap(base, size, devices[i].dt.reg[r][0],
					   devices[i].dt.reg[r][1]))
				return true;
	return false;
}

int passthrough_fail(char *err, size_t errlen, const struct vm *vm, const char *path,
		     const char *fmt, ...)
{
	snprintf(err, errlen, "VM '%s': passthrough %s: ", vm->name, path);
	size_t n = strlen(err);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

#define FAIL(...) return passthrough_fail(err, errlen, vm, path, __VA_ARGS__)

int passthrough_create(struct vm *vm, const struct vdev_config *c, char *err, size_t errlen)
{
	const char *path = ((const struct passthrough_config *)c->data)->path;
	if (!strncmp(path, "pci:", 4))
		return vpci_passthrough_create(vm, path, err, errlen);
	const void *fdt = plat.fdt;
	int node = fdt_path_offset(fdt, path);
	if (node < 0)
		FAIL("the machine has no such device");
	if (nr_devices == MAX_PASSTHROUGH)
		FAIL("more than %d devices passed through", MAX_PASSTHROUGH);
	struct passthrough *p = &devices[nr_devices];
	memset(p, 0, sizeof(*p));
	p->vm = vm;
	int len;
	const char *compat = fdt_getprop(fdt, node, "compatible", &len);
	if (!compat || len < 2 || len > (int)sizeof(p->compatible) || compat[len - 1])
		FAIL("no usable 'compatible'");
	for (unsigned i = 0; i < ARRAY_SIZE(refused); i++)
		if (!fdt_node_check_compatible(fdt, node, refused[i]))
			FAIL("a %s is not given to guests", refused[i]);
	const char *status = fdt_getprop(fdt, node, "status", NULL);
	if (status && strcmp(status, "okay") && strcmp(status, "ok"))
		FAIL("disabled in the machine's device tree");
	memcpy(p->compatible, compat, (size_t)len);
	p->dt.compatible = p->compatible;
	p->dt.compatible_len = len;
	p->dt.primecell = !fdt_node_check_compatible(fdt, node, "arm,primecell");
	const char *name = fdt_get_name(fdt, node, NULL);
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->dt.name = p->name;

	/* Registers: whole pages, outside the VM's RAM and emulated devices. */
	int parent = fdt_parent_offset(fdt, node);
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || ac != 2 || sc != 2 || len % 16 || !len || len / 16 > GUEST_DT_PT_MAX_REGS)
		FAIL("'reg' is not 1..%d <address size> pairs of 64 bits", GUEST_DT_PT_MAX_REGS);
	p->dt.nreg = (unsigned)len / 16;
	for (unsigned i = 0; i < p->dt.nreg; i++) {
		uint64_t base =
		    (uint64_t)fdt32_to_cpu(reg[4 * i]) << 32 | fdt32_to_cpu(reg[4 * i + 1]);
		uint64_t size =
		    (uint64_t)fdt32_to_cpu(reg[4 * i + 2]) << 32 | fdt32_to_cpu(reg[4 * i + 3]);
		if (!size || !IS_ALIGNED(base | size, PAGE_SIZE) || base + size < base)
			FAIL("registers 0x%lx+0x%lx are not whole pages", (unsigned long)base,
			     (unsigned long)size);
		if (triads_own(base, size))
			FAIL("registers 0x%lx+0x%lx are Triad's, RAM or another VM's",
			     (unsigned long)base, (unsigned long)size);
		if (overlaps_vm(vm, base, size))
			FAIL("registers 0x%lx+0x%lx overlap the VM's RAM or emulated devices",
			     (unsigned long)base, (unsigned long)size);
		p->dt.reg[i][0] = base;
		p->dt.reg[i][1] = size;
	}

	/* Interrupts: SPIs Triad does not handle itself. */
	const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);
	if (irq && (len % 12 || len / 12 > GUEST_DT_PT_MAX_IRQS))
		FAIL("'interrupts' is not 1..%d GIC specifiers", GUEST_DT_PT_MAX_IRQS);
	p->dt.nirq = irq ? (unsigned)len / 12 : 0;
	for (unsigned i = 0; i < p->dt.nirq; i++) {
		for (unsigned c = 0; c < 3; c++)
			p->dt.irq[i][c] = fdt32_to_cpu(irq[3 * i + c]);
		uint32_t intid = 32 + p->dt.irq[i][1];
		if (p->dt.irq[i][0] != 0 || intid >= VGIC_NR_IRQS)
			FAIL("interrupt %u is not an SPI a VM can have", i);
		if (host_irq_claimed(intid))
			FAIL("interrupt %u (INTID %u) is Triad's or another VM's", i, intid);
		p->intid[i] = intid;
	}

	for (unsigned i = 0; i < p->dt.nreg; i++)
		if (vm_s2_map(vm, IPA(p->dt.reg[i][0]), PA(p->dt.reg[i][0]), p->dt.reg[i][1],
			      S2_DEVICE_RW)) /* at the address the machine has it */
			FAIL("cannot map its registers");
	if (vm_add_vdev(vm, &pt_ops, p->dt.reg[0][0], 0, p, -1))
		FAIL("too many devices");
	for (unsigned i = 0; i < p->dt.nirq; i++)
		if (passthrough_route_irq(vm, p->intid[i]))
			FAIL("no room to forward interrupt %u", p->intid[i]);
	nr_devices++;
	pr_info("VM '%s': passthrough of %s (registers at 0x%lx, %u interrupt(s))", vm->name, path,
		(unsigned long)p->dt.reg[0][0], p->dt.nirq);
	return 0;
}

/* The VM's passthrough devices, for its DT; returns how many. */
static unsigned passthrough_of(const struct vm *vm, struct guest_dt_passthrough *out, unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < nr_devices && n < max; i++)
		if (devices[i].vm == vm)
			out[n++] = devices[i].dt;
	return n;
}

/* The VM's devices in its device tree: those passed through, and its PCIe host bridge. */
static void passthrough_guest_dt(struct vm *vm, struct guest_dt_params *p)
{
	p->npassthrough = passthrough_of(vm, p->passthrough, MAX_VM_DEVICES);
	p->pci = vpci_dt_of(vm);
}

FEATURE(70, passthrough) = {.guest_dt = passthrough_guest_dt};
