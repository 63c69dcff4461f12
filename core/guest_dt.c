/* Guest device tree generation with libfdt's sequential writer (see guest_dt.h). */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include <triad/guest_dt.h>
#include <triad/vgic.h>
#include <triad/vits.h>

#define PHANDLE_GIC  1
#define PHANDLE_CLK  2
#define PHANDLE_GPIO 3
#define KEY_POWER    116 /* Linux's input event code (include/uapi/linux/input-event-codes.h) */
#define PHANDLE_ITS  4
#define IRQ_TYPE_SPI 0
#define IRQ_TYPE_PPI 1
#define IRQ_LEVEL_HI 4
#define SZ_1M_ECAM   0x100000 /* one bus of ECAM space */

#define TRY(x)                                                                                     \
	do {                                                                                       \
		int __r = (x);                                                                     \
		if (__r < 0)                                                                       \
			return __r;                                                                \
	} while (0)

static int prop_reg(void *fdt, const char *name, uint64_t base, uint64_t size)
{
	fdt64_t cells[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};
	return fdt_property(fdt, name, cells, sizeof(cells));
}

static int begin_node_at(void *fdt, const char *name, uint64_t addr)
{
	char buf[48];
	snprintf(buf, sizeof(buf), "%s@%lx", name, (unsigned long)addr);
	return fdt_begin_node(fdt, buf);
}

static int add_cpus(void *fdt, const struct guest_dt_params *p)
{
	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (unsigned i = 0; i < p->ncpus; i++) {
		uint32_t reg = (uint32_t)(p->mpidr[i] & 0xffffff);
		TRY(begin_node_at(fdt, "cpu", reg));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_property_string(fdt, "compatible", "arm,armv8"));
		TRY(fdt_property_u32(fdt, "reg", reg));
		TRY(fdt_property_string(fdt, "enable-method", "psci"));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int add_gic(void *fdt, const struct guest_dt_params *p)
{
	TRY(begin_node_at(fdt, "intc", p->gicd_base));
	TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	TRY(fdt_property(fdt, "interrupt-controller", "", 0));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_u32(fdt, "#redistributor-regions", 1));
	fdt64_t reg[4] = {cpu_to_fdt64(p->gicd_base), cpu_to_fdt64(GICD_SIZE),
			  cpu_to_fdt64(p->gicr_base), cpu_to_fdt64(GICR_STRIDE * p->ncpus)};
	TRY(fdt_property(fdt, "reg", reg, sizeof(reg)));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
	if (p->its_base) {
		TRY(fdt_property(fdt, "ranges", "",
				 0)); /* the ITS's reg is in the parent's space */
		TRY(begin_node_at(fdt, "its", p->its_base));
		TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3-its"));
		TRY(fdt_property(fdt, "msi-controller", "", 0));
		TRY(fdt_property_u32(fdt, "#msi-cells", 1));
		fdt64_t its_reg[2] = {cpu_to_fdt64(p->its_base), cpu_to_fdt64(VITS_SIZE)};
		TRY(fdt_property(fdt, "reg", its_reg, sizeof(its_reg)));
		TRY(fdt_property_u32(fdt, "phandle", PHANDLE_ITS));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int add_timer(void *fdt, const struct guest_dt_params *p)
{
	fdt32_t irqs[12];
	for (int i = 0; i < 4; i++) {
		irqs[i * 3] = cpu_to_fdt32(IRQ_TYPE_PPI);
		irqs[i * 3 + 1] = cpu_to_fdt32(p->timer_ppi[i]);
		irqs[i * 3 + 2] = cpu_to_fdt32(IRQ_LEVEL_HI);
	}
	TRY(fdt_begin_node(fdt, "timer"));
	TRY(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	TRY(fdt_property(fdt, "interrupts", irqs, sizeof(irqs)));
	TRY(fdt_property(fdt, "always-on", "", 0));
	return fdt_end_node(fdt);
}

static int add_rtc(void *fdt, const struct guest_dt_params *p)
{
	TRY(begin_node_at(fdt, "pl031", p->rtc_base));
	static const char compat[] = "arm,pl031\0arm,primecell";
	TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	TRY(prop_reg(fdt, "reg", p->rtc_base, 0x1000));
	fdt32_t irq[3] = {cpu_to_fdt32(IRQ_TYPE_SPI), cpu_to_fdt32(p->rtc_spi),
			  cpu_to_fdt32(IRQ_LEVEL_HI)};
	TRY(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
	TRY(fdt_property_u32(fdt, "clocks", PHANDLE_CLK));
	TRY(fdt_property_string(fdt, "clock-names", "apb_pclk"));
	return fdt_end_node(fdt);
}

/* As QEMU virt's: one node, both banks (the firmware's code at 0, the variables above). */
static int add_flash(void *fdt, const struct guest_dt_params *p)
{
	TRY(begin_node_at(fdt, "flash", 0));
	TRY(fdt_property_string(fdt, "compatible", "cfi-flash"));
	fdt64_t reg[4] = {cpu_to_fdt64(0), cpu_to_fdt64(p->flash0_size),
			  cpu_to_fdt64(p->flash1_base), cpu_to_fdt64(p->flash1_size)};
	TRY(fdt_property(fdt, "reg", reg, sizeof(reg)));
	TRY(fdt_property_u32(fdt, "bank-width", 4));
	return fdt_end_node(fdt);
}

/* The PL061 and, on its line power_line, the power button Linux's gpio-keys driver (or a
 * program watching the line) turns into KEY_POWER (bindings: gpio/pl061-gpio.yaml,
 * input/gpio-keys.yaml). */
static int add_gpio(void *fdt, const struct guest_dt_params *p)
{
	TRY(begin_node_at(fdt, "gpio", p->gpio_base));
	static const char compat[] = "arm,pl061\0arm,primecell";
	TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	TRY(prop_reg(fdt, "reg", p->gpio_base, 0x1000));
	fdt32_t irq[3] = {cpu_to_fdt32(IRQ_TYPE_SPI), cpu_to_fdt32(p->gpio_spi),
			  cpu_to_fdt32(IRQ_LEVEL_HI)};
	TRY(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
	TRY(fdt_property(fdt, "gpio-controller", "", 0));
	TRY(fdt_property_u32(fdt, "#gpio-cells", 2));
	TRY(fdt_property_u32(fdt, "clocks", PHANDLE_CLK));
	TRY(fdt_property_string(fdt, "clock-names", "apb_pclk"));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_GPIO));
	TRY(fdt_end_node(fdt));
	TRY(fdt_begin_node(fdt, "gpio-keys"));
	TRY(fdt_property_string(fdt, "compatible", "gpio-keys"));
	TRY(fdt_begin_node(fdt, "poweroff"));
	fdt32_t gpios[3] = {cpu_to_fdt32(PHANDLE_GPIO), cpu_to_fdt32(p->power_line),
			    cpu_to_fdt32(0) /* active high */};
	TRY(fdt_property(fdt, "gpios", gpios, sizeof(gpios)));
	TRY(fdt_property_u32(fdt, "linux,code", KEY_POWER));
	TRY(fdt_property_string(fdt, "label", "GPIO Key Poweroff"));
	TRY(fdt_end_node(fdt));
	return fdt_end_node(fdt);
}

static int add_virtio(void *fdt, const struct guest_dt_virtio *v)
{
	TRY(begin_node_at(fdt, "virtio_mmio", v->base));
	TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
	TRY(prop_reg(fdt, "reg", v->base, 0x200));
	fdt32_t irq[3] = {cpu_to_fdt32(IRQ_TYPE_SPI), cpu_to_fdt32(v->spi),
			  cpu_to_fdt32(IRQ_LEVEL_HI)};
	TRY(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
	TRY(fdt_property(fdt, "dma-coherent", "", 0));
	return fdt_end_node(fdt);
}

static int add_passthrough(void *fdt, const struct guest_dt_passthrough *d)
{
	TRY(fdt_begin_node(fdt, d->name));
	TRY(fdt_property(fdt, "compatible", d->compatible, d->compatible_len));
	fdt64_t reg[GUEST_DT_PT_MAX_REGS * 2];
	for (unsigned i = 0; i < d->nreg; i++) {
		reg[2 * i] = cpu_to_fdt64(d->reg[i][0]);
		reg[2 * i + 1] = cpu_to_fdt64(d->reg[i][1]);
	}
	TRY(fdt_property(fdt, "reg", reg, d->nreg * 16));
	fdt32_t irq[GUEST_DT_PT_MAX_IRQS * 3];
	for (unsigned i = 0; i < d->nirq * 3; i++)
		irq[i] = cpu_to_fdt32(d->irq[i / 3][i % 3]);
	if (d->nirq)
		TRY(fdt_property(fdt, "interrupts", irq, d->nirq * 12));
	if (d->primecell) {
		/* A PL011 also takes its baud clock from it; other AMBA devices only the bus's. */
		bool uart = !strcmp(d->compatible, "arm,pl011");
		fdt32_t clks[2] = {cpu_to_fdt32(PHANDLE_CLK), cpu_to_fdt32(PHANDLE_CLK)};
		TRY(fdt_property(fdt, "clocks", clks, uart ? 8 : 4));
		static const char clk_names[] = "uartclk\0apb_pclk";
		if (uart)
			TRY(fdt_property(fdt, "clock-names", clk_names, sizeof(clk_names)));
		else
			TRY(fdt_property_string(fdt, "clock-names", "apb_pclk"));
	}
	return fdt_end_node(fdt);
}

static int add_pci(void *fdt, const struct guest_dt_pci *d)
{
	TRY(begin_node_at(fdt, "pcie", d->ecam_base));
	TRY(fdt_property_string(fdt, "compatible", "pci-host-ecam-generic"));
	TRY(fdt_property_string(fdt, "device_type", "pci"));
	TRY(prop_reg(fdt, "reg", d->ecam_base, SZ_1M_ECAM));
	fdt32_t bus_range[2] = {0, 0};
	TRY(fdt_property(fdt, "bus-range", bus_range, sizeof(bus_range)));
	TRY(fdt_property_u32(fdt, "#address-cells", 3));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
	TRY(fdt_property(fdt, "dma-coherent", "", 0));
	/* 32-bit memory space, bus address = CPU address (the BARs as Triad placed them). */
	fdt32_t ranges[7] = {cpu_to_fdt32(0x02000000),
			     cpu_to_fdt32((uint32_t)(d->mmio_base >> 32)),
			     cpu_to_fdt32((uint32_t)d->mmio_base),
			     cpu_to_fdt32((uint32_t)(d->mmio_base >> 32)),
			     cpu_to_fdt32((uint32_t)d->mmio_base),
			     cpu_to_fdt32((uint32_t)(d->mmio_size >> 32)),
			     cpu_to_fdt32((uint32_t)d->mmio_size)};
	TRY(fdt_property(fdt, "ranges", ranges, sizeof(ranges)));
	if (d->spi) {
		fdt32_t mask[4] = {cpu_to_fdt32(0xff00), 0, 0, cpu_to_fdt32(7)};
		TRY(fdt_property(fdt, "interrupt-map-mask", mask, sizeof(mask)));
		fdt32_t map[10] = {cpu_to_fdt32(d->devfn << 8),
				   0,
				   0,
				   cpu_to_fdt32(d->pin),
				   cpu_to_fdt32(PHANDLE_GIC),
				   0,
				   0,
				   cpu_to_fdt32(IRQ_TYPE_SPI),
				   cpu_to_fdt32(d->spi),
				   cpu_to_fdt32(IRQ_LEVEL_HI)};
		TRY(fdt_property(fdt, "interrupt-map", map, sizeof(map)));
	}
	return fdt_end_node(fdt);
}

static int add_pmu(void *fdt, const struct guest_dt_params *p)
{
	fdt32_t irq[3] = {cpu_to_fdt32(IRQ_TYPE_PPI), cpu_to_fdt32(p->pmu_ppi),
			  cpu_to_fdt32(IRQ_LEVEL_HI)};
	TRY(fdt_begin_node(fdt, "pmu"));
	TRY(fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3"));
	TRY(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
	return fdt_end_node(fdt);
}

static int add_uart(void *fdt, const struct guest_dt_params *p)
{
	/* The PrimeCell bus matches on the ID registers and needs the APB clock. */
	TRY(fdt_begin_node(fdt, "apb-pclk"));
	TRY(fdt_property_string(fdt, "compatible", "fixed-clock"));
	TRY(fdt_property_u32(fdt, "#clock-cells", 0));
	TRY(fdt_property_u32(fdt, "clock-frequency", 24000000));
	TRY(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_CLK));
	TRY(fdt_end_node(fdt));

	TRY(begin_node_at(fdt, "pl011", p->uart_base));
	static const char compat[] = "arm,pl011\0arm,primecell";
	TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	TRY(prop_reg(fdt, "reg", p->uart_base, 0x1000));
	fdt32_t irq[3] = {cpu_to_fdt32(IRQ_TYPE_SPI), cpu_to_fdt32(p->uart_spi),
			  cpu_to_fdt32(IRQ_LEVEL_HI)};
	TRY(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
	fdt32_t clks[2] = {cpu_to_fdt32(PHANDLE_CLK), cpu_to_fdt32(PHANDLE_CLK)};
	TRY(fdt_property(fdt, "clocks", clks, sizeof(clks)));
	static const char clk_names[] = "uartclk\0apb_pclk";
	TRY(fdt_property(fdt, "clock-names", clk_names, sizeof(clk_names)));
	return fdt_end_node(fdt);
}

int guest_dt_build(void *buf, size_t size, const struct guest_dt_params *p)
{
	void *fdt = buf;
	char path[48];
	TRY(fdt_create(fdt, (int)size));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_string(fdt, "compatible", "triad,virt"));
	TRY(fdt_property_string(fdt, "model", "Triad virtual machine"));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));

	TRY(fdt_begin_node(fdt, "chosen"));
	TRY(fdt_property_string(fdt, "bootargs", p->bootargs ? p->bootargs : ""));
	snprintf(path, sizeof(path), "/pl011@%lx", (unsigned long)p->uart_base);
	TRY(fdt_property_string(fdt, "stdout-path", path));
	if (p->pci) /* keep the BARs where they are: they are what the VM has mapped */
		TRY(fdt_property_u32(fdt, "linux,pci-probe-only", 1));
	if (p->initrd_end > p->initrd_start) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start", p->initrd_start));
		TRY(fdt_property_u64(fdt, "linux,initrd-end", p->initrd_end));
	}
	TRY(fdt_end_node(fdt));

	TRY(fdt_begin_node(fdt, "aliases"));
	TRY(fdt_property_string(fdt, "serial0", path));
	TRY(fdt_end_node(fdt));

	TRY(begin_node_at(fdt, "memory", p->mem_base));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(prop_reg(fdt, "reg", p->mem_base, p->mem_size));
	TRY(fdt_end_node(fdt));

	TRY(add_cpus(fdt, p));

	TRY(fdt_begin_node(fdt, "psci"));
	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	TRY(fdt_property(fdt, "compatible", psci_compat, sizeof(psci_compat)));
	/* A realm's calls go to the RMM, which hands PSCI on to us: SMC. */
	TRY(fdt_property_string(fdt, "method", p->psci_smc ? "smc" : "hvc"));
	TRY(fdt_end_node(fdt));

	if (p->optee) {
		TRY(fdt_begin_node(fdt, "firmware"));
		TRY(fdt_begin_node(fdt, "optee"));
		TRY(fdt_property_string(fdt, "compatible", "linaro,optee-tz"));
		TRY(fdt_property_string(fdt, "method", "smc"));
		TRY(fdt_end_node(fdt));
		TRY(fdt_end_node(fdt));
	}

	TRY(add_gic(fdt, p));
	TRY(add_timer(fdt, p));
	if (p->pmu)
		TRY(add_pmu(fdt, p));
	TRY(add_uart(fdt, p));
	if (p->rtc_base)
		TRY(add_rtc(fdt, p));
	if (p->gpio_base)
		TRY(add_gpio(fdt, p));
	if (p->flash1_size)
		TRY(add_flash(fdt, p));
	for (unsigned i = 0; i < p->nvirtio; i++)
		TRY(add_virtio(fdt, &p->virtio[i]));
	for (unsigned i = 0; i < p->npassthrough; i++)
		TRY(add_passthrough(fdt, &p->passthrough[i]));
	if (p->pci)
		TRY(add_pci(fdt, p->pci));

	TRY(fdt_end_node(fdt));
	return fdt_finish(fdt);
}
