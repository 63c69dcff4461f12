// sources: core/guest_dt.c core/platform.c core/config.c devices/*_config.c core/linux_image.c
// sources: core/security_mode.c
/* Host tests for the device-tree code: the guest DTB generator (read back through the same
 * platform parser Triad uses on the host DTB), the boot-bundle parser and the Image header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <libfdt.h>
#include <triad/config.h>
#include <triad/errno.h>
#include <triad/guest_dt.h>
#include <triad/linux_image.h>
#include <triad/passthrough.h>
#include <triad/platform.h>
#include <triad/security_mode.h>
#include <triad/virtio_blk.h>
#include <triad/virtio_net.h>

static uint8_t buf[1 << 16];

static void guest_dtb_round_trip(void **state)
{
	(void)state;
	uint64_t mpidr[3] = {0x80000000, 0x80000001, 0x80000002};
	struct guest_dt_params p = {
	    .mem_base = 0x40000000,
	    .mem_size = 256UL << 20,
	    .ncpus = 3,
	    .mpidr = mpidr,
	    .bootargs = "console=ttyAMA0 quiet",
	    .initrd_start = 0x44000000,
	    .initrd_end = 0x44100000,
	    .gicd_base = 0x08000000,
	    .gicr_base = 0x080a0000,
	    .uart_base = 0x09000000,
	    .uart_spi = 1,
	    .timer_ppi = {13, 14, 11, 10},
	    .pmu = true,
	    .pmu_ppi = 7,
	    .rtc_base = 0x09010000,
	    .rtc_spi = 2,
	    .gpio_base = 0x09030000,
	    .gpio_spi = 7,
	    .power_line = 3,
	};
	assert_int_equal(guest_dt_build(buf, sizeof(buf), &p), 0);
	assert_int_equal(fdt_check_full(buf, sizeof(buf)), 0);
	struct platform plat;
	const char *why = NULL;
	assert_int_equal(platform_parse(buf, &plat, &why), 0);
	assert_int_equal(plat.nmem, 1);
	assert_int_equal(plat.mem[0].base, 0x40000000);
	assert_int_equal(plat.mem[0].size, 256UL << 20);
	assert_int_equal(plat.ncpus, 3);
	assert_int_equal(plat.cpu_mpidr[2], 2);
	assert_int_equal(plat.gicd_base, 0x08000000);
	assert_int_equal(plat.gicr_size, 3 * 0x20000);
	assert_int_equal(plat.uart_base, 0x09000000);
	assert_int_equal(plat.uart_intid, 33);
	assert_int_equal(plat.timer_virt_intid, 27);
	assert_int_equal(plat.timer_phys_intid, 30);
	assert_int_equal(plat.timer_hyp_intid, 26);
	assert_int_equal(plat.pmu_intid, 23);
	assert_int_equal(plat.rtc_base, 0x09010000);
	assert_int_equal(plat.initrd_start, 0x44000000);
	assert_int_equal(plat.initrd_end, 0x44100000);
	assert_string_equal(plat.bootargs, "console=ttyAMA0 quiet");
	assert_string_equal(plat.psci_method, "hvc");
	/* What Linux needs beyond that: PSCI as the enable method, PL011 clocks. */
	int cpu = fdt_path_offset(buf, "/cpus/cpu@1");
	assert_true(cpu >= 0);
	assert_string_equal(fdt_getprop(buf, cpu, "enable-method", NULL), "psci");
	int uart = fdt_path_offset(buf, "/pl011@9000000");
	assert_true(fdt_getprop(buf, uart, "clocks", NULL) != NULL);
	assert_int_equal(fdt_node_check_compatible(buf, uart, "arm,primecell"), 0);
	/* The PL061 with the power key on its line 3, as QEMU virt: gpio-keys finds the
	 * controller by phandle, and the key's code is KEY_POWER. */
	int gpio = fdt_path_offset(buf, "/gpio@9030000");
	assert_true(gpio >= 0);
	assert_int_equal(fdt_node_check_compatible(buf, gpio, "arm,pl061"), 0);
	assert_int_equal(fdt_node_check_compatible(buf, gpio, "arm,primecell"), 0);
	assert_true(fdt_getprop(buf, gpio, "gpio-controller", NULL) != NULL);
	const fdt32_t *irq = fdt_getprop(buf, gpio, "interrupts", NULL);
	assert_int_equal(fdt32_to_cpu(irq[0]), 0);
	assert_int_equal(fdt32_to_cpu(irq[1]), 7);
	int key = fdt_path_offset(buf, "/gpio-keys/poweroff");
	assert_true(key >= 0);
	assert_int_equal(
	    fdt_node_check_compatible(buf, fdt_path_offset(buf, "/gpio-keys"), "gpio-keys"), 0);
	const fdt32_t *gpios = fdt_getprop(buf, key, "gpios", NULL);
	assert_int_equal(fdt32_to_cpu(gpios[0]), fdt_get_phandle(buf, gpio));
	assert_int_equal(fdt32_to_cpu(gpios[1]), 3);
	const fdt32_t *code = fdt_getprop(buf, key, "linux,code", NULL);
	assert_int_equal(fdt32_to_cpu(*code), 116);
	/* No ITS unless asked; with one, an MSI controller under the GIC (whose reg it shares:
	 * the GIC node gets ranges). */
	assert_true(fdt_path_offset(buf, "/intc@8000000/its@8080000") < 0);
	p.its_base = 0x08080000;
	assert_int_equal(guest_dt_build(buf, sizeof(buf), &p), 0);
	assert_int_equal(fdt_check_full(buf, sizeof(buf)), 0);
	int its = fdt_path_offset(buf, "/intc@8000000/its@8080000");
	assert_true(its >= 0);
	assert_int_equal(fdt_node_check_compatible(buf, its, "arm,gic-v3-its"), 0);
	assert_true(fdt_getprop(buf, its, "msi-controller", NULL) != NULL);
	int len;
	const fdt64_t *its_reg = fdt_getprop(buf, its, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(fdt64_to_cpu(its_reg[0]), 0x08080000);
	assert_int_equal(fdt64_to_cpu(its_reg[1]), 0x20000);
	assert_true(fdt_getprop(buf, fdt_parent_offset(buf, its), "ranges", NULL) != NULL);
	assert_int_equal(platform_parse(buf, &plat, &why), 0);
	assert_int_equal(plat.gicd_base, 0x08000000);
	/* Without a PMU, no node: the platform parser then reports none. */
	p.pmu = false;
	assert_int_equal(guest_dt_build(buf, sizeof(buf), &p), 0);
	assert_int_equal(platform_parse(buf, &plat, &why), 0);
	assert_int_equal(plat.pmu_intid, 0);
}

/* A VM's devices in its DTB, read back the way Triad reads a machine's: virtio windows, a
 * copied passthrough node, and a PCIe host bridge that keeps the BARs where they are. */
static void guest_dtb_devices(void **state)
{
	(void)state;
	uint64_t mpidr[1] = {0};
	struct guest_dt_virtio virtio[2] = {{0x0a000000, 16}, {0x0a000200, 17}};
	struct guest_dt_passthrough pt = {.name = "pl011@9040000",
					  .compatible = "arm,pl011\0arm,primecell",
					  .compatible_len = 24,
					  .reg = {{0x09040000, 0x1000}},
					  .nreg = 1,
					  .irq = {{0, 8, 4}},
					  .nirq = 1,
					  .primecell = true};
	struct guest_dt_pci pci = {0x4010000000, 0x10000000, 0x2eff0000, 0x10, 1, 5};
	struct guest_dt_params p = {.mem_base = 0x40000000,
				    .mem_size = 1 << 26,
				    .ncpus = 1,
				    .mpidr = mpidr,
				    .gicd_base = 0x08000000,
				    .gicr_base = 0x080a0000,
				    .uart_base = 0x09000000,
				    .uart_spi = 1,
				    .timer_ppi = {13, 14, 11, 10},
				    .virtio = virtio,
				    .nvirtio = 2,
				    .passthrough = &pt,
				    .npassthrough = 1,
				    .pci = &pci};
	assert_int_equal(guest_dt_build(buf, sizeof(buf), &p), 0);
	assert_int_equal(fdt_check_full(buf, sizeof(buf)), 0);
	struct platform plat;
	const char *why = NULL;
	assert_int_equal(platform_parse(buf, &plat, &why), 0);
	assert_int_equal(plat.nvirtio, 2);
	assert_int_equal(plat.virtio[1].base, 0x0a000200);
	assert_int_equal(plat.virtio[1].intid, 32 + 17);
	assert_int_equal(plat.pci.ecam_base, 0x4010000000);
	assert_int_equal(plat.pci.mmio_base, 0x10000000);
	assert_int_equal(plat.pci.mmio_size, 0x2eff0000);
	assert_int_equal(plat.pci.nintx, 1);
	assert_int_equal(plat.pci.intx[0].devfn_bits, 0x10 << 8);
	assert_int_equal(plat.pci.intx[0].pin, 1);
	assert_int_equal(plat.pci.intx[0].intid, 32 + 5);
	int chosen = fdt_path_offset(buf, "/chosen");
	assert_true(fdt_getprop(buf, chosen, "linux,pci-probe-only", NULL) != NULL);
	int uart1 = fdt_path_offset(buf, "/pl011@9040000");
	assert_true(uart1 >= 0);
	assert_int_equal(fdt_node_check_compatible(buf, uart1, "arm,primecell"), 0);
	int len;
	const fdt32_t *irq = fdt_getprop(buf, uart1, "interrupts", &len);
	assert_int_equal(len, 12);
	assert_int_equal(fdt32_to_cpu(irq[1]), 8);
	assert_true(fdt_getprop(buf, uart1, "clocks", NULL) != NULL);
}

static void guest_dtb_too_small_buffer(void **state)
{
	(void)state;
	uint64_t mpidr[1] = {0};
	struct guest_dt_params p = {.mem_base = 0x40000000,
				    .mem_size = 1 << 24,
				    .ncpus = 1,
				    .mpidr = mpidr,
				    .timer_ppi = {13, 14, 11, 10}};
	assert_true(guest_dt_build(buf, 256, &p) < 0);
}

/* ---- bundle ---- */

static struct triad_config cfg;
static char err[160];

/* A bundle's DTB in buf, up to its "vms" node, and its end, which gives the bundle's size. */
static void bundle_begin(void)
{
	memset(buf, 0, sizeof(buf));
	assert_int_equal(fdt_create(buf, 32768), 0);
	fdt_finish_reservemap(buf);
	fdt_begin_node(buf, "");
	fdt_property_string(buf, "compatible", "triad,bundle-v1");
	fdt_begin_node(buf, "vms");
}

static size_t bundle_end(void)
{
	fdt_end_node(buf);
	fdt_end_node(buf);
	assert_int_equal(fdt_finish(buf), 0);
	return sizeof(buf);
}

/* A VM node, left open: its memory, CPUs and the kernel's place in the blob. */
static void vm_begin(const char *name, uint64_t mem, uint32_t cpus, uint64_t koff, uint64_t ksize)
{
	fdt_begin_node(buf, name);
	fdt_property_u64(buf, "memory", mem);
	fdt_property_u32(buf, "cpus", cpus);
	fdt64_t k[2] = {cpu_to_fdt64(koff), cpu_to_fdt64(ksize)};
	fdt_property(buf, "kernel", k, sizeof(k));
}

static uint32_t extra_value = 1; /* value of make_bundle()'s extra property */

/* A bundle: DTB of one VM node with the given extra property, then 64 KB of blob. */
static size_t make_bundle(const char *vm_node, const char *extra_prop, uint64_t koff,
			  uint64_t ksize, uint32_t cpus, uint64_t mem)
{
	bundle_begin();
	vm_begin(vm_node, mem, cpus, koff, ksize);
	fdt_property_string(buf, "bootargs", "console=ttyAMA0");
	if (extra_prop)
		fdt_property_u32(buf, extra_prop, extra_value);
	fdt_end_node(buf);
	return bundle_end();
}

/* A VM node with device subnodes, as triad-run writes them. */
static size_t make_device_bundle(const char *sub, const char *prop, const void *val, int len)
{
	bundle_begin();
	vm_begin("vm", 64UL << 20, 1, 8192, 4096);
	fdt_begin_node(buf, "disk@0");
	fdt_property_string(buf, "serial", "triad-d0");
	fdt64_t r[2] = {cpu_to_fdt64(2048), cpu_to_fdt64(8192)};
	fdt_property(buf, "range", r, sizeof(r));
	fdt_property(buf, "read-only", "", 0);
	fdt_end_node(buf);
	fdt_begin_node(buf, "net");
	static const uint8_t mac[6] = {2, 0x54, 0x52, 0x41, 0x44, 1};
	fdt_property(buf, "mac", mac, 6);
	fdt_end_node(buf);
	fdt_begin_node(buf, "passthrough@0");
	fdt_property_string(buf, "path", "pci:00:02.0");
	fdt_end_node(buf);
	if (sub) {
		fdt_begin_node(buf, sub);
		fdt_property(buf, prop, val, len);
		fdt_end_node(buf);
	}
	fdt_end_node(buf);
	return bundle_end();
}

static void bundle_devices(void **state)
{
	(void)state;
	size_t n = make_device_bundle(NULL, NULL, NULL, 0);
	assert_int_equal(config_parse(buf, n, &cfg, err, sizeof(err)), 0);
	const struct vm_config *vm = &cfg.vm[0];
	assert_int_equal(vm->ndevs, 3);
	assert_string_equal(vm->dev[0].type->node, "disk");
	const struct disk_config *disk = (const void *)vm->dev[0].data;
	assert_string_equal(disk->backend, "triad-d0");
	assert_int_equal(disk->start, 2048);
	assert_int_equal(disk->sectors, 8192);
	assert_true(disk->read_only);
	assert_string_equal(vm->dev[1].type->node, "net");
	assert_int_equal(((const struct net_config *)vm->dev[1].data)->mac[5], 1);
	assert_string_equal(vm->dev[2].type->node, "passthrough");
	assert_string_equal(((const struct passthrough_config *)vm->dev[2].data)->path,
			    "pci:00:02.0");
	/* Mistakes, each named. */
	static const uint8_t multicast[6] = {1, 0, 0, 0, 0, 1};
	fdt64_t wrap[2] = {cpu_to_fdt64(UINT64_MAX), cpu_to_fdt64(2)};
	struct {
		const char *sub, *prop;
		const void *val;
		int len;
		const char *msg;
	} bad[] = {
	    {"net", "mac", multicast, 6, "at most 1 'net'"}, /* a second net node */
	    {"disk@1", "range", wrap, 16, "'serial'"},
	    {"passthrough@1", "path", "relative", 9, "'path'"},
	    {"disk@1", "colour", "red", 4, "unknown property 'colour'"},
	    {"gpu", "x", "", 1, "unknown node"},
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = make_device_bundle(bad[i].sub, bad[i].prop, bad[i].val, bad[i].len);
		assert_int_equal(config_parse(buf, n, &cfg, err, sizeof(err)), -EINVAL);
		if (!strstr(err, bad[i].msg))
			fail_msg("case %u: '%s' lacks '%s'", i, err, bad[i].msg);
	}
}

/* Two VMs, each with one disk of machine disk "d": VM a's sectors [a_start, +a_len), VM b's
 * [b_start, +b_len) (0: to the end), read-only where asked. */
static size_t make_shared_disk_bundle(uint64_t a_start, uint64_t a_len, bool a_ro, uint64_t b_start,
				      uint64_t b_len, bool b_ro)
{
	bundle_begin();
	for (int v = 0; v < 2; v++) {
		vm_begin(v ? "b" : "a", 64UL << 20, 1, 8192, 4096);
		fdt_begin_node(buf, "disk@0");
		fdt_property_string(buf, "serial", "d");
		fdt64_t r[2] = {cpu_to_fdt64(v ? b_start : a_start),
				cpu_to_fdt64(v ? b_len : a_len)};
		fdt_property(buf, "range", r, sizeof(r));
		if (v ? b_ro : a_ro)
			fdt_property(buf, "read-only", "", 0);
		fdt_end_node(buf);
		fdt_end_node(buf);
	}
	return bundle_end();
}

/* The disk type's rule across VMs: no writable range of a disk is shared. */
static void bundle_disk_sharing(void **state)
{
	(void)state;
	struct {
		uint64_t as, al;
		bool aro;
		uint64_t bs, bl;
		bool bro;
		bool ok;
	} cases[] = {
	    {0, 100, false, 100, 100, false, true},  /* adjacent */
	    {0, 100, false, 99, 100, false, false},  /* one sector in common */
	    {0, 100, true, 50, 100, true, true},     /* both only read */
	    {0, 100, true, 50, 100, false, false},   /* b writes what a reads */
	    {0, 0, false, 1000000, 8, false, false}, /* a's range runs to the end */
	    {1000000, 0, false, 0, 1000000, false, true},
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = make_shared_disk_bundle(cases[i].as, cases[i].al, cases[i].aro,
						   cases[i].bs, cases[i].bl, cases[i].bro);
		int r = config_parse(buf, n, &cfg, err, sizeof(err));
		if (cases[i].ok ? r != 0 : r != -EINVAL)
			fail_msg("case %u: %d (%s)", i, r, err);
		if (!cases[i].ok && !strstr(err, "VMs 'a' and 'b' share sectors of disk 'd'"))
			fail_msg("case %u: '%s'", i, err);
	}
}

static void bundle_valid(void **state)
{
	(void)state;
	size_t n = make_bundle("linux0", NULL, 8192, 4096, 2, 256UL << 20);
	assert_int_equal(config_parse(buf, n, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nvms, 1);
	assert_string_equal(cfg.vm[0].name, "linux0");
	assert_int_equal(cfg.vm[0].ncpus, 2);
	assert_int_equal(cfg.vm[0].memory, 256UL << 20);
	assert_int_equal(cfg.vm[0].kernel.offset, 8192);
	assert_int_equal(cfg.vm[0].initrd.size, 0);
	assert_string_equal(cfg.vm[0].bootargs, "console=ttyAMA0");
	/* Scheduling defaults: weight 256, any CPU. */
	assert_int_equal(cfg.vm[0].weight, 256);
	assert_int_equal(cfg.vm[0].affinity[0], UINT32_MAX);
	assert_int_equal(cfg.vm[0].affinity[1], UINT32_MAX);
	assert_false(cfg.vm[0].virtio_console);
}

static void expect_error(size_t n, const char *needle)
{
	assert_int_not_equal(config_parse(buf, n, &cfg, err, sizeof(err)), 0);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
}

static void bundle_scheduling_properties(void **state)
{
	(void)state;
	extra_value = 1000;
	assert_int_equal(config_parse(buf, make_bundle("a", "weight", 8192, 4096, 1, 1 << 28), &cfg,
				      err, sizeof(err)),
			 0);
	assert_int_equal(cfg.vm[0].weight, 1000);
	extra_value = 0x2;
	assert_int_equal(config_parse(buf, make_bundle("a", "affinity", 8192, 4096, 1, 1 << 28),
				      &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(cfg.vm[0].affinity[0], 0x2);
	expect_error(make_bundle("a", "affinity", 8192, 4096, 2, 1 << 28), "one CPU mask per vCPU");
	extra_value = 0;
	expect_error(make_bundle("a", "affinity", 8192, 4096, 1, 1 << 28), "empty affinity");
	expect_error(make_bundle("a", "weight", 8192, 4096, 1, 1 << 28), "weight 0 out of range");
	extra_value = 70000;
	expect_error(make_bundle("a", "weight", 8192, 4096, 1, 1 << 28), "out of range");
	extra_value = 1;
	/* console: a string, "pl011" or "virtio"; a number is refused. */
	expect_error(make_bundle("a", "console", 8192, 4096, 1, 1 << 28), "'console' must be");
}

/* A VM node whose 'security' property is the string mode. */
static size_t make_security_bundle(const char *mode)
{
	bundle_begin();
	vm_begin("a", 64UL << 20, 1, 8192, 4096);
	fdt_property_string(buf, "security", mode);
	fdt_end_node(buf);
	return bundle_end();
}

/* security: absent is balanced; the three names; anything else (or not a string) refused. */
static void bundle_security_mode(void **state)
{
	(void)state;
	assert_int_equal(config_parse(buf, make_bundle("a", NULL, 8192, 4096, 1, 1 << 28), &cfg,
				      err, sizeof(err)),
			 0);
	assert_int_equal(cfg.vm[0].security, SECURITY_BALANCED);
	static const struct {
		const char *name;
		enum security_mode mode;
	} modes[] = {{"strict", SECURITY_STRICT},
		     {"balanced", SECURITY_BALANCED},
		     {"performance", SECURITY_PERFORMANCE}};
	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assert_int_equal(
		    config_parse(buf, make_security_bundle(modes[i].name), &cfg, err, sizeof(err)),
		    0);
		assert_int_equal(cfg.vm[0].security, modes[i].mode);
		assert_string_equal(security_policy(modes[i].mode)->name, modes[i].name);
	}
	expect_error(make_security_bundle("paranoid"), "'security' must be \"strict\"");
	expect_error(make_security_bundle("strictly"), "'security' must be");
	expect_error(make_bundle("a", "security", 8192, 4096, 1, 1 << 28), "'security' must be");
	/* The table: strict traps set/way and hides the PMU, performance switches FP lazily. */
	assert_true(security_policy(SECURITY_STRICT)->trap_setway);
	assert_false(security_policy(SECURITY_STRICT)->guest_pmu);
	assert_false(security_policy(SECURITY_BALANCED)->trap_setway);
	assert_false(security_policy(SECURITY_BALANCED)->lazy_fp);
	assert_true(security_policy(SECURITY_PERFORMANCE)->lazy_fp);
}

/* A VM node with the flags given (mte, realm), each a property without a value, or mte
 * with a value. */
static size_t make_mte_bundle(bool mte, bool realm, bool mte_valued)
{
	bundle_begin();
	vm_begin("a", 64UL << 20, 1, 8192, 4096);
	if (mte)
		fdt_property(buf, "mte", "", 0);
	if (mte_valued)
		fdt_property_u32(buf, "mte", 1);
	if (realm)
		fdt_property(buf, "realm", "", 0);
	fdt_end_node(buf);
	return bundle_end();
}

/* mte: off unless asked for; a flag without a value; not for a realm. */
static void bundle_mte(void **state)
{
	(void)state;
	assert_int_equal(
	    config_parse(buf, make_mte_bundle(false, false, false), &cfg, err, sizeof(err)), 0);
	assert_false(cfg.vm[0].mte);
	assert_int_equal(
	    config_parse(buf, make_mte_bundle(true, false, false), &cfg, err, sizeof(err)), 0);
	assert_true(cfg.vm[0].mte);
	assert_false(cfg.vm[0].realm);
	expect_error(make_mte_bundle(false, false, true), "'mte' takes no value");
	expect_error(make_mte_bundle(true, true, false), "a realm has no MTE");
}

static void bundle_rejects_bad_input(void **state)
{
	(void)state;
	expect_error(make_bundle("vm0", "colour", 8192, 4096, 1, 1 << 28),
		     "unknown property 'colour'");
	expect_error(make_bundle("vm0", NULL, 60000, 8192, 1, 1 << 28), "outside the bundle");
	expect_error(make_bundle("vm0", NULL, UINT64_MAX - 10, 100, 1, 1 << 28), "outside");
	expect_error(make_bundle("vm0", NULL, 8192, 0, 1, 1 << 28), "outside");
	expect_error(make_bundle("vm0", NULL, 8192, 4096, 0, 1 << 28), "cpus 0 out of range");
	expect_error(make_bundle("vm0", NULL, 8192, 4096, 99, 1 << 28), "out of range");
	expect_error(make_bundle("vm0", NULL, 8192, 4096, 1, (1 << 28) + 4096), "multiple of 2 MB");
	expect_error(make_bundle("vm0", NULL, 8192, 4096, 1, 1 << 20), "16 MB");
	expect_error(make_bundle("bad!name", NULL, 8192, 4096, 1, 1 << 28), "letters, digits");
	/* Truncated and corrupted device trees. */
	make_bundle("vm0", NULL, 8192, 4096, 1, 1 << 28);
	expect_error(fdt_totalsize(buf) - 8, "larger than the bundle");
	memset(buf + 64, 0xff, 32);
	expect_error(sizeof(buf), "malformed");
	memset(buf, 0, 16);
	expect_error(sizeof(buf), "bad header");
}

static void bundle_rejects_duplicate_names(void **state)
{
	(void)state;
	bundle_begin();
	for (int i = 0; i < 2; i++) {
		vm_begin(i ? "a@1" : "a@0", 1 << 28, 1, 8192, 16);
		fdt_end_node(buf);
	}
	expect_error(bundle_end(), "duplicate VM name 'a'");
}

/* Triad's limits (MAX_VMS VMs of MAX_VCPUS vCPUs): at the limit a bundle is valid, one
 * more is refused with the limit's name. */
static size_t many_vms(unsigned n, uint32_t cpus)
{
	bundle_begin();
	for (unsigned i = 0; i < n; i++) {
		char name[16];
		snprintf(name, sizeof(name), "vm%u", i);
		vm_begin(name, 1 << 24, cpus, 32768, 16);
		fdt_end_node(buf);
	}
	return bundle_end();
}

static void bundle_limits(void **state)
{
	(void)state;
	assert_int_equal(config_parse(buf, many_vms(128, 16), &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nvms, 128);
	assert_int_equal(cfg.vm[127].ncpus, 16);
	assert_int_equal(cfg.vm[127].affinity[15], UINT32_MAX);
	expect_error(many_vms(129, 1), "more than 128 VMs (Triad's limit, MAX_VMS)");
	expect_error(many_vms(1, 17),
		     "cpus 17 out of range 1..16 (Triad's vCPUs per VM, MAX_VCPUS)");
}

static void image_header(void **state)
{
	(void)state;
	uint8_t img[128] = {0};
	struct linux_image li;
	assert_string_equal(linux_image_parse(img, sizeof(img), &li), "no arm64 Image magic");
	memcpy(img + 0x38, "ARM\x64", 4);
	uint64_t text_offset = 0, image_size = 0x200000;
	memcpy(img + 8, &text_offset, 8);
	memcpy(img + 16, &image_size, 8);
	assert_null(linux_image_parse(img, sizeof(img), &li));
	assert_int_equal(li.text_offset, 0);
	assert_int_equal(li.mem_size, 0x200000);
	assert_non_null(linux_image_parse(img, 32, &li)); /* truncated */
	uint64_t flags = 1;				  /* big-endian kernel */
	memcpy(img + 24, &flags, 8);
	assert_string_equal(linux_image_parse(img, sizeof(img), &li), "big-endian kernel");
	flags = 0;
	memcpy(img + 24, &flags, 8);
	text_offset = 0x123;
	memcpy(img + 8, &text_offset, 8);
	assert_non_null(linux_image_parse(img, sizeof(img), &li));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(guest_dtb_round_trip),
	    cmocka_unit_test(guest_dtb_too_small_buffer),
	    cmocka_unit_test(guest_dtb_devices),
	    cmocka_unit_test(bundle_devices),
	    cmocka_unit_test(bundle_disk_sharing),
	    cmocka_unit_test(bundle_valid),
	    cmocka_unit_test(bundle_rejects_bad_input),
	    cmocka_unit_test(bundle_security_mode),
	    cmocka_unit_test(bundle_mte),
	    cmocka_unit_test(bundle_scheduling_properties),
	    cmocka_unit_test(bundle_rejects_duplicate_names),
	    cmocka_unit_test(bundle_limits),
	    cmocka_unit_test(image_header),
	};
	return cmocka_run_group_tests_name("device trees", tests, NULL, NULL);
}
