# Triad: build, test and run. See README.md.
CROSS     ?= aarch64-linux-gnu-
CC        := $(CROSS)gcc
OBJCOPY   := $(CROSS)objcopy
HOSTCC    ?= gcc
# Debian's sources we build as they are (libfdt, mbedTLS): `make analyze` keeps its analyzer
# off them (their findings are not ours to fix) by building them with these.
VENDOR_CC := $(CROSS)gcc
VENDOR_HOSTCC ?= $(HOSTCC)
BUILD     := build
LIBFDT    := .cache/src/dtc/libfdt
PYTHON    := /usr/bin/python3

HV_SRCS := $(wildcard arch/arm64/*.S arch/arm64/*.c core/*.c mm/*.c irq/*.c devices/*.c \
                      drivers/virtio/*.c drivers/iommu/*.c drivers/pci/*.c security/tee/*.c \
                      drivers/gpio/*.c security/rmi/*.c security/smc/*.c plat/qemu-virt/*.c lib/libc/*.c lib/pgtable/*.c lib/console/*.c) \
           security/ffa/ffa_hyp.c \
           security/ffa/partition_info.c security/ffa/notif_hyp.c security/ffa/notif.c \
           security/ffa/mem_desc.c \
           security/ffa/mem_hyp.c security/ffa/msg.c
FDT_SRCS := $(addprefix $(LIBFDT)/,fdt.c fdt_ro.c fdt_wip.c fdt_sw.c fdt_rw.c fdt_strerror.c \
                                   fdt_empty_tree.c fdt_addresses.c fdt_check.c)
GCC_INC := $(shell $(CC) -print-file-name=include 2>/dev/null)

COMMON_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -nostdinc -isystem $(GCC_INC) \
	-Ilib/libc/include -Ilib/include -Iinclude -Iarch/arm64/include -Iplat/qemu-virt -I$(LIBFDT) \
	-mgeneral-regs-only -mstrict-align -fno-stack-protector -fno-pic -fno-common \
	-ffunction-sections -mno-outline-atomics -MMD -MP
HV_CFLAGS  := $(COMMON_CFLAGS) -Wall -Wextra -Werror
# libfdt is Debian's source, built as it is: its own warnings are not ours to fix.
FDT_CFLAGS := $(COMMON_CFLAGS) -w
LDFLAGS    := -nostdlib -static -T arch/arm64/triad.ld -Wl,--gc-sections -Wl,--build-id=none

# DEBUG=1: checks that cost time on hot paths, e.g. spin_assert_held() (include/triad/spinlock.h).
ifeq ($(DEBUG),1)
$(BUILD)/hv/%: HV_CFLAGS += -DTRIAD_DEBUG_LOCKS
endif

HV_OBJS  := $(patsubst %,$(BUILD)/hv/%.o,$(HV_SRCS))
FDT_OBJS := $(patsubst $(LIBFDT)/%.c,$(BUILD)/libfdt/%.o,$(FDT_SRCS))

.PHONY: all setup bench debug test test-full debian-image unit-test integration-test \
	integration-test-no-secure integration-test-loaded integration-test-debug check-layers \
	check-world-switch check-firmware-layers run clean guests initramfs format format-check

all: $(BUILD)/triad.bin $(BUILD)/monitor.bin $(BUILD)/triad-sel2.bin $(BUILD)/triad-rmm.bin guests \
	initramfs

$(LIBFDT)/libfdt.h:
	@echo "libfdt source missing: run 'make setup' first" >&2; exit 1

$(BUILD)/hv/%.c.o: %.c | $(LIBFDT)/libfdt.h
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(BUILD)/libfdt/%.o: $(LIBFDT)/%.c
	@mkdir -p $(dir $@)
	$(VENDOR_CC) $(FDT_CFLAGS) -c $< -o $@

# The version a snapshot records (docs/snapshot.md): rewritten only when it changes.
TRIAD_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(BUILD)/triad_version.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define TRIAD_VERSION "$(TRIAD_VERSION)"' >$@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/hv/core/snapshot_stream.c.o: $(BUILD)/triad_version.h
$(BUILD)/hv/core/snapshot_stream.c.o: HV_CFLAGS += -include $(BUILD)/triad_version.h
.PHONY: FORCE

$(BUILD)/triad.elf: $(HV_OBJS) $(FDT_OBJS) arch/arm64/triad.ld
	$(CC) $(LDFLAGS) -o $@ $(HV_OBJS) $(FDT_OBJS) -lgcc

$(BUILD)/triad.bin: $(BUILD)/triad.elf
	$(OBJCOPY) -O binary $< $@

# Triad's EL3 monitor: its own small image, run from QEMU's secure flash (-bios).
MON_SRCS := $(wildcard monitor/*.S monitor/*.c) arch/arm64/fpsimd.S arch/arm64/sve.S lib/console/early_console.c
MON_OBJS := $(patsubst %,$(BUILD)/mon/%.o,$(MON_SRCS))
$(BUILD)/mon/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -c $< -o $@
$(BUILD)/mon/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -D__ASSEMBLER__ -c $< -o $@
# The development attestation keys (made once per build directory) and the platform token
# binding them, measuring the secure and realm firmware images.
ATTEST := $(BUILD)/attest
$(ATTEST)/platform_token.cbor: tools/ccatoken.py $(BUILD)/triad-rmm.bin $(BUILD)/triad-sel2.bin
	/usr/bin/python3 tools/ccatoken.py make-platform --out $(ATTEST) \
		--component RMM=$(BUILD)/triad-rmm.bin --component S-EL2=$(BUILD)/triad-sel2.bin
$(BUILD)/mon/monitor/attest_blobs.S.o: $(ATTEST)/platform_token.cbor
$(BUILD)/mon/monitor/attest_blobs.S.o: HV_CFLAGS += -Wa,-I$(ATTEST)
$(BUILD)/monitor.elf: $(MON_OBJS) monitor/monitor.ld
	$(CC) -nostdlib -static -T monitor/monitor.ld -Wl,--build-id=none \
		-Wl,--no-warn-rwx-segments -o $@ $(MON_OBJS) -lgcc
$(BUILD)/monitor.bin: $(BUILD)/monitor.elf
	$(OBJCOPY) -O binary -j .text -j .data $< $@

# The page-table builder the firmware images share with Normal EL2.
LIB_PGTABLE := lib/pgtable/pgtable.c lib/pgtable/pt_pool.c

# Triad at Secure EL2 (security/sel2), loaded by the monitor into secure RAM.
SEL2_SRCS := $(wildcard security/sel2/*.S security/sel2/*.c) security/ffa/spmc.c security/ffa/notif_spmc.c security/ffa/notif.c \
	security/ffa/sp_manifest.c security/ffa/mem_desc.c security/ffa/mem_spmc.c arch/arm64/smccc.S lib/libc/string.c $(LIB_PGTABLE) \
	lib/console/early_console.c
SEL2_OBJS := $(patsubst %,$(BUILD)/sel2/%.o,$(SEL2_SRCS))
# Secure EL2 is Armv8.4 (FEAT_SEL2): its own timer registers need that architecture.
$(BUILD)/sel2/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -march=armv8.4-a -c $< -o $@
$(BUILD)/sel2/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -D__ASSEMBLER__ -c $< -o $@
$(BUILD)/triad-sel2.elf: $(SEL2_OBJS) security/sel2/sel2.ld
	$(CC) -nostdlib -static -T security/sel2/sel2.ld -Wl,--build-id=none \
		-Wl,--no-warn-rwx-segments -o $@ $(SEL2_OBJS) -lgcc
$(BUILD)/triad-sel2.bin: $(BUILD)/triad-sel2.elf
	$(OBJCOPY) -O binary -j .text -j .data $< $@

# Triad's RMM at Realm EL2 (security/rmm): position-independent, placed by the monitor.
# Its hashes are Debian's mbedTLS (make setup unpacks the source), with its own config.
RMM_MBEDTLS := $(addprefix .cache/src/mbedtls/library/,sha256.c sha512.c bignum.c bignum_core.c \
	ecp.c ecp_curves.c ecdsa.c hmac_drbg.c md.c platform.c platform_util.c constant_time.c \
	memory_buffer_alloc.c asn1parse.c asn1write.c)
RMM_SRCS := $(wildcard security/rmm/*.S security/rmm/*.c) arch/arm64/smccc.S arch/arm64/fpsimd.S \
	arch/arm64/sve.S \
	lib/libc/string.c $(LIB_PGTABLE) lib/console/early_console.c \
	$(RMM_MBEDTLS)
RMM_OBJS := $(patsubst %,$(BUILD)/rmm/%.o,$(RMM_SRCS))
RMM_LOG_RMI ?= 0 # 1: the RMM logs each failing RMI command on the console
RMM_CFLAGS := $(filter-out -fno-pic,$(HV_CFLAGS)) -fpie -I.cache/src/mbedtls/include \
	'-DMBEDTLS_CONFIG_FILE="security/rmm/mbedtls_config.h"' -I. -DRMM_LOG_RMI=$(RMM_LOG_RMI)
$(BUILD)/rmm/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(RMM_CFLAGS) -c $< -o $@
$(BUILD)/rmm/.cache/%.c.o: .cache/%.c
	@mkdir -p $(dir $@)
	$(VENDOR_CC) $(RMM_CFLAGS) -c $< -o $@
$(BUILD)/rmm/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(RMM_CFLAGS) -D__ASSEMBLER__ -c $< -o $@
$(BUILD)/triad-rmm.elf: $(RMM_OBJS) security/rmm/rmm.ld
	$(CC) -nostdlib -static-pie -T security/rmm/rmm.ld -Wl,--build-id=none -Wl,-z,norelro \
		-Wl,--no-dynamic-linker -Wl,--no-warn-rwx-segments -o $@ $(RMM_OBJS) -lgcc
$(BUILD)/triad-rmm.bin: $(BUILD)/triad-rmm.elf
	$(OBJCOPY) -O binary $< $@

# Test guests: bare-metal ones, and tiny static programs for the Linux guests' initramfs.
GUEST_TOOLS := $(BUILD)/guests/triad-spin $(BUILD)/guests/triad-pmu $(BUILD)/guests/triad-work \
	$(BUILD)/guests/triad-dma $(BUILD)/guests/triad-powerkey $(BUILD)/guests/triad-sve \
	$(BUILD)/guests/triad-mte
BAREMETAL_GUESTS := tests/guests/badguest tests/guests/hog tests/guests/bench tests/guests/canary \
	tests/guests/fwtest tests/guests/teeguest tests/guests/stuckoptee tests/guests/ffasp \
	tests/guests/ffaguest tests/guests/diskattack tests/guests/timerguest \
	tests/guests/isoguest tests/guests/realmwfi tests/guests/counter tests/guests/counter-realm \
	tests/guests/statsguest tests/guests/trngguest tests/guests/rtlat tests/guests/realmcount \
	tests/guests/itsguest tests/guests/modeguest tests/guests/sveguest \
	tests/guests/mteguest
guests: $(GUEST_TOOLS)
	$(foreach g,$(BAREMETAL_GUESTS),$(MAKE) -C $(g) O=$(abspath $(BUILD))/guests &&) true

$(GUEST_TOOLS): $(wildcard tests/guests/userspace/*)
	$(MAKE) -C tests/guests/userspace O=$(abspath $(BUILD))/guests

initramfs: $(BUILD)/initramfs.cpio.gz $(BUILD)/initramfs-realm.cpio.gz $(BUILD)/initramfs-tee.cpio.gz

# Virtio drivers the Debian kernel builds as modules, in load order.
GUEST_MODULES := $(addprefix .cache/guest/linux-6.1/modules/kernel/,drivers/virtio/virtio.ko \
	drivers/virtio/virtio_ring.ko drivers/virtio/virtio_mmio.ko drivers/char/virtio_console.ko \
	drivers/block/virtio_blk.ko net/core/failover.ko drivers/net/net_failover.ko \
	drivers/net/virtio_net.ko drivers/virtio/virtio_pci_modern_dev.ko \
	drivers/virtio/virtio_pci_legacy_dev.ko drivers/virtio/virtio_pci.ko fs/efivarfs/efivarfs.ko)

$(BUILD)/initramfs.cpio.gz: tools/mkinitramfs.py tests/guests/initramfs/init .cache/guest/busybox \
		$(GUEST_MODULES) \
		$(GUEST_TOOLS)
	@mkdir -p $(BUILD)
	$(PYTHON) tools/mkinitramfs.py --busybox .cache/guest/busybox \
		$(foreach t,$(GUEST_TOOLS),--add $(t):/bin/$(notdir $(t))) \
		$(foreach m,$(GUEST_MODULES),--add $(m):/lib/modules/$(notdir $(m))) -o $@

# The OP-TEE test guest (Linux 6.1): the same, with the TEE driver, tee-supplicant, xtest and
# its TAs, and the glibc they run on (tools/setup.sh unpacks them into .cache/pkgs/tee-rootfs).
TEE_ROOTFS  := .cache/pkgs/tee-rootfs
TEE_MODULES := $(addprefix .cache/guest/linux-6.1/modules/kernel/drivers/tee/,tee.ko optee/optee.ko)
$(BUILD)/initramfs-tee.cpio.gz: tools/mkinitramfs.py tests/guests/initramfs/init \
		.cache/guest/busybox $(GUEST_MODULES) $(TEE_MODULES) $(GUEST_TOOLS) $(TEE_ROOTFS)/usr/bin/xtest
	@mkdir -p $(BUILD)
	$(PYTHON) tools/mkinitramfs.py --busybox .cache/guest/busybox \
		$(foreach t,$(GUEST_TOOLS),--add $(t):/bin/$(notdir $(t))) \
		$(foreach m,$(GUEST_MODULES) $(TEE_MODULES),--add $(m):/usr/lib/modules/$(notdir $(m))) \
		--tree $(TEE_ROOTFS)/usr/lib:/usr/lib --tree $(TEE_ROOTFS)/usr/bin:/usr/bin \
		--tree $(TEE_ROOTFS)/usr/sbin:/usr/sbin --exclude gconv --exclude engines-3 \
		--exclude systemd --symlink usr/lib:/lib -o $@

# The same for Linux 7.3 (the realm guest kernel), with the attestation report modules and
# the FF-A driver.
REALM_MODULES := $(addprefix .cache/guest/linux-7.3/modules/kernel/,drivers/virtio/virtio_mmio.ko.xz \
	drivers/block/virtio_blk.ko.xz net/core/failover.ko.xz drivers/net/net_failover.ko.xz \
	drivers/net/virtio_net.ko.xz fs/configfs/configfs.ko.xz \
	drivers/virt/coco/guest/tsm_report.ko.xz drivers/virt/coco/arm-cca-guest/arm-cca-guest.ko.xz \
	drivers/firmware/arm_ffa/ffa-core.ko.xz drivers/firmware/arm_ffa/ffa-module.ko.xz)

$(BUILD)/initramfs-realm.cpio.gz: tools/mkinitramfs.py tests/guests/initramfs/init \
		.cache/guest/busybox $(REALM_MODULES) $(GUEST_TOOLS)
	@mkdir -p $(BUILD)
	$(PYTHON) tools/mkinitramfs.py --busybox .cache/guest/busybox \
		$(foreach t,$(GUEST_TOOLS),--add $(t):/bin/$(notdir $(t))) \
		$(foreach m,$(REALM_MODULES),--add $(m):/lib/modules/$(basename $(notdir $(m)))) -o $@

setup:
	tools/setup.sh

# Hot paths in executed instructions (QEMU -icount) and wall time, Triad vs bare QEMU.
bench: all
	$(PYTHON) tools/bench.py

include tests/unit/unit.mk
include tools/analyze.mk
include tests/verify/verify.mk

test: format-check check-layers check-world-switch all check-firmware-layers unit-test fuzz \
	integration-test \
	integration-test-no-secure integration-test-loaded integration-test-debug

# The firmware images' files call only downwards (docs/testing.md).
check-firmware-layers: all
	tools/check-firmware-layers $(BUILD)

# Everything, with the tests too long for CI's budget (e.g. a realm booted twice, a Debian
# system booted from its own disk).
test-full: debian-image
	TRIAD_TEST_FULL=1 $(MAKE) test

# A Debian bookworm system on a disk image, built once into .cache/debian/ (tools/mkdebian,
# docs/distributions.md), with an ssh key for the tests; installs mmdebstrap and arm64
# emulation from Debian first if they are missing.
DEBIAN_DIR := .cache/debian
debian-image: $(DEBIAN_DIR)/debian.img
$(DEBIAN_DIR)/debian.img: # built once: delete it to build it again
	command -v mmdebstrap >/dev/null && command -v arch-test >/dev/null && \
	  [ -x /usr/bin/qemu-aarch64-static ] || \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	  mmdebstrap arch-test qemu-user-static binfmt-support
	mkdir -p $(DEBIAN_DIR)
	[ -f $(DEBIAN_DIR)/id_ed25519 ] || ssh-keygen -q -t ed25519 -N '' -f $(DEBIAN_DIR)/id_ed25519
	tools/mkdebian --size 2G --ssh-key $(DEBIAN_DIR)/id_ed25519.pub $@.tmp
	mv $@.tmp $@

# On triad-run's default machine: Triad's EL3 monitor, the secure and realm worlds, Triad.
integration-test: all
	$(PYTHON) -m pytest -v tests/integration

# The same tests without them: Triad alone at Normal EL2, booted by QEMU (--no-secure).
integration-test-no-secure: all
	TRIAD_NO_SECURE=1 $(PYTHON) -m pytest -v tests/integration

# The device and SMP tests on Triad built with DEBUG=1 (its own build directory): every
# spin_assert_held() checked while guests use the devices, the vGIC and the scheduler.
integration-test-debug: all
	$(MAKE) DEBUG=1 BUILD=$(BUILD)/debug $(BUILD)/debug/triad.bin
	TRIAD_BIN=$(BUILD)/debug/triad.bin $(PYTHON) -m pytest -v tests/integration/test_devices.py \
		tests/integration/test_smp.py \
		--deselect tests/integration/test_smp.py::test_equal_weights_share_a_cpu_fairly

# The realm and SMP tests again on a loaded host: LOAD_LOOPS busy loops beside QEMU make its
# threads run late, so deadlines pass where an idle host never lets them (a Linux realm
# hung so at boot). The fairness test is left out: it measures shares of CPU time.
LOAD_LOOPS ?= 3
integration-test-loaded: all
	tools/with-load $(LOAD_LOOPS) $(PYTHON) -m pytest -v tests/integration/test_realm_linux.py \
		tests/integration/test_smp.py \
		--deselect tests/integration/test_smp.py::test_equal_weights_share_a_cpu_fairly

# The default guest's disk: an ext4 image made once and kept, so what the guest writes
# stays from one `make run` to the next (mount /dev/vda /mnt). Its web server port
# 80 is the host's RUN_HTTP_PORT.
RUN_DISK      ?= $(BUILD)/disk.img
RUN_HTTP_PORT ?= 8080
$(RUN_DISK):
	@mkdir -p $(dir $@)
	truncate -s 256M $@.tmp && /sbin/mkfs.ext4 -q -L triad-disk $@.tmp && mv $@.tmp $@

run: all $(RUN_DISK)
	tools/triad-run --kernel .cache/guest/linux-6.1/Image --initrd $(BUILD)/initramfs-tee.cpio.gz \
		--cpus 2 --pcpus 2 --mem 512M --append "console=ttyAMA0 earlycon" \
		--disk $(RUN_DISK) --net user,hostfwd=tcp:127.0.0.1:$(RUN_HTTP_PORT)-:80

# `make run` with QEMU's gdb stub, stopped at the first instruction until gdb continues; the
# symbols of all four images: gdb-multiarch -x <the script triad-run names> (docs/debugging.md).
debug: all $(RUN_DISK)
	tools/triad-run --gdb --gdb-wait --kernel .cache/guest/linux-6.1/Image \
		--initrd $(BUILD)/initramfs-tee.cpio.gz --cpus 2 --pcpus 2 --mem 512M \
		--append "console=ttyAMA0 earlycon" --disk $(RUN_DISK) \
		--net user,hostfwd=tcp:127.0.0.1:$(RUN_HTTP_PORT)-:80

# The hypervisor's includes point down its layers (docs/architecture.md, "Layers").
check-layers:
	$(PYTHON) tools/check-layers

# docs/world-switch.md names the monitor's register lists as monitor/monitor.h has them, and
# fwtest's pattern test checks each of those registers.
check-world-switch:
	$(PYTHON) tools/check-world-switch

FORMAT_SRCS := $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(FORMAT_SRCS)
format-check:
	clang-format --dry-run --Werror $(FORMAT_SRCS)

clean:
	rm -rf $(BUILD)

-include $(HV_OBJS:.o=.d) $(RMM_OBJS:.o=.d) $(SEL2_OBJS:.o=.d) $(MON_OBJS:.o=.d)
