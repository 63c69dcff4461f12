/* virtio console (virtio 1.2, 5.3), one port, no features: hvc0 for a VM. Its output
 * joins the shared console like the PL011's; keyboard input comes here instead of the
 * PL011 when the VM's config says `console = "virtio"`. */
#include <triad/log.h>
#include <triad/util.h>
#include <triad/vm.h>

#define RXQ 0 /* port 0 receiveq: the device writes input into the driver's buffers */
#define TXQ 1 /* port 0 transmitq: the driver's output */

static struct virtq_mem guest_mem(struct vm *vm)
{
	return (struct virtq_mem){vm_guest_map, vm};
}

static void broken(struct virtio_mmio *t, struct vm *vm, const char *why)
{
	vm_warn(vm, "virtio console: %s: device needs a reset", why);
	virtio_mmio_set_broken(t);
}

/* Returns a chain popped from queue qi at `epoch`, under the same hold of the lock. */
static void used(struct virtio_mmio *t, struct vm *vm, unsigned qi, uint32_t epoch, uint16_t head,
		 uint32_t written)
{
	struct virtq_mem m = guest_mem(vm);
	const char *why;
	if (virtio_mmio_push(t, &m, qi, epoch, head, written, &why) == VIRTIO_BROKEN)
		vm_warn(vm, "virtio console: %s: device needs a reset", why);
}

static void transmit(struct virtio_mmio *t, struct vm *vm)
{
	struct virtq_mem m = guest_mem(vm);
	struct virtq_chain c;
	const char *why;
	enum virtq_status s;
	uint32_t epoch = t->vq[TXQ].epoch;
	while ((s = virtq_pop(&t->vq[TXQ], &m, &c, &why)) == VIRTQ_OK) {
		for (unsigned i = 0; i < c.nseg; i++)
			if (!c.seg[i].device_writes)
				for (uint32_t j = 0; j < c.seg[i].len; j++)
					console_guest_putc(vm->id, vm->name, (char)c.seg[i].ptr[j]);
		used(t, vm, TXQ, epoch, c.head, 0);
	}
	if (s == VIRTQ_BROKEN)
		broken(t, vm, why);
}

/* Moves buffered input into the buffers the driver offers. */
static void receive(struct virtio_mmio *t, struct vm *vm)
{
	struct virtio_console_state *s = &vm->hvc;
	struct virtq_mem m = guest_mem(vm);
	const char *why;
	while (s->rx_count && virtio_mmio_live(t) && t->vq[RXQ].ready) {
		struct virtq_chain c;
		uint32_t epoch = t->vq[RXQ].epoch;
		enum virtq_status st = virtq_pop(&t->vq[RXQ], &m, &c, &why);
		if (st == VIRTQ_EMPTY)
			return; /* kept until the driver offers buffers */
		if (st == VIRTQ_BROKEN || !c.in_len) {
			broken(t, vm, st == VIRTQ_BROKEN ? why : "receive buffer not writable");
			return;
		}
		uint32_t written = 0;
		for (unsigned i = 0; i < c.nseg && s->rx_count; i++) {
			if (!c.seg[i].device_writes)
				continue;
			for (uint32_t j = 0; j < c.seg[i].len && s->rx_count; j++) {
				c.seg[i].ptr[j] = s->rx[s->rx_head];
				s->rx_head = (s->rx_head + 1) % sizeof(s->rx);
				s->rx_count--;
				written++;
			}
		}
		used(t, vm, RXQ, epoch, c.head, written);
	}
}

static void notify(struct virtio_mmio *t, unsigned q)
{
	struct vm *vm = t->dev;
	if (q == TXQ)
		transmit(t, vm);
	else
		receive(t, vm);
}

static void reset(struct virtio_mmio *t)
{
	struct vm *vm = t->dev;
	vm->hvc.rx_head = vm->hvc.rx_count = 0;
}

/* The config space (cols, rows, max_nr_ports, emerg_wr) means nothing without the
 * features that give it meaning: it reads as zero. */
static bool config_read(struct virtio_mmio *t, uint32_t off, unsigned size, uint64_t *val)
{
	(void)t;
	if (off + size > 12)
		return false;
	*val = 0;
	return true;
}

static void refused(struct virtio_mmio *t, const char *what)
{
	vm_warn(t->dev, "virtio console: %s", what);
}

static const struct virtio_dev_ops console_ops = {
    .device_id = 3,
    .features = 0,
    .nr_queues = 2,
    .config_read = config_read,
    .notify = notify,
    .reset = reset,
    .refused = refused,
};

void virtio_console_init(struct vm *vm)
{
	virtio_mmio_init(&vm->hvc.transport, &console_ops, vm);
	vm->hvc.transport.platform_features = vm->cfg->realm ? VIRTIO_F_ACCESS_PLATFORM : 0;
	vm->hvc.rx_head = vm->hvc.rx_count = 0;
}

/* With the device lock held. Input the driver has no buffer for yet waits (up to the
 * FIFO's size; beyond, like a real line, it is lost). */
void virtio_console_input(struct vm *vm, char c)
{
	struct virtio_console_state *s = &vm->hvc;
	if (s->rx_count < sizeof(s->rx)) {
		s->rx[(s->rx_head + s->rx_count) % sizeof(s->rx)] = (uint8_t)c;
		s->rx_count++;
	}
	receive(&s->transport, vm);
}

bool virtio_console_access(struct vm *vm, struct mmio_access *a)
{
	struct virtq_mem m = guest_mem(vm);
	return a->write
		   ? virtio_mmio_write(&vm->hvc.transport, &m, (uint32_t)a->offset, a->size,
				       a->value)
		   : virtio_mmio_read(&vm->hvc.transport, (uint32_t)a->offset, a->size, &a->value);
}
