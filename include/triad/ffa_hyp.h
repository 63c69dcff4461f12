/* Triad at Normal EL2 as the FF-A hypervisor endpoint (security/ffa/ffa_hyp.c): each VM is
 * an FF-A endpoint (ID = its index + 1) that discovers the secure partitions and sends them
 * direct messages through the SPMC; Triad owns the VMs' RX/TX buffers. */
#ifndef TRIAD_FFA_HYP_H
#define TRIAD_FFA_HYP_H

#include <stdbool.h>
#include <stdint.h>
#include <triad/spinlock.h>

struct vm;
struct vcpu;

#define FFA_RXTX_MAX_PAGES 16 /* 64 KiB, the largest buffer FF-A's minimum sizes ask for */

struct ffa_vm {
	spinlock_t lock;
	uint32_t version; /* the version it asked for (FFA_VERSION), 0 before it asked */
	/* Its buffers, as IPAs: Triad maps the RX buffer (vm_guest_map) at each access, so
	 * every access is checked against the VM's RAM as it is then. */
	uint64_t tx_ipa, rx_ipa;
	unsigned pages; /* of each buffer; 0: none mapped */
	bool rx_full;	/* the RX buffer holds a message the VM has not released */
};

#endif
