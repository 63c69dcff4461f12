/* The switch instance: its ports, its address table and its lock. Frames are copied into
 * the receiving ports by their deliver() without the switch lock, so a VM that is slow to
 * take frames only loses its own. */
#include <triad/errno.h>
#include <triad/feature.h>
#include <triad/cpu.h>
#include <triad/log.h>
#include <triad/spinlock.h>
#include <triad/vswitch.h>

static struct vswitch_port *ports[VSWITCH_PORTS];
static unsigned nports;
static struct mac_table table;
static spinlock_t lock;

int vswitch_add_port(struct vswitch_port *p)
{
	if (nports == VSWITCH_PORTS)
		return -ENOSPC;
	ports[nports++] = p;
	return 0;
}

static unsigned index_of(struct vswitch_port *p)
{
	for (unsigned i = 0; i < nports; i++)
		if (ports[i] == p)
			return i;
	return VSWITCH_PORTS;
}

void vswitch_input(struct vswitch_port *p, const uint8_t *frame, uint32_t len)
{
	uint64_t now = read_sysreg(cntpct_el0) / (read_sysreg(cntfrq_el0) ?: 1);
	spin_lock(&lock);
	uint32_t to = vswitch_route(&table, ports, nports, index_of(p), frame, len, now);
	p->in_frames++;
	spin_unlock(&lock);
	for (; to; to &= to - 1) {
		struct vswitch_port *d = ports[__builtin_ctz(to)];
		d->deliver(d, frame, len);
		__atomic_fetch_add(&d->out_frames, 1, __ATOMIC_RELAXED);
	}
}

static void vswitch_print_stats(void)
{
	for (unsigned i = 0; i < nports; i++)
		pr_info("switch port %s: %lu frames in, %lu out%s", ports[i]->name,
			(unsigned long)ports[i]->in_frames, (unsigned long)ports[i]->out_frames,
			ports[i]->spoofed ? " (spoofed frames dropped)" : "");
}

FEATURE(90, vswitch) = {.print_stats = vswitch_print_stats};
