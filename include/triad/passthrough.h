/* Handing a machine device to one VM: an MMIO device of the machine's DT (devices/
 * passthrough.c) or a PCIe function behind the SMMU (devices/vpci.c). */
#ifndef TRIAD_PASSTHROUGH_H
#define TRIAD_PASSTHROUGH_H

#include <stddef.h>
#include <stdint.h>
#include <triad/guest_dt.h>

struct vm;
struct vdev_config;

#define DT_PATH_MAX 64

/* From the bundle ("passthrough@N { path; }"): a machine DT path or "pci:BB:DD.F". */
struct passthrough_config {
	char path[DT_PATH_MAX];
};

int passthrough_create(struct vm *vm, const struct vdev_config *c, char *err, size_t errlen);
/* Writes "VM 'x': passthrough PATH: <why>" into err; returns -EINVAL. */
int passthrough_fail(char *err, size_t errlen, const struct vm *vm, const char *path,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Forwards physical SPI intid to the VM (hardware-linked); resets it with the VM. */
int passthrough_route_irq(struct vm *vm, uint32_t intid);
void passthrough_reset_irqs(struct vm *vm);

/* devices/vpci.c: "pci:00:DD.F", a function of the machine's PCIe bus 0. */
int vpci_passthrough_create(struct vm *vm, const char *path, char *err, size_t errlen);
const struct guest_dt_pci *vpci_dt_of(const struct vm *vm);

#endif
