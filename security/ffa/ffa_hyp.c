/*
 * Triad at Normal EL2 as FF-A's hypervisor endpoint. A VM's FF-A calls (HVC, or SMC trapped)
 * end here: Triad answers what concerns the VM and Triad (its ID, features, its RX/TX
 * buffers, which partitions exist) and passes direct messages to the SPMC at Secure EL2,
 * after making sure the sender is the VM itself. The partitions are learnt once at boot
 * (FFA_PARTITION_INFO_GET_REGS): the SPMC's list does not change while Triad runs.
 *
 * Notifications (notif_hyp.c): a VM binds, sets and gets as itself; Triad keeps what VMs
 * send each other, the SPMC what partitions send VMs and VMs send partitions; the SPMC's
 * Schedule Receiver Interrupt makes Triad raise the Notification Pending Interrupt in the
 * VM. Memory sharing from a VM to the partitions (FFA_MEM_SHARE/LEND/DONATE, RECLAIM) is
 * mem_hyp.c's. Indirect messages (FFA_MSG_SEND2) between VMs are Triad's alone: the
 * header is copied once from the sender's TX buffer and checked (msg.c), the message goes
 * into the receiver's RX buffer, which is the receiver's until it releases it (BUSY
 * meanwhile), and the receiver gets Triad's "RX buffer full" framework notification and
 * its NPI (notif_hyp.c). What is not here: indirect messages to partitions get
 * NOT_SUPPORTED, as do direct messages and memory sharing between VMs (no VM is listed
 * as a partition).
 */
#include <string.h>
#include <triad/cpu.h>
#include <triad/ffa.h>
#include <triad/feature.h>
#include <triad/log.h>
#include <triad/smccc.h>
#include <triad/trace.h>
#include <triad/vcpu.h>
#include <triad/vm.h>

#include "msg.h"
#include "notif_hyp.h"
#include "mem_hyp.h"
#include "partition_info.h"

#define MAX_PARTITIONS	   8
#define FFA_RXTX_MAX_PAGES 16 /* 64 KiB, the largest buffer FF-A's minimum sizes ask for */

/* Each VM is an FF-A endpoint (ID = its index + 1); Triad owns its RX/TX buffers. */
static struct ffa_vm {
	spinlock_t lock;
	uint32_t version; /* the version it asked for (FFA_VERSION), 0 before it asked */
	/* Its buffers, as IPAs: Triad maps the RX buffer (vm_guest_map) at each access, so
	 * every access is checked against the VM's RAM as it is then. */
	uint64_t tx_ipa, rx_ipa;
	unsigned pages; /* of each buffer; 0: none mapped */
	bool rx_full;	/* the RX buffer holds a message the VM has not released */
} endpoints[MAX_VMS];

static struct ffa_partition_info partitions[MAX_PARTITIONS];
static unsigned nr_partitions;
static bool spmc_present;

static uint16_t vm_ffa_id(const struct vm *vm)
{
	return (uint16_t)(vm->id + 1); /* 0 is the hypervisor */
}

static void ffa_probe(void)
{
	if (!plat.own_monitor)
		return;
	uint64_t r[FFA_NREGS] = {FFA_VERSION, FFA_VERSION_OURS};
	smc_call_regs18(r);
	if ((uint32_t)r[0] == FFA_NOT_SUPPORTED || (r[0] >> 16) != 1)
		return;
	spmc_present = true;
	uint32_t spmc_version = (uint32_t)r[0];
	for (unsigned start = 0; start < MAX_PARTITIONS;) {
		uint64_t q[FFA_NREGS] = {FFA_PARTITION_INFO_GET_REGS, 0, 0, start};
		smc_call_regs18(q);
		if ((uint32_t)q[0] != FFA_SUCCESS64)
			break; /* INVALID_PARAMETERS: no partition at all */
		unsigned last = q[2] & 0xffff, cur = (q[2] >> 16) & 0xffff;
		if (cur < start || cur - start >= FFA_PART_INFO_REGS_MAX)
			break;
		for (unsigned k = 0; k <= cur - start && nr_partitions < MAX_PARTITIONS; k++) {
			const uint64_t *d = &q[3 + 3 * k];
			struct ffa_partition_info *p = &partitions[nr_partitions++];
			p->id = (uint16_t)d[0];
			p->exec_ctx = (uint16_t)(d[0] >> 16);
			p->props = (uint32_t)(d[0] >> 32);
			p->uuid[0] = (uint32_t)d[1], p->uuid[1] = (uint32_t)(d[1] >> 32);
			p->uuid[2] = (uint32_t)d[2], p->uuid[3] = (uint32_t)(d[2] >> 32);
		}
		if (cur >= last)
			break;
		start = cur + 1;
	}
	pr_info("secure world: FF-A %u.%u SPMC, %u secure partition%s", spmc_version >> 16,
		spmc_version & 0xffff, nr_partitions, nr_partitions == 1 ? "" : "s");
	for (unsigned i = 0; i < nr_partitions; i++) {
		/* FF-A's four words hold the UUID's bytes in order, little-endian. */
		uint8_t b[16];
		for (int k = 0; k < 16; k++)
			b[k] = (uint8_t)(partitions[i].uuid[k / 4] >> (8 * (k % 4)));
		pr_info("secure world: partition 0x%x, UUID %02x%02x%02x%02x-%02x%02x-%02x%02x-"
			"%02x%02x-%02x%02x%02x%02x%02x%02x",
			partitions[i].id, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8],
			b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	}
}

static const struct ffa_partition_info *find_partition(uint16_t id)
{
	for (unsigned i = 0; i < nr_partitions; i++)
		if (partitions[i].id == id)
			return &partitions[i];
	return NULL;
}

/* FFA_ERROR (w2 = the code) or FFA_SUCCESS in x0-x7; the guest's x8-x17 are kept. */
static void reply(uint64_t *x, uint32_t fid, uint64_t w2, uint64_t w3)
{
	x[0] = fid;
	x[1] = 0;
	x[2] = w2;
	x[3] = w3;
	for (int i = 4; i < 8; i++)
		x[i] = 0;
}

static void version(struct vcpu *v, uint64_t *x)
{
	uint32_t asked = (uint32_t)x[1];
	for (int i = 1; i < 8; i++)
		x[i] = 0;
	if ((asked & 0x80000000U) || (asked >> 16) != 1) {
		x[0] = FFA_NOT_SUPPORTED;
		return;
	}
	/* Descriptors take the layout of the version the VM speaks (at most ours). */
	struct ffa_vm *f = &endpoints[v->vm->id];
	spin_lock(&f->lock);
	f->version = asked < FFA_VERSION_OURS ? asked : FFA_VERSION_OURS;
	spin_unlock(&f->lock);
	x[0] = FFA_VERSION_OURS;
}

static void features(uint64_t *x)
{
	uint32_t fid = (uint32_t)x[1];
	if (ffa_notif_features(x))
		return;
	switch (fid) {
	case FFA_VERSION:
	case FFA_FEATURES:
	case FFA_ID_GET:
	case FFA_RX_RELEASE:
	case FFA_RXTX_UNMAP:
	case FFA_PARTITION_INFO_GET:
	case FFA_PARTITION_INFO_GET_REGS:
		reply(x, FFA_SUCCESS, 0, 0);
		return;
	case FFA_RXTX_MAP:
	case FFA_RXTX_MAP | FFA_SMC64:
		reply(x, FFA_SUCCESS, 0, 0); /* w2[1:0] = 0: 4 KiB minimum size and alignment */
		return;
	case FFA_MEM_SHARE:
	case FFA_MEM_SHARE | FFA_SMC64:
	case FFA_MEM_LEND:
	case FFA_MEM_LEND | FFA_SMC64:
	case FFA_MEM_DONATE:
	case FFA_MEM_DONATE | FFA_SMC64:
	case FFA_MEM_RECLAIM:
		if (ffa_mem_hyp_available()) { /* mem_hyp.c */
			reply(x, FFA_SUCCESS, 0, 0);
			return;
		}
		break;
	case FFA_MSG_SEND2:
		reply(x, FFA_SUCCESS, 0, 0);
		return;
	case FFA_SPM_ID_GET:
	case FFA_MSG_SEND_DIRECT_REQ:
	case FFA_MSG_SEND_DIRECT_REQ | FFA_SMC64:
	case FFA_MSG_SEND_DIRECT_REQ2:
		if (spmc_present) {
			reply(x, FFA_SUCCESS, 0, 0);
			return;
		}
		break;
	}
	reply(x, FFA_ERROR, FFA_NOT_SUPPORTED, 0);
}

/* FFA_RXTX_MAP: TX and RX buffers of `pages` 4 KiB pages each, in the VM's RAM, apart. */
static void rxtx_map(struct vcpu *v, uint64_t *x)
{
	struct vm *vm = v->vm;
	uint64_t tx = x[1], rx = x[2]; /* a 32-bit call's are masked already */
	unsigned pages = (uint32_t)x[3] & 0x3f;
	uint64_t len = (uint64_t)pages * 4096;
	if (!pages || pages > FFA_RXTX_MAX_PAGES || ((uint32_t)x[3] >> 6) || (tx | rx) & 0xfff ||
	    (tx < rx + len && rx < tx + len) || !vm_guest_map(vm, tx, len) ||
	    !vm_guest_map(vm, rx, len)) {
		reply(x, FFA_ERROR, FFA_INVALID_PARAMETERS, 0);
		return;
	}
	struct ffa_vm *f = &endpoints[vm->id];
	spin_lock(&f->lock);
	bool had = f->pages != 0;
	if (!had) {
		f->tx_ipa = tx, f->rx_ipa = rx;
		f->pages = pages;
		f->rx_full = false;
	}
	spin_unlock(&f->lock);
	if (had)
		reply(x, FFA_ERROR, FFA_DENIED, 0); /* unmap first */
	else
		reply(x, FFA_SUCCESS, 0, 0);
}

static void rxtx_unmap(struct vcpu *v, uint64_t *x)
{
	uint16_t id = (uint16_t)(x[1] >> 16);
	struct ffa_vm *f = &endpoints[v->vm->id];
	if (id != 0 && id != vm_ffa_id(v->vm)) {
		reply(x, FFA_ERROR, FFA_INVALID_PARAMETERS, 0);
		return;
	}
	spin_lock(&f->lock);
	bool had = f->pages != 0;
	f->pages = 0;
	f->rx_full = false;
	spin_unlock(&f->lock);
	if (had)
		reply(x, FFA_SUCCESS, 0, 0);
	else
		reply(x, FFA_ERROR, FFA_INVALID_PARAMETERS, 0);
}

static void rx_release(struct vcpu *v, uint64_t *x)
{
	struct ffa_vm *f = &endpoints[v->vm->id];
	spin_lock(&f->lock);
	bool was = f->pages && f->rx_full;
	f->rx_full = false;
	spin_unlock(&f->lock);
	if (was)
		reply(x, FFA_SUCCESS, 0, 0);
	else
		reply(x, FFA_ERROR, FFA_DENIED, 0); /* nothing to release */
}

/* FFA_PARTITION_INFO_GET: w1-w4 the UUID filter, w5 bit 0 "count only". */
static void partition_info_get(struct vcpu *v, uint64_t *x)
{
	uint32_t uuid[4] = {(uint32_t)x[1], (uint32_t)x[2], (uint32_t)x[3], (uint32_t)x[4]};
	uint32_t flags = (uint32_t)x[5];
	struct ffa_vm *f = &endpoints[v->vm->id];
	if (flags & ~1U) {
		reply(x, FFA_ERROR, FFA_INVALID_PARAMETERS, 0);
		return;
	}
	bool count_only = flags & 1;
	unsigned count = 0;
	spin_lock(&f->lock);
	uint32_t ver = f->version ? f->version : FFA_VERSION_1_0;
	uint64_t len = (uint64_t)f->pages * 4096;
	uint8_t *rx = count_only || !f->pages ? NULL : vm_guest_map(v->vm, f->rx_ipa, len);
	int r;
	if (!count_only && (!rx || f->rx_full))
		r = -1000; /* no RX buffer, or the VM still owns it */
	else {
		r = ffa_partition_info_fill(rx, len, ver, partitions, nr_partitions, uuid,
					    count_only, &count);
		if (r > 0 && !count_only)
			f->rx_full = true;
	}
	spin_unlock(&f->lock);
	if (r == -1000)
		reply(x, FFA_ERROR, FFA_BUSY, 0);
	else if (r == -FFA_PI_NONE)
		reply(x, FFA_ERROR, FFA_INVALID_PARAMETERS, 0);
	else if (r == -FFA_PI_NO_ROOM)
		reply(x, FFA_ERROR, FFA_NO_MEMORY, 0);
	else
		reply(x, FFA_SUCCESS, count, ver >= FFA_VERSION_1_1 ? (uint64_t)r : 0);
}

/* FFA_PARTITION_INFO_GET_REGS (v1.2): answered from Triad's copy of the SPMC's list. */
static void partition_info_regs(uint64_t *x)
{
	uint32_t uuid[4] = {(uint32_t)x[1], (uint32_t)(x[1] >> 32), (uint32_t)x[2],
			    (uint32_t)(x[2] >> 32)};
	unsigned start = x[3] & 0xffff;
	const struct ffa_partition_info *match[MAX_PARTITIONS];
	unsigned n = 0;
	for (unsigned i = 0; i < nr_partitions; i++)
		if (ffa_uuid_matches(uuid, partitions[i].uuid))
			match[n++] = &partitions[i];
	if ((x[3] >> 16) || !n || start >= n) {
		ffa_set_error(x, FFA_INVALID_PARAMETERS); /* x8-x17 too: they are results here */
		return;
	}
	unsigned last =
	    n - 1 < start + FFA_PART_INFO_REGS_MAX - 1 ? n - 1 : start + FFA_PART_INFO_REGS_MAX - 1;
	for (int i = 0; i < FFA_NREGS; i++)
		x[i] = 0;
	x[0] = FFA_SUCCESS64;
	x[2] = (uint64_t)(n - 1) | (uint64_t)last << 16 | (uint64_t)FFA_PART_INFO_SIZE << 48;
	for (unsigned k = start, reg = 3; k <= last; k++, reg += 3) {
		const struct ffa_partition_info *p = match[k];
		x[reg] = p->id | (uint64_t)p->exec_ctx << 16 | (uint64_t)p->props << 32;
		x[reg + 1] = p->uuid[0] | (uint64_t)p->uuid[1] << 32;
		x[reg + 2] = p->uuid[2] | (uint64_t)p->uuid[3] << 32;
	}
}

/* A direct request: from the VM itself, to a secure partition; through the SPMC. The VM's
 * vCPU waits in the call, as in any SMC of a guest to its firmware. */
static void direct_req(struct vcpu *v, uint64_t *x)
{
	uint32_t fid = (uint32_t)x[0];
	bool req2 = fid == FFA_MSG_SEND_DIRECT_REQ2;
	uint16_t sender = (uint16_t)(x[1] >> 16), receiver = (uint16_t)x[1];
	/* w1's upper half: a 64-bit caller's to keep zero (32-bit ones are masked already). */
	if (sender != vm_ffa_id(v->vm) || (uint32_t)(x[1] >> 32) || !find_partition(receiver)) {
		vm_audit(v->vm, AUDIT_FFA_REFUSED,
			 "vCPU %u: FF-A direct request 0x%x -> 0x%x refused", v->id, sender,
			 receiver);
		reply(x, FFA_ERROR, FFA_INVALID_PARAMETERS, 0);
		return;
	}
	uint32_t want = ffa_resp_for(fid);
	struct cpu *c = this_cpu();
	uint64_t start = trace_start(c, TRACE_WORLD);
	if (req2) {
		/* x0-x17 both ways: the guest's own registers go down and come back. */
		smc_call_regs18(x);
	} else {
		/* x0-x7 (a 32-bit call's are masked already); the guest's x8-x17 are kept. */
		uint64_t r[8];
		for (unsigned i = 0; i < 8; i++)
			r[i] = x[i];
		smc_call_regs(r);
		for (unsigned i = 0; i < 8; i++)
			x[i] = r[i];
	}
	trace_end(c, TRACE_WORLD, v->vm->id, v->id, fid, start);
	uint32_t answer = (uint32_t)x[0];
	if (answer != FFA_ERROR && answer != want) {
		/* The secure world is gone (SMCCC's unknown function), or answered nonsense. */
		reply(x, FFA_ERROR, FFA_ABORTED, 0);
		if (req2)
			for (unsigned i = 8; i < FFA_NREGS; i++)
				x[i] = 0;
	}
}

/* The VM with FF-A ID id (not the hypervisor, not a partition), or NULL. */
static struct vm *vm_of_ffa_id(uint16_t id)
{
	return id && !FFA_ID_IS_SECURE(id) && id <= MAX_VMS ? vm_by_id(id - 1U) : NULL;
}

/* FFA_MSG_SEND2 (w1 MBZ but for the sender's own ID in [31:16]; w2 flags, bit 1 "delay the
 * SRI", meaningless here): the header copied once from the sender's TX buffer and checked
 * (msg.c), then header and payload written into the receiving VM's RX buffer, which is
 * the VM's until it releases it (BUSY meanwhile); the receiver learns of it through Triad's
 * "RX buffer full" framework notification and its NPI. Between VMs only: partitions'
 * indirect messages are not in Triad's SPMC yet (NOT_SUPPORTED). */
static void msg_send2(struct vcpu *v, uint64_t *x)
{
	uint16_t me = vm_ffa_id(v->vm);
	struct ffa_vm *f = &endpoints[v->vm->id];
	uint64_t w1 = x[1];
	if ((w1 & 0xffff) || ((w1 >> 16) && (w1 >> 16) != me) || ((uint32_t)x[2] & ~2U)) {
		reply(x, FFA_ERROR, FFA_INVALID_PARAMETERS, 0);
		return;
	}
	spin_lock(&f->lock);
	uint64_t tx_ipa = f->tx_ipa, tx_len = (uint64_t)f->pages * 4096;
	uint32_t version = f->version ? f->version : FFA_VERSION_1_0;
	spin_unlock(&f->lock);
	const uint8_t *tx = tx_len ? vm_guest_map(v->vm, tx_ipa, tx_len) : NULL;
	if (!tx) {
		reply(x, FFA_ERROR, FFA_DENIED, 0); /* no TX buffer (or it left the VM's RAM) */
		return;
	}
	uint8_t hdr[FFA_MSG_HDR_MAX];
	memcpy(hdr, tx, sizeof(hdr)); /* once: the VM may change its buffer meanwhile */
	uint16_t receiver = (uint16_t)(hdr[12] | hdr[13] << 8);
	struct vm *to = vm_of_ffa_id(receiver);
	struct ffa_vm *t = to ? &endpoints[to->id] : NULL;
	uint32_t rx_len = 0;
	if (t) {
		spin_lock(&t->lock);
		rx_len = t->pages * 4096U;
		spin_unlock(&t->lock);
	}
	struct ffa_msg m;
	uint32_t room = t && rx_len < tx_len ? rx_len : (uint32_t)tx_len;
	uint32_t err = ffa_msg_check(hdr, version, me, room, &m);
	if (!err && FFA_ID_IS_SECURE(receiver) && find_partition(receiver))
		err = FFA_NOT_SUPPORTED;
	else if (!err && (!to || !rx_len || to->state != VM_RUNNING))
		err = FFA_INVALID_PARAMETERS; /* no such VM, or one without an RX buffer */
	if (err) {
		vm_audit(v->vm, AUDIT_FFA_REFUSED,
			 "vCPU %u: FF-A MSG_SEND2 to 0x%x refused (error %d)", v->id, receiver,
			 (int)err);
		reply(x, FFA_ERROR, err, 0);
		return;
	}
	spin_lock(&t->lock);
	uint8_t *rx =
	    t->pages * 4096U == rx_len && !t->rx_full ? vm_guest_map(to, t->rx_ipa, rx_len) : NULL;
	bool busy = t->rx_full;
	if (rx) {
		/* The checked header, zeros to the payload, the payload from the TX buffer. */
		memcpy(rx, hdr, m.hdr_size);
		memset(rx + m.hdr_size, 0, m.offset - m.hdr_size);
		memcpy(rx + m.offset, tx + m.offset, m.size);
		t->rx_full = true;
	}
	spin_unlock(&t->lock);
	if (!rx) {
		/* Still full (not released), or unmapped meanwhile. */
		reply(x, FFA_ERROR, busy ? FFA_BUSY : FFA_INVALID_PARAMETERS, 0);
		return;
	}
	ffa_notif_hyp_framework(to, FFA_NOTIF_FW_RX_FULL);
	reply(x, FFA_SUCCESS, 0, 0);
}

/* Memory sharing (mem_hyp.c), with the VM's TX buffer as it is now. */
static void mem_call(struct vcpu *v, uint64_t *x)
{
	struct ffa_vm *f = &endpoints[v->vm->id];
	spin_lock(&f->lock);
	uint64_t tx = f->tx_ipa;
	unsigned pages = f->pages;
	spin_unlock(&f->lock);
	ffa_mem_hyp_call(v, x, tx, pages);
}

static void ffa_dispatch(struct vcpu *v)
{
	uint64_t *x = v->regs.x;
	uint32_t fid = (uint32_t)x[0];
	ffa_smc32_args(x);
	switch (fid) {
	case FFA_VERSION:
		version(v, x);
		return;
	case FFA_FEATURES:
		features(x);
		return;
	case FFA_ID_GET:
		reply(x, FFA_SUCCESS, vm_ffa_id(v->vm), 0);
		return;
	case FFA_SPM_ID_GET:
		if (spmc_present)
			reply(x, FFA_SUCCESS, FFA_SPMC_ID, 0);
		else
			reply(x, FFA_ERROR, FFA_NOT_SUPPORTED, 0);
		return;
	case FFA_RXTX_MAP:
	case FFA_RXTX_MAP | FFA_SMC64:
		rxtx_map(v, x);
		return;
	case FFA_RXTX_UNMAP:
		rxtx_unmap(v, x);
		return;
	case FFA_RX_RELEASE:
		rx_release(v, x);
		return;
	case FFA_PARTITION_INFO_GET:
		partition_info_get(v, x);
		return;
	case FFA_PARTITION_INFO_GET_REGS:
		partition_info_regs(x);
		return;
	case FFA_MSG_SEND_DIRECT_REQ:
	case FFA_MSG_SEND_DIRECT_REQ | FFA_SMC64:
	case FFA_MSG_SEND_DIRECT_REQ2:
		direct_req(v, x);
		return;
	case FFA_MSG_SEND2:
		msg_send2(v, x);
		return;
	case FFA_MEM_SHARE:
	case FFA_MEM_SHARE | FFA_SMC64:
	case FFA_MEM_LEND:
	case FFA_MEM_LEND | FFA_SMC64:
	case FFA_MEM_DONATE:
	case FFA_MEM_DONATE | FFA_SMC64:
	case FFA_MEM_RECLAIM:
		mem_call(v, x);
		return;
	default:
		if (!ffa_notif_call(v, x))
			reply(x, FFA_ERROR, FFA_NOT_SUPPORTED, 0);
	}
}

static void ffa_guest_call(struct vcpu *v)
{
	uint64_t fid = (uint32_t)v->regs.x[0];
	ffa_dispatch(v);
	TRACE(this_cpu(), TRACE_FFA, v->vm->id, v->id, fid, v->regs.x[0]);
}

/* The VM was reset or stopped: its buffers are forgotten. */
static void ffa_vm_reset(struct vm *vm)
{
	struct ffa_vm *f = &endpoints[vm->id];
	spin_lock(&f->lock);
	f->pages = 0;
	f->rx_full = false;
	f->version = 0;
	spin_unlock(&f->lock);
	ffa_notif_vm_reset(vm);
}

static void ffa_init(void)
{
	ffa_probe();
	ffa_notif_init(spmc_present);
}

SMCCC_SERVICE(ffa) = {
    .mask = ~FFA_SMC64, .first = 0x84000060U, .last = 0x840000ffU, .call = ffa_guest_call};
FEATURE(20, ffa) = {.init = ffa_init, .vm_loaded = ffa_notif_vm_loaded, .vm_reset = ffa_vm_reset};
