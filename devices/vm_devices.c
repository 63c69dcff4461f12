/* The devices every VM has: the GICv3 distributor and redistributors, and its console UART. */
#include <triad/cpu.h>
#include <triad/log.h>
#include <triad/vm.h>

static void kick_mask(struct vm *vm, uint32_t kick)
{
	for (unsigned i = 0; i < vm->ncpus; i++)
		if (kick & (1U << i))
			vcpu_kick(vm->vcpu[i]);
}

static bool gicd_access(struct vdev *d, struct vcpu *v, struct mmio_access *a)
{
	(void)d;
	struct vgic *g = &v->vm->vgic;
	uint32_t kick = 0;
	spin_lock(&g->lock);
	bool ok = a->write
		      ? vgic_dist_write(g, v->id, (uint32_t)a->offset, a->size, a->value, &kick)
		      : vgic_dist_read(g, v->id, (uint32_t)a->offset, a->size, &a->value);
	spin_unlock(&g->lock);
	kick_mask(v->vm, kick);
	return ok;
}

static bool gicr_access(struct vdev *d, struct vcpu *v, struct mmio_access *a)
{
	(void)d;
	struct vgic *g = &v->vm->vgic;
	/* Any vCPU may look at any redistributor (Linux scans them all at boot). */
	unsigned target = (unsigned)(a->offset / GICR_STRIDE);
	uint32_t off = (uint32_t)(a->offset % GICR_STRIDE);
	uint32_t kick = 0;
	spin_lock(&g->lock);
	bool ok = a->write ? vgic_redist_write(g, target, off, a->size, a->value, &kick)
			   : vgic_redist_read(g, target, off, a->size, &a->value);
	spin_unlock(&g->lock);
	kick_mask(v->vm, kick);
	return ok;
}

static void uart_putc(void *ctx, char c)
{
	struct vm *vm = ctx;
	console_guest_putc(vm->id, vm->name, c);
}

/* The UART's state is shared between its vCPU (MMIO) and the CPU taking console input. */
static spinlock_t uart_lock = SPINLOCK_INIT;

static bool uart_access(struct vdev *d, struct vcpu *v, struct mmio_access *a)
{
	struct vm *vm = d->priv;
	spin_lock(&uart_lock);
	bool ok = a->write ? vpl011_write(&vm->uart, a->offset, a->size, a->value)
			   : vpl011_read(&vm->uart, a->offset, a->size, &a->value);
	bool level = vpl011_irq_level(&vm->uart);
	spin_unlock(&uart_lock);
	vcpu_set_irq_line(vm, v->id, 32 + GUEST_UART_SPI, level);
	return ok;
}

void vm_console_input(struct vm *vm, char c)
{
	spin_lock(&uart_lock);
	vpl011_rx(&vm->uart, c);
	bool level = vpl011_irq_level(&vm->uart);
	spin_unlock(&uart_lock);
	vcpu_set_irq_line(vm, 0, 32 + GUEST_UART_SPI, level);
}

static const struct vdev_ops gicd_ops = {.name = "GICD", .access = gicd_access};
static const struct vdev_ops gicr_ops = {.name = "GICR", .access = gicr_access};
static const struct vdev_ops uart_ops = {.name = "PL011", .access = uart_access};

static void add(struct vm *vm, const struct vdev_ops *ops, uint64_t base, uint64_t size)
{
	if (vm->nvdevs < MAX_VDEVS)
		vm->vdevs[vm->nvdevs++] = (struct vdev){ops, base, size, vm};
}

void vm_add_core_devices(struct vm *vm)
{
	vpl011_init(&vm->uart, uart_putc, vm);
	add(vm, &gicd_ops, GICD_BASE_IPA, GICD_SIZE);
	add(vm, &gicr_ops, GICR_BASE_IPA, GICR_STRIDE * vm->ncpus);
	add(vm, &uart_ops, GUEST_UART_IPA, 0x1000);
}
