/*
 * The boot bundle: what tools/triad-run hands the hypervisor (as QEMU's initrd). A device
 * tree describing the VMs, followed by the blobs (kernels, initrds) it points at by offset.
 * Parsing is strict and pure (host-tested and fuzzed): the bundle is untrusted input.
 */
#ifndef TRIAD_CONFIG_H
#define TRIAD_CONFIG_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <triad/vdev_type.h>

/* Triad's limits, here only: config_parse refuses more, tools/triad-run reads them from this
 * file and refuses more before QEMU starts, and what is sized per VM or per vCPU (the vGIC,
 * the console's VM masks, the VM table) is sized from them. */
#define MAX_VMS	     128
#define MAX_VCPUS    16
#define VM_NAME_MAX  32
#define BOOTARGS_MAX 512
#define VM_MEM_MIN   (16UL << 20)

struct blob {
	uint64_t offset; /* from the start of the bundle */
	uint64_t size;	 /* 0 = absent */
};

#define MAX_VM_DEVICES 12 /* disks, NICs, passthrough devices, ... of one VM */

#define SVE_VL_MAX     256 /* bytes: 2048-bit vectors, the architecture's longest */
#define SVE_VL_DEFAULT 0xffff
#define REALM_SVE_VL_MAX                                                                           \
	64 /* bytes: the RMM keeps vectors up to the monitor's 64 (RMM_SVE_VL_MAX) */

struct vm_config {
	char name[VM_NAME_MAX];
	uint64_t memory;
	unsigned ncpus;
	char bootargs[BOOTARGS_MAX];
	struct blob kernel;
	struct blob initrd;
	uint32_t weight;	      /* scheduling weight, default 256 */
	uint32_t affinity[MAX_VCPUS]; /* allowed physical CPUs per vCPU, default all */
	bool virtio_console;	      /* keyboard input goes to hvc0 rather than the PL011 */
	bool realm; /* an Arm CCA Realm: built and run through the RMM (security/rmi/realm_vm.c) */
	bool realtime;	  /* its vCPUs in the real-time scheduling class, each pinned to one CPU */
	uint8_t security; /* enum security_mode: include/triad/security_mode.h */
	/* Bytes of its SVE vectors, 0 (no sve-vl): no SVE; SVE_VL_DEFAULT ("max"): the CPU's
	 * longest (core/vcpu_sve.c)
	 */
	uint16_t sve_vl;
	bool mte; /* memory tagging (FEAT_MTE2): tags in its RAM, its tag registers (vcpu_mte.c) */
	bool its; /* a virtual ITS (LPIs, MSIs): irq/vits.c; a VM with one cannot be saved yet */
	/* kernel is guest firmware for QEMU's virt (U-Boot: triad-run --boot disk), started
	 * as QEMU starts it, with the DTB at the start of RAM; it boots what the disk holds */
	bool firmware;
	/* the firmware is EDK2 (ArmVirtQemu, triad-run --firmware uefi): run in place from a
	 * flash bank at IPA 0, with its variable store in a second bank (core/guest_firmware.c) */
	bool uefi;
	struct vdev_config dev[MAX_VM_DEVICES]; /* in bundle order */
	unsigned ndevs;
};

/* The largest UEFI code flash: QEMU virt's first bank, below the variable store's. */
#define UEFI_CODE_MAX 0x4000000UL

struct triad_config {
	struct vm_config vm[MAX_VMS];
	unsigned nvms;
};

/* Returns 0, or -EINVAL with a message naming the node and the reason in err. */
int config_parse(const void *bundle, uint64_t size, struct triad_config *cfg, char *err,
		 size_t errlen);

#endif
