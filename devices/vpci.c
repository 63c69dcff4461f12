/* PCI passthrough: one function of the machine's PCIe bus 0 given to a VM. The VM gets a
 * PCIe host bridge of its own (an emulated ECAM, bus 0) on which the function appears at
 * its real device number; its BARs keep the addresses Triad gave them at boot and are
 * mapped into the VM at the same IPA, its INTx is forwarded hardware-linked, and its DMA
 * goes through the SMMU with the VM's own stage-2 tables: the device reaches the VM's
 * memory and nothing else, whatever the guest programs into it.
 *
 * Config space is the device's own, except: the BARs (fixed; a guest sizing them gets
 * the size, a guest moving them is ignored), the expansion ROM (absent), and the command
 * register (no I/O decode). Other functions read as absent. */
#include <string.h>
#include <triad/cpu.h>
#include <triad/guest_dt.h>
#include <triad/log.h>
#include <triad/pci.h>
#include <triad/smmu.h>
#include <triad/spinlock.h>
#include <triad/util.h>
#include <triad/passthrough.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>

#define CMD_ALLOWED ((1U << 1) | (1U << 2) | (1U << 6) | (1U << 8) | (1U << 10))

struct vpci {
	struct vm *vm;
	struct pci_func *f;
	spinlock_t lock;
	bool sizing[PCI_BARS]; /* the guest wrote all ones: reads give the size */
	struct guest_dt_pci dt;
};

static struct vpci vpcis[MAX_VMS];
static unsigned nr_vpcis;

/* The emulated 32-bit BAR register i. */
static uint32_t bar_value(const struct vpci *p, unsigned i)
{
	const struct pci_bar *b = &p->f->bar[i];
	if (b->upper) {
		const struct pci_bar *lo = &p->f->bar[i - 1];
		return p->sizing[i] ? (uint32_t)(~(lo->size - 1) >> 32)
				    : (uint32_t)(lo->addr >> 32);
	}
	if (!b->size)
		return 0; /* none, or I/O space the VM does not get */
	return (p->sizing[i] ? (uint32_t) ~(b->size - 1) : (uint32_t)b->addr) | b->flags;
}

static bool cfg_read(struct vpci *p, uint32_t off, unsigned size, uint64_t *val)
{
	if (off >= 0x10 && off < 0x28) {
		uint32_t v = bar_value(p, (off - 0x10) / 4);
		*val = (v >> (8 * (off % 4))) & (size == 4 ? 0xffffffffU : (1U << (8 * size)) - 1);
	} else if (off >= 0x30 && off < 0x34) {
		*val = 0;
	} else {
		*val = pci_cfg_read(p->f, off, size);
	}
	return true;
}

static void cfg_write(struct vpci *p, uint32_t off, unsigned size, uint32_t v)
{
	if (off >= 0x10 && off < 0x28) {
		if (size == 4)
			p->sizing[(off - 0x10) / 4] = v == 0xffffffff;
		return;
	}
	if (off >= 0x30 && off < 0x34)
		return;
	if (off == 0x04 || (off < 0x04 + 2 && off + size > 0x04)) {
		if (off != 0x04 || size < 2)
			return;
		uint32_t cmd = v & CMD_ALLOWED;
		v = size == 4 ? (v & 0xffff0000U) | cmd : cmd;
	}
	pci_cfg_write(p->f, off, size, v);
}

static bool ecam_access(struct vdev *dev, struct vcpu *vcpu, struct mmio_access *a)
{
	(void)vcpu;
	struct vpci *p = dev->priv;
	unsigned devfn = (unsigned)(a->offset >> 12) & 0xff;
	uint32_t off = (uint32_t)(a->offset & 0xfff);
	if (a->size > 4 || off % a->size)
		return false;
	if (devfn != p->f->devfn) {
		if (!a->write)
			a->value = (1ULL << (8 * a->size)) - 1; /* nothing there */
		return true;
	}
	spin_lock(&p->lock);
	bool ok = true;
	if (a->write)
		cfg_write(p, off, a->size, (uint32_t)a->value);
	else
		ok = cfg_read(p, off, a->size, &a->value);
	spin_unlock(&p->lock);
	return ok;
}

/* The VM restarts: the function stops decoding and mastering until the guest sets it up
 * again. */
static void vpci_reset(struct vdev *dev)
{
	struct vpci *p = dev->priv;
	pci_cfg_write(p->f, 0x04, 2, 0);
	memset(p->sizing, 0, sizeof(p->sizing));
	passthrough_reset_irqs(p->vm);
}

static const struct vdev_ops ecam_ops = {
    .name = "PCIe ECAM", .access = ecam_access, .reset = vpci_reset};

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "pci:00:DD.F", hex device, function 0..7. */
static bool parse_bdf(const char *s, unsigned *dev, unsigned *fn)
{
	if (strlen(s) != 11 || strncmp(s, "pci:00:", 7) || s[9] != '.')
		return false;
	int hi = hex_digit(s[7]), lo = hex_digit(s[8]);
	if (hi < 0 || lo < 0 || s[10] < '0' || s[10] > '7')
		return false;
	*dev = (unsigned)(hi * 16 + lo);
	*fn = (unsigned)(s[10] - '0');
	return *dev < 32;
}

#define FAIL(...) return passthrough_fail(err, errlen, vm, path, __VA_ARGS__)

int vpci_passthrough_create(struct vm *vm, const char *path, char *err, size_t errlen)
{
	unsigned dev, fn;
	if (!parse_bdf(path, &dev, &fn))
		FAIL("not pci:00:DD.F (a function of bus 0)");
	if (!plat.pci.ecam_base)
		FAIL("the machine has no PCIe host bridge");
	struct pci_func *f = pci_func_at(dev << 3 | fn);
	if (!f)
		FAIL("no such function");
	if (f->owner)
		FAIL("already given to VM '%s'", f->owner->name);
	if (!plat.pci.behind_smmu || !smmu_present())
		FAIL("a PCI device can master DMA, and the machine has no usable SMMU to confine "
		     "it (QEMU: -M virt,iommu=smmuv3 -global arm-smmuv3.stage=2)");
	for (struct vpci *o = vpcis; o < vpcis + nr_vpcis; o++)
		if (o->vm == vm)
			FAIL("the VM already has a PCI function (one per VM)");
	if (nr_vpcis == ARRAY_SIZE(vpcis))
		FAIL("too many PCI passthroughs");
	struct vpci *p = &vpcis[nr_vpcis];
	*p = (struct vpci){.vm = vm, .f = f};
	spin_init(&p->lock);
	const struct pci_host *h = &plat.pci;
	if (vm_add_vdev(vm, &ecam_ops, h->ecam_base, SZ_1M, p, -1))
		FAIL("too many devices");
	for (unsigned i = 0; i < PCI_BARS; i++) {
		const struct pci_bar *b = &f->bar[i];
		if (b->size && vm_s2_map(vm, IPA(b->addr), PA(b->addr), b->size, S2_DEVICE_RW))
			FAIL("cannot map BAR %u", i);
	}
	if (f->intid && passthrough_route_irq(vm, f->intid))
		FAIL("its INTx (INTID %u) is shared with a device Triad or another VM has",
		     f->intid);
	if (smmu_attach(f->sid, vm))
		FAIL("the SMMU refused stream 0x%x", f->sid);
	p->dt = (struct guest_dt_pci){h->ecam_base,	     h->mmio_base,
				      h->mmio_size,	     f->devfn,
				      f->intid ? f->pin : 0, f->intid ? f->intid - 32 : 0};
	f->owner = vm;
	nr_vpcis++;
	pr_info("VM '%s': passthrough of PCI 00:%02x.%u (%04x:%04x), DMA confined by the SMMU "
		"(stream 0x%x)",
		vm->name, dev, fn, f->vendor, f->device, f->sid);
	return 0;
}

const struct guest_dt_pci *vpci_dt_of(const struct vm *vm)
{
	for (unsigned i = 0; i < nr_vpcis; i++)
		if (vpcis[i].vm == vm)
			return &vpcis[i].dt;
	return NULL;
}
