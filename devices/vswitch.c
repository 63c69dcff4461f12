/* The switch instance: its ports, its address table and its lock. Frames are copied into
 * the receiving ports by their deliver() without the switch lock, so a VM that is slow to
 * take frames only loses its own. */
#include <triad/errno.h>
#include <triad/feature.h>
#include <triad/cpu.h>
#include <triad/log.h>
#include <triad/spinlock.h>
#include <triad/vswitch.h>
#include <string.h>

static struct vswitch_port *ports[VSWITCH_PORTS];
static unsigned nports;
static struct mac_table table;
static spinlock_t lock;

int vswitch_add_port(struct vswitch_port *p)
{
	spin_lock(&lock);
	int r = nports == VSWITCH_PORTS ? -ENOSPC : 0;
	if (!r)
		ports[nports++] = p;
	spin_unlock(&lock);
	return r;
}

static unsigned index_of(struct vswitch_port *p)
{
	for (unsigned i = 0; i < nports; i++)
		if (ports[i] == p)
			return i;
	return VSWITCH_PORTS;
}

void vswitch_remove_port(struct vswitch_port *p)
{
	spin_lock(&lock);
	unsigned i = index_of(p);
	if (i < nports) {
		ports[i] = ports[--nports];
		ports[nports] = NULL;
		memset(&table, 0, sizeof(table)); /* its entries name ports by index */
	}
	spin_unlock(&lock);
	while (__atomic_load_n(&p->delivering, __ATOMIC_ACQUIRE))
		cpu_relax();
}

void vswitch_input(struct vswitch_port *p, const uint8_t *frame, uint32_t len)
{
	uint64_t now = read_sysreg(cntpct_el0) / (read_sysreg(cntfrq_el0) ?: 1);
	struct vswitch_port *to_ports[VSWITCH_PORTS];
	unsigned n = 0;
	spin_lock(&lock);
	unsigned in = index_of(p);
	uint32_t to = in < nports ? vswitch_route(&table, ports, nports, in, frame, len, now) : 0;
	p->in_frames++;
	/* The receivers as they are now, each marked busy until its delivery is done: a
	 * port removed meanwhile is not freed under it. */
	for (; to; to &= to - 1) {
		struct vswitch_port *d = ports[__builtin_ctz(to)];
		__atomic_fetch_add(&d->delivering, 1, __ATOMIC_ACQ_REL);
		to_ports[n++] = d;
	}
	spin_unlock(&lock);
	for (unsigned i = 0; i < n; i++) {
		struct vswitch_port *d = to_ports[i];
		d->deliver(d, frame, len);
		__atomic_fetch_add(&d->out_frames, 1, __ATOMIC_RELAXED);
		__atomic_fetch_sub(&d->delivering, 1, __ATOMIC_RELEASE);
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
