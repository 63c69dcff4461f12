/* The switch's forwarding decision (pure logic). */
#include <string.h>
#include <triad/vswitch.h>

void mac_table_learn(struct mac_table *t, const uint8_t mac[6], unsigned port, uint64_t now)
{
	struct mac_entry *victim = &t->e[0];
	for (unsigned i = 0; i < MAC_TABLE_SIZE; i++) {
		struct mac_entry *e = &t->e[i];
		if (e->used && !memcmp(e->mac, mac, 6)) {
			e->port = (uint8_t)port;
			e->last_seen = now;
			return;
		}
		if (!e->used || (victim->used && e->last_seen < victim->last_seen))
			victim = e;
	}
	memcpy(victim->mac, mac, 6);
	victim->port = (uint8_t)port;
	victim->used = true;
	victim->last_seen = now;
}

int mac_table_lookup(const struct mac_table *t, const uint8_t mac[6])
{
	for (unsigned i = 0; i < MAC_TABLE_SIZE; i++)
		if (t->e[i].used && !memcmp(t->e[i].mac, mac, 6))
			return t->e[i].port;
	return -1;
}

uint32_t vswitch_route(struct mac_table *t, struct vswitch_port *const *ports, unsigned nports,
		       unsigned in, const uint8_t *frame, uint32_t len, uint64_t now)
{
	if (len < ETH_HLEN || len > ETH_FRAME_MAX || in >= nports)
		return 0;
	const uint8_t *dst = frame, *src = frame + 6;
	if (src[0] & 1)
		return 0; /* a multicast source address is never valid */
	if (!ports[in]->uplink && memcmp(src, ports[in]->mac, 6)) {
		ports[in]->spoofed++;
		return 0;
	}
	mac_table_learn(t, src, in, now);
	uint32_t all = (nports >= 32 ? UINT32_MAX : (1U << nports) - 1) & ~(1U << in);
	if (dst[0] & 1)
		return all; /* broadcast and multicast */
	/* The VMs' own addresses are known without learning. */
	for (unsigned i = 0; i < nports; i++)
		if (!ports[i]->uplink && !memcmp(dst, ports[i]->mac, 6))
			return i == in ? 0 : 1U << i;
	int p = mac_table_lookup(t, dst);
	if (p < 0)
		return all;
	if ((unsigned)p == in || (unsigned)p >= nports || !ports[p]->uplink)
		return 0; /* already on the segment it came from */
	return 1U << p;
}
