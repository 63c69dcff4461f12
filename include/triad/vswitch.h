/* Triad's virtual Ethernet switch: one port per VM NIC and one uplink (a physical NIC).
 * A VM port may only send from its own MAC address; the switch learns where other
 * addresses live (behind the uplink), floods broadcasts and unknown destinations. */
#ifndef TRIAD_VSWITCH_H
#define TRIAD_VSWITCH_H

#include <stdbool.h>
#include <stdint.h>

#define ETH_HLEN       14
#define ETH_FRAME_MAX  1518 /* 1500 bytes of payload, an Ethernet header and a VLAN tag */
#define VSWITCH_PORTS  9
#define MAC_TABLE_SIZE 64

struct vswitch_port {
	const char *name;
	uint8_t mac[6]; /* a VM port's own address (its only source address) */
	bool uplink;	/* any source address: the outside world */
	/* Gives the port a frame; the port copies it or drops it. No switch lock is held. */
	void (*deliver)(struct vswitch_port *p, const uint8_t *frame, uint32_t len);
	uint64_t in_frames, out_frames, spoofed;
	unsigned delivering; /* deliver() calls under way (vswitch_remove_port waits them out) */
};

/* Learned addresses: pure logic, host-tested. */
struct mac_entry {
	uint8_t mac[6];
	uint8_t port;
	bool used;
	uint64_t last_seen;
};

struct mac_table {
	struct mac_entry e[MAC_TABLE_SIZE];
};

/* Records that `mac` was seen on `port` at time `now` (replacing the stalest entry if full). */
void mac_table_learn(struct mac_table *t, const uint8_t mac[6], unsigned port, uint64_t now);
/* The port `mac` was last seen on, or -1. */
int mac_table_lookup(const struct mac_table *t, const uint8_t mac[6]);
/* Where a frame from port `in` goes: a bit mask of ports (nports of them). Drops a frame
 * a VM port sends from an address not its own (returns 0). */
uint32_t vswitch_route(struct mac_table *t, struct vswitch_port *const *ports, unsigned nports,
		       unsigned in, const uint8_t *frame, uint32_t len, uint64_t now);

/* The switch itself (one per Triad). */
int vswitch_add_port(struct vswitch_port *p);
/* Takes p off the switch (its VM is destroyed) and waits until no frame is being given to
 * it: then its memory may go. The learned addresses are forgotten (ports renumber). */
void vswitch_remove_port(struct vswitch_port *p);
/* A frame entering the switch from port p. */
void vswitch_input(struct vswitch_port *p, const uint8_t *frame, uint32_t len);

#endif
