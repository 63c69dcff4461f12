/*
 * The UEFI firmware's variable store (EDK2's NorFlashDxe drives it): a CFI flash bank at
 * GUEST_FLASH1_IPA whose commands vcfi.c interprets. Like QEMU's flash (a "ROM device"),
 * in read-array mode the store is mapped read-only at stage 2, so the firmware's reads,
 * whatever instruction they use (its CopyMem loads pairs, which no MMIO syndrome
 * describes), are plain memory reads, and only writes trap here. Any other mode answers
 * status, ID or query data: the store is unmapped until the guest goes back to read-array.
 * The store lives in Triad's memory for the VM's life: it survives the VM's reboots, not
 * the run.
 */
#include <arch/pte.h>
#include <string.h>
#include <triad/errno.h>
#include <triad/guest_firmware.h>
#include <triad/mem.h>
#include <triad/spinlock.h>
#include <triad/util.h>
#include <triad/vcfi.h>
#include <triad/vcpu.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>

#include "../arch/arm64/cache.h"
#include "vm_builtin.h"

struct vm_flash {
	struct vm *vm;
	spinlock_t lock; /* cfi and mapped */
	struct vcfi cfi;
	bool mapped; /* the store is mapped for the guest's reads */
};

/* With the lock held: the stage-2 mapping follows the mode. */
static void flash_follow_mode(struct vm_flash *f)
{
	bool want = vcfi_reads_array(&f->cfi);
	if (want == f->mapped)
		return;
	if (want) {
		/* What Triad wrote must be in memory for a guest reading with caches off. */
		dcache_clean_range((uint64_t)f->cfi.store, f->cfi.size);
		if (vm_s2_map(f->vm, IPA(GUEST_FLASH1_IPA), PA((uint64_t)f->cfi.store), f->cfi.size,
			      S2_MEMATTR_NORMAL | S2_AP_R | PTE_SH_INNER | PTE_AF | PTE_XN)) {
			/* The tables exist since the first mapping: cannot happen. Reads trap. */
			vm_warn(f->vm, "flash: cannot map the variable store: its reads trap");
			return;
		}
	} else {
		vm_s2_unmap(f->vm, IPA(GUEST_FLASH1_IPA), f->cfi.size);
	}
	f->mapped = want;
}

static bool flash_access(struct vdev *d, struct vcpu *v, struct mmio_access *a)
{
	struct vm_flash *f = d->priv;
	const char *why = NULL;
	spin_lock(&f->lock);
	uint32_t off = (uint32_t)a->offset;
	enum vcfi_result r = a->write ? vcfi_write(&f->cfi, off, a->size, a->value, &why)
				      : vcfi_read(&f->cfi, off, a->size, &a->value);
	flash_follow_mode(f);
	uint8_t status = f->cfi.status;
	spin_unlock(&f->lock);
	if (r == VCFI_ERROR)
		vm_warn(v->vm, "vCPU %u: flash offset 0x%x: %s (status 0x%x)", v->id, off, why,
			status);
	return r != VCFI_BAD_ACCESS;
}

static void flash_reset(struct vdev *d)
{
	struct vm_flash *f = d->priv;
	spin_lock(&f->lock);
	vcfi_reset(&f->cfi); /* the contents stay: it is flash */
	flash_follow_mode(f);
	spin_unlock(&f->lock);
}

static void flash_release(struct vdev *d)
{
	struct vm_flash *f = d->priv;
	page_free((uint64_t)f->cfi.store, f->cfi.size / PAGE_SIZE);
	vdev_free(f, sizeof(*f));
}

/* Snapshots: the store's non-erased pages and the command state (vcfi_save), so that the
 * firmware's variables and a write under way survive; restore maps the store as its mode
 * says. */
static long flash_save(struct vdev *d, void *buf, size_t len)
{
	struct vm_flash *f = d->priv;
	spin_lock(&f->lock);
	long r = vcfi_save(&f->cfi, buf, len);
	spin_unlock(&f->lock);
	return r;
}

static int flash_restore(struct vdev *d, const void *buf, size_t len)
{
	struct vm_flash *f = d->priv;
	spin_lock(&f->lock);
	int r = vcfi_restore(&f->cfi, buf, len);
	if (!r && f->mapped) /* the guest must read the restored bytes, caches off or on */
		dcache_clean_range((uint64_t)f->cfi.store, f->cfi.size);
	flash_follow_mode(f);
	spin_unlock(&f->lock);
	return r;
}

static const struct vdev_ops flash_ops = {.name = "CFI flash",
					  .access = flash_access,
					  .reset = flash_reset,
					  .save = flash_save,
					  .restore = flash_restore,
					  .release = flash_release};

int vm_flash_create(struct vm *vm)
{
	struct vm_flash *f = vdev_alloc(sizeof(*f));
	if (!f)
		return -ENOMEM;
	uint64_t store = page_alloc(GUEST_VARSTORE_SIZE / PAGE_SIZE, PAGE_SIZE);
	if (!store) {
		vdev_free(f, sizeof(*f));
		return -ENOMEM;
	}
	memset((void *)store, 0xff, GUEST_VARSTORE_SIZE); /* erased: EDK2 formats it */
	f->vm = vm;
	spin_init(&f->lock);
	vcfi_init(&f->cfi, (uint8_t *)store, GUEST_VARSTORE_SIZE);
	int err = vm_add_vdev(vm, &flash_ops, GUEST_FLASH1_IPA, GUEST_VARSTORE_SIZE, f, -1);
	if (err) {
		page_free(store, GUEST_VARSTORE_SIZE / PAGE_SIZE);
		vdev_free(f, sizeof(*f));
	}
	return err;
}
