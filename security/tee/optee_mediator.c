/*
 * The OP-TEE mediator: guests' trusted-OS calls (SMCCC owners 50-63) on their way to the
 * secure world. OP-TEE is the `-virtualized` build: each VM is an OP-TEE client of its own
 * (client ID = VM ID + 1 in a7, announced with VM_CREATED before its first call, retired
 * with VM_DESTROYED when it stops or resets), so VMs never see each other's sessions.
 *
 * Guests speak the classic SMC ABI with guest addresses; OP-TEE must only ever see physical
 * addresses of the calling guest's RAM or of Triad's own shadow pages:
 *  - capabilities are narrowed to what is mediated (dynamic shared memory, no static
 *    shared memory, no pre-registered arguments, no asynchronous notifications);
 *  - CALL_WITH_ARG: the guest's message is copied into a shadow page and its memory
 *    parameters translated (optee_shm.c); the results are copied back when it completes;
 *  - a VM's calls in flight that touch one shared-memory cookie overlap only if none of
 *    them drops a registration under it (optee_cookies.c): OP-TEE panics on a lookup
 *    racing the release of a registration, and every VM would lose it;
 *  - RPCs: an argument buffer the guest allocates for OP-TEE (RPC_ALLOC) is replaced by a
 *    shadow page, and each RPC command in it is copied out to the guest and its answer back
 *    in, translated the same way; except OP-TEE's wait-queue notifications, which the
 *    mediator answers itself (optee_notif.c): a vCPU whose call must wait goes back to its
 *    guest as after a foreign interrupt, and waits in Triad until the wake-up comes or an
 *    interrupt does;
 *  - every other call, and every message command but sessions and shared memory, is
 *    refused (UNKNOWN_FUNCTION, EBADCMD). docs/secure.md has the table.
 * Guest RAM stays the guest's until the VM is destroyed, which is also when OP-TEE lets go
 * of it (VM_DESTROYED), so pages OP-TEE holds need no further pinning.
 */
#include <arch/sysreg.h>
#include <string.h>
#include <triad/cpu.h>
#include <triad/trace.h>
#include <triad/feature.h>
#include <triad/guest_dt.h>
#include <triad/log.h>
#include <triad/mem.h>
#include <triad/smccc.h>
#include <triad/spinlock.h>
#include <triad/tee.h>
#include <triad/trap.h>
#include <triad/tos_restart_abi.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vm.h>

#include "optee_cookies.h"
#include "optee_notif.h"
#include "optee_sessions.h"
#include "optee_shm.h"

#define TEE_CALLS    8 /* yielding calls in flight per VM (OP-TEE has fewer threads) */
#define TEE_RPC_BUFS 8 /* RPC argument buffers per VM (one per OP-TEE thread is usual) */

struct tee_call {
	bool used, busy;      /* busy: a vCPU has it in OP-TEE right now */
	bool in_rpc;	      /* OP-TEE waits for the guest's answer to rpc */
	uint32_t thread, rpc; /* OP-TEE's thread, and the RPC it asked for */
	uint64_t rpc_a1;      /* RPC_ALLOC: the size asked; RPC_CMD: the buffer's cookie */
	uint64_t guest_ipa;   /* the guest's message */
	uint64_t shadow;      /* its copy, in a page of Triad's */
	struct tee_shadows lists, rpc_lists; /* page lists of the message / of an RPC answer */
	struct tee_cookie_uses uses;	     /* the shared memory it touches, while in flight */
	/* OP-TEE's thread waits on a notification the mediator answers (rpc is RPC_CMD). */
	bool waiting, woken;
	uint64_t wait_until; /* counter value its wait ends at; 0: no timeout */
	struct vcpu *waiter; /* the vCPU that last waited for it in Triad */
	uint32_t generation; /* of the OP-TEE it went to: an older one failed, the call is dead */
};

struct tee_rpc_buf {
	bool used;
	uint64_t cookie, guest_ipa, size, shadow;
};

struct tee_vm {
	spinlock_t lock;
	enum { TEE_NEW, TEE_READY, TEE_REFUSED } state;
	uint32_t client;
	uint32_t generation; /* of the OP-TEE it was announced to */
	struct tee_call call[TEE_CALLS];
	struct tee_rpc_buf buf[TEE_RPC_BUFS];
	struct tee_notif notif;	      /* its OP-TEE threads' wait-queue notifications */
	struct tee_sessions sessions; /* which died with an OP-TEE that failed */
};

/* ---- guest memory for optee_shm.c ---- */

static uint64_t guest_pa(void *ctx, uint64_t ipa, uint64_t len)
{
	return (uint64_t)vm_guest_map(ctx, ipa, len);
}

static void *phys_ptr(void *ctx, uint64_t pa)
{
	(void)ctx;
	return (void *)pa;
}

static struct tee_mem mem_of(struct vm *vm)
{
	/* Its pages come from where the stage-2 tables' do. */
	return (struct tee_mem){vm, guest_pa, phys_ptr, mem_pt_allocator.alloc_page,
				mem_pt_allocator.free_page};
}

/* ---- the VM as an OP-TEE client ---- */

/* OP-TEE's generation: how many times the monitor restarted it (docs/secure.md). */
static uint32_t tee_generation;
static spinlock_t restart_lock;

/* The monitor answered TOS_RESTARTED: OP-TEE failed and came back, and everything the
 * failed one held for the VMs is gone. Each VM learns it at its next call (client_of):
 * announced again, its calls in flight dead. The monitor sends trusted-OS calls through
 * again once told. */
static void secure_world_restarted(uint64_t generation)
{
	uint32_t gen = (uint32_t)generation;
	spin_lock(&restart_lock);
	if (gen != tee_generation) {
		__atomic_store_n(&tee_generation, gen, __ATOMIC_RELEASE);
		pr_warn("secure world: OP-TEE restarted (generation %u): calls in flight end with "
			"TEEC_ERROR_TARGET_DEAD, each VM is announced to it again at its next call",
			gen);
	}
	uint64_t r[8] = {TOS_RESTART_ACK, gen};
	smc_call_regs(r);
	spin_unlock(&restart_lock);
}

/* The thread ID a guest sees for call c: OP-TEE's, tagged with its generation, so that a
 * dead call's RPC answer is never taken for a live call on the same thread. */
static uint32_t guest_thread(const struct tee_call *c)
{
	return c->thread | (c->generation & 0x7fff) << 16;
}

/* Everything of the VM's the failed OP-TEE held goes (t->lock held): its RPC buffers, its
 * notifications. Its calls stay, dead (older generation), until the guest resumes them and
 * hears TEEC_ERROR_TARGET_DEAD; vCPUs waiting in Triad for one go back to their guest. */
static void forget_failed_optee(struct tee_vm *t, const struct tee_mem *m,
				struct vcpu *waiters[TEE_CALLS])
{
	for (unsigned i = 0; i < TEE_CALLS; i++) {
		struct tee_call *c = &t->call[i];
		c->uses.n = 0;
		waiters[i] = c->waiting && c->waiter ? c->waiter : NULL;
		if (waiters[i])
			waiters[i]->call_woken = true;
		c->waiting = false;
	}
	for (unsigned i = 0; i < TEE_RPC_BUFS; i++)
		if (t->buf[i].used) {
			m->free_page(m->ctx, t->buf[i].shadow);
			memset(&t->buf[i], 0, sizeof(t->buf[i]));
		}
	memset(&t->notif, 0, sizeof(t->notif));
	tee_sessions_died(&t->sessions);
}

static void tee_smc(const struct tee_vm *t, uint64_t r[8])
{
	struct cpu *c = this_cpu();
	uint64_t fid = r[0], start = trace_start(c, TRACE_WORLD);
	r[7] = t->client;
	smc_call_regs(r);
	trace_end(c, TRACE_WORLD, t->client - 1, TRACE_NO_VCPU, fid, start);
}

/* The VM's client state, announcing it to OP-TEE first if needed; NULL: no OP-TEE for it. */
static struct tee_vm *client_of(struct vm *vm)
{
	if (!tee_present || vm->realm)
		return NULL;
	/* The usual case without locks: announced already (only a stopped VM goes back). */
	struct tee_vm *known = __atomic_load_n(&vm->tee, __ATOMIC_ACQUIRE);
	if (known && __atomic_load_n(&known->state, __ATOMIC_ACQUIRE) == TEE_READY &&
	    known->generation == __atomic_load_n(&tee_generation, __ATOMIC_ACQUIRE))
		return known;
	spin_lock(&vm->lock);
	if (!vm->tee) {
		struct tee_vm *t = (struct tee_vm *)page_alloc_zeroed(
		    ALIGN_UP(sizeof(*t), PAGE_SIZE) / PAGE_SIZE, PAGE_SIZE);
		if (t) {
			spin_init(&t->lock);
			t->client = vm->id + 1; /* 0 is the hypervisor itself */
		}
		__atomic_store_n(&vm->tee, t, __ATOMIC_RELEASE);
	}
	spin_unlock(&vm->lock);
	struct tee_vm *t = vm->tee;
	if (!t)
		return NULL;
	struct vcpu *waiters[TEE_CALLS];
	struct tee_mem m = mem_of(vm);
	spin_lock(&t->lock);
	uint32_t gen = __atomic_load_n(&tee_generation, __ATOMIC_ACQUIRE);
	bool stale = t->state != TEE_NEW && t->generation != gen;
	if (stale) {
		forget_failed_optee(t, &m, waiters);
		t->state = TEE_NEW;
		t->client = vm->id + 1;
	}
	for (unsigned tries = 0; t->state == TEE_NEW && tries < 4; tries++) {
		uint64_t r[8] = {OPTEE_SMC_VM_CREATED, t->client};
		uint32_t client = t->client;
		r[7] = 0; /* only the hypervisor may announce a VM */
		smc_call_regs(r);
		if ((uint32_t)r[0] == TOS_RESTARTED) {
			secure_world_restarted(r[1]);
			gen = __atomic_load_n(&tee_generation, __ATOMIC_ACQUIRE);
			continue;
		}
		t->generation = gen;
		int state = r[0] == OPTEE_SMC_RETURN_OK ? TEE_READY : TEE_REFUSED;
		if ((uint32_t)r[0] == OPTEE_SMC_RETURN_UNKNOWN_FUNCTION) {
			/* OP-TEE without virtualization: one context for everyone, so it serves
			 * one VM only (the first to call), as client 0. */
			static spinlock_t owner_lock;
			static const struct vm *owner;
			spin_lock(&owner_lock);
			if (!owner)
				owner = vm;
			bool mine = owner == vm;
			spin_unlock(&owner_lock);
			t->client = 0;
			state = mine ? TEE_READY : TEE_REFUSED;
			if (!mine)
				vm_audit(vm, AUDIT_TEE_REFUSED,
					 "OP-TEE is not the -virtualized build: it serves VM '%s' "
					 "only",
					 owner->name);
		} else if (state == TEE_REFUSED)
			vm_audit(vm, AUDIT_TEE_REFUSED,
				 "OP-TEE has no room for this VM (client %u, error 0x%lx): its "
				 "trusted-OS calls fail",
				 client, r[0]);
		__atomic_store_n(&t->state, state, __ATOMIC_RELEASE);
	}
	bool ready = t->state == TEE_READY;
	spin_unlock(&t->lock);
	for (unsigned i = 0; stale && i < TEE_CALLS; i++)
		if (waiters[i])
			sched_wake(waiters[i]);
	return ready ? t : NULL;
}

static void free_call(const struct tee_mem *m, struct tee_call *c)
{
	tee_shadows_free(m, &c->lists);
	tee_shadows_free(m, &c->rpc_lists);
	if (c->shadow)
		m->free_page(m->ctx, c->shadow);
	memset(c, 0, sizeof(*c));
}

static struct tee_rpc_buf *find_buf(struct tee_vm *t, uint64_t cookie)
{
	for (unsigned i = 0; i < TEE_RPC_BUFS; i++)
		if (t->buf[i].used && t->buf[i].cookie == cookie)
			return &t->buf[i];
	return NULL;
}

static void drop_buf(const struct tee_mem *m, struct tee_vm *t, uint64_t cookie)
{
	spin_lock(&t->lock);
	struct tee_rpc_buf *b = find_buf(t, cookie);
	if (b) {
		m->free_page(m->ctx, b->shadow);
		memset(b, 0, sizeof(*b));
	}
	spin_unlock(&t->lock);
}

/* The VM stopped or is being reset: OP-TEE forgets it (its sessions and shared memory) and
 * Triad frees what it kept for it. */
static void tee_vm_destroyed(struct vm *vm)
{
	struct tee_vm *t = vm->tee;
	if (!t)
		return;
	struct tee_mem m = mem_of(vm);
	spin_lock(&t->lock);
	if (t->state == TEE_READY && t->client && t->generation == tee_generation) {
		uint64_t r[8] = {OPTEE_SMC_VM_DESTROYED, t->client};
		smc_call_regs(r);		     /* a7 = 0: the hypervisor */
		if ((uint32_t)r[0] == TOS_RESTARTED) /* the new OP-TEE never knew it */
			secure_world_restarted(r[1]);
	}
	for (unsigned i = 0; i < TEE_CALLS; i++)
		free_call(&m, &t->call[i]);
	for (unsigned i = 0; i < TEE_RPC_BUFS; i++)
		if (t->buf[i].used) {
			m.free_page(m.ctx, t->buf[i].shadow);
			memset(&t->buf[i], 0, sizeof(t->buf[i]));
		}
	memset(&t->notif, 0, sizeof(t->notif));
	memset(&t->sessions, 0, sizeof(t->sessions));
	t->state = TEE_NEW; /* announced again at its next call (after a reset) */
	spin_unlock(&t->lock);
}

/* ---- yielding calls ---- */

static inline uint64_t pair(uint64_t hi, uint64_t lo)
{
	return (uint64_t)(uint32_t)hi << 32 | (uint32_t)lo;
}

static void set_result(struct vcpu *v, const uint64_t r[4])
{
	for (int i = 0; i < 4; i++)
		v->regs.x[i] = (uint32_t)r[i];
}

/* OP-TEE has answered call c with r: either it is done, or it needs the guest (an RPC). */
static void returned(struct vcpu *v, struct tee_vm *t, struct tee_call *c, uint64_t r[8])
{
	struct tee_mem m = mem_of(v->vm);
	uint32_t a0 = (uint32_t)r[0];
	if (!OPTEE_SMC_IS_RPC(a0)) {
		const struct optee_msg_arg *msg = (const struct optee_msg_arg *)c->shadow;
		if (a0 == OPTEE_SMC_RETURN_OK)
			tee_msg_export(&m, c->guest_ipa, msg);
		spin_lock(&t->lock);
		if (a0 == OPTEE_SMC_RETURN_OK && msg->cmd == OPTEE_MSG_CMD_OPEN_SESSION &&
		    msg->ret == TEEC_SUCCESS)
			tee_session_opened(&t->sessions, msg->session);
		if (msg->cmd == OPTEE_MSG_CMD_CLOSE_SESSION)
			tee_session_closed(&t->sessions, msg->session);
		free_call(&m, c);
		spin_unlock(&t->lock);
		set_result(v, r);
		return;
	}
	c->thread = (uint32_t)r[3];
	r[3] = guest_thread(c);
	c->rpc = a0;
	c->rpc_a1 = (uint32_t)r[1];
	if (a0 == OPTEE_SMC_RPC_FREE) {
		drop_buf(&m, t, pair(r[1], r[2]));
	} else if (a0 == OPTEE_SMC_RPC_CMD) {
		c->rpc_a1 = pair(r[1], r[2]);
		spin_lock(&t->lock);
		struct tee_rpc_buf *b = find_buf(t, c->rpc_a1);
		if (b)
			tee_rpc_export(&m, b->guest_ipa, b->size,
				       (struct optee_msg_arg *)b->shadow);
		spin_unlock(&t->lock);
		if (!b)
			vm_audit(v->vm, AUDIT_TEE_REFUSED,
				 "OP-TEE sent an RPC in a buffer the VM never gave it");
	}
	spin_lock(&t->lock);
	c->in_rpc = true;
	c->busy = false;
	spin_unlock(&t->lock);
	set_result(v, r);
}

/* ---- OP-TEE's wait-queue notifications, answered here ---- */

enum { NOTIF_NONE, NOTIF_ANSWERED, NOTIF_WAITS };

static unsigned call_index(const struct tee_vm *t, const struct tee_call *c)
{
	return (unsigned)(c - t->call);
}

/* Call c, waiting on a notification, is the guest's to resume (RETURN_FROM_RPC); vCPU v
 * waits for it. Called with t->lock held. */
static void park(struct vcpu *v, struct tee_call *c)
{
	c->in_rpc = true;
	c->busy = false;
	c->waiter = v;
	v->call_woken = false;
}

/* The guest goes back to its code as if an interrupt had stopped OP-TEE (Linux's driver
 * resumes the call at once, after taking it); its vCPU first waits in Triad until the
 * wake-up or an interrupt of its own comes (unless the wait has a timeout: then the guest
 * polls, each resumption checking the deadline). */
static void back_to_guest_waiting(struct vcpu *v, const struct tee_call *c, bool block)
{
	uint64_t *x = v->regs.x;
	x[0] = OPTEE_SMC_RPC_FOREIGN_INTR;
	x[1] = x[2] = 0;
	x[3] = guest_thread(c);
	if (block)
		handle_wfi_wait(v);
}

/* OP-TEE's RPC_CMD in the buffer with this cookie, if it is a notification: answered in
 * the shadow (NOTIF_ANSWERED), or call c now waits (NOTIF_WAITS, parked). */
static int notification(struct vcpu *v, struct tee_vm *t, struct tee_call *c, uint64_t cookie,
			uint32_t thread)
{
	struct tee_notif_req req;
	bool bad = false;
	struct vcpu *wake = NULL;
	int outcome = NOTIF_ANSWERED;
	spin_lock(&t->lock);
	struct tee_rpc_buf *b = find_buf(t, cookie);
	struct optee_msg_arg *msg = b ? (struct optee_msg_arg *)b->shadow : NULL;
	if (!msg || !tee_notif_parse(msg, &req, &bad)) {
		spin_unlock(&t->lock);
		return NOTIF_NONE;
	}
	uint32_t ret = TEEC_SUCCESS;
	if (bad) {
		ret = TEEC_ERROR_BAD_PARAMETERS; /* OP-TEE's own mistake, answered as Linux does */
	} else if (req.send) {
		int w = tee_notif_send(&t->notif, req.value);
		if (w >= 0) {
			struct tee_call *o = &t->call[w];
			o->woken = true;
			wake = o->waiter != v ? o->waiter : NULL; /* v itself waits for nothing */
			if (wake)
				wake->call_woken = true;
		}
	} else {
		switch (tee_notif_wait(&t->notif, req.value, call_index(t, c))) {
		case TEE_NOTIF_GO_ON:
			break;
		case TEE_NOTIF_REFUSED:
			ret = TEEC_ERROR_BAD_PARAMETERS;
			break;
		case TEE_NOTIF_WAITS: {
			c->waiting = true;
			c->woken = false;
			c->wait_until = 0;
			if (req.timeout_ms) {
				uint64_t ticks = read_sysreg(cntfrq_el0) / 1000 * req.timeout_ms;
				c->wait_until = read_sysreg(cntpct_el0) + ticks;
			}
			c->thread = thread;
			c->rpc = OPTEE_SMC_RPC_CMD;
			c->rpc_a1 = cookie;
			park(v, c);
			outcome = NOTIF_WAITS;
			break;
		}
		}
	}
	if (outcome == NOTIF_ANSWERED) {
		msg->ret = ret;
		if (ret)
			msg->ret_origin = TEEC_ORIGIN_COMMS;
	}
	spin_unlock(&t->lock);
	if (wake)
		sched_wake(wake);
	return outcome;
}

/* Call c went to an OP-TEE that has failed since: it ends, as OP-TEE ends a call into a
 * TA that died, with TEEC_ERROR_TARGET_DEAD in the guest's message and OK in x0. */
static void end_dead_call(struct vcpu *v, struct tee_vm *t, struct tee_call *c)
{
	struct tee_mem m = mem_of(v->vm);
	tee_msg_fail(&m, c->guest_ipa, TEEC_ERROR_TARGET_DEAD);
	spin_lock(&t->lock);
	free_call(&m, c);
	spin_unlock(&t->lock);
	uint64_t *x = v->regs.x;
	x[0] = OPTEE_SMC_RETURN_OK;
	x[1] = x[2] = x[3] = 0;
}

/* One exchange with OP-TEE for call c, starting with the call in r: notifications are
 * answered here and OP-TEE resumed, until it is done or needs the guest. */
static void exchange(struct vcpu *v, struct tee_vm *t, struct tee_call *c, uint64_t r[8])
{
	struct tee_mem m = mem_of(v->vm);
	for (;;) {
		tee_smc(t, r);
		uint32_t a0 = (uint32_t)r[0];
		if (a0 == TOS_RESTARTED) {
			secure_world_restarted(r[1]);
			end_dead_call(v, t, c);
			return;
		}
		/* Past the last RPC answer, OP-TEE has read its page lists; not if a normal-world
		 * interrupt stopped it first (it reads them when the guest resumes it). */
		if (a0 != OPTEE_SMC_RPC_FOREIGN_INTR)
			tee_shadows_free(&m, &c->rpc_lists);
		int n = a0 == OPTEE_SMC_RPC_CMD
			    ? notification(v, t, c, pair(r[1], r[2]), (uint32_t)r[3])
			    : NOTIF_NONE;
		if (n == NOTIF_ANSWERED) {
			uint64_t next[8] = {OPTEE_SMC_RETURN_FROM_RPC, (uint32_t)r[1],
					    (uint32_t)r[2], (uint32_t)r[3]};
			memcpy(r, next, sizeof(next));
			continue;
		}
		if (n == NOTIF_WAITS)
			back_to_guest_waiting(v, c, !c->wait_until);
		else
			returned(v, t, c, r);
		return;
	}
}

/* The guest resumes call c, which waits on a notification: OP-TEE goes on once the value
 * came (or the wait timed out); until then the guest is sent back to wait again. */
static void resume_waiting(struct vcpu *v, struct tee_vm *t, struct tee_call *c)
{
	spin_lock(&t->lock);
	if (c->waiter)
		c->waiter->call_woken = false; /* its wake-up, if any, ends here */
	bool woken = c->woken;
	bool expired = !woken && c->wait_until && read_sysreg(cntpct_el0) >= c->wait_until;
	struct tee_rpc_buf *b = NULL;
	if (woken || expired) {
		if (expired)
			tee_notif_forget(&t->notif, call_index(t, c));
		c->waiting = c->woken = false;
		c->waiter = NULL;
		b = find_buf(t, c->rpc_a1);
		if (b)
			((struct optee_msg_arg *)b->shadow)->ret =
			    woken ? TEEC_SUCCESS : TEEC_ERROR_TIMEOUT;
	} else {
		park(v, c);
	}
	spin_unlock(&t->lock);
	if (!woken && !expired) {
		back_to_guest_waiting(v, c, !c->wait_until);
		return;
	}
	uint64_t r[8] = {OPTEE_SMC_RETURN_FROM_RPC, c->rpc_a1 >> 32, (uint32_t)c->rpc_a1,
			 c->thread};
	exchange(v, t, c, r);
}

/* ---- calls from the guest ---- */

/* A VM's call may not touch a cookie another of its calls in flight registers or
 * unregisters, nor register or unregister one another call uses. False: it must wait. */
static bool claim_cookies(struct vcpu *v, struct tee_vm *t, struct tee_call *c)
{
	uint64_t cookie = 0;
	bool clash = false;
	spin_lock(&t->lock);
	tee_cookie_uses_of((const struct optee_msg_arg *)c->shadow, &c->uses);
	for (unsigned i = 0; i < TEE_CALLS && !clash; i++)
		if (&t->call[i] != c && t->call[i].used)
			clash = tee_cookie_uses_conflict(&c->uses, &t->call[i].uses, &cookie);
	if (clash)
		c->uses.n = 0;
	spin_unlock(&t->lock);
	if (clash)
		vm_audit(v->vm, AUDIT_TEE_REFUSED,
			 "vCPU %u: OP-TEE call refused (busy): shared memory 0x%lx is being "
			 "registered or unregistered while another call uses it",
			 v->id, cookie);
	return !clash;
}

/* A call into a session that died with a failed OP-TEE ends here: TEEC_ERROR_TARGET_DEAD,
 * or, closing it, success (in *answer). */
static bool into_dead_session(struct tee_vm *t, const struct optee_msg_arg *msg, uint32_t *answer)
{
	bool invoke = msg->cmd == OPTEE_MSG_CMD_INVOKE_COMMAND;
	bool close = msg->cmd == OPTEE_MSG_CMD_CLOSE_SESSION;
	spin_lock(&t->lock);
	bool dead = (invoke || close) && tee_session_dead(&t->sessions, msg->session);
	if (dead && close)
		tee_session_closed(&t->sessions, msg->session);
	spin_unlock(&t->lock);
	if (dead)
		*answer = close ? TEEC_SUCCESS : TEEC_ERROR_TARGET_DEAD;
	return dead;
}

static void call_with_arg(struct vcpu *v, struct tee_vm *t)
{
	uint64_t *x = v->regs.x;
	uint64_t ipa = pair(x[1], x[2]);
	struct tee_mem m = mem_of(v->vm);
	struct tee_call *c = NULL;
	spin_lock(&t->lock);
	for (unsigned i = 0; i < TEE_CALLS && !c; i++)
		if (!t->call[i].used)
			c = &t->call[i];
	if (c) {
		c->used = c->busy = true;
		c->generation = t->generation;
	}
	spin_unlock(&t->lock);
	if (!c) {
		x[0] = OPTEE_SMC_RETURN_ETHREAD_LIMIT; /* Linux waits for a call to finish */
		return;
	}
	c->guest_ipa = ipa;
	c->shadow = m.alloc_page(m.ctx);
	uint32_t err = c->shadow
			   ? tee_msg_import(&m, ipa, (struct optee_msg_arg *)c->shadow, &c->lists)
			   : TEEC_ERROR_OUT_OF_MEMORY;
	if (!err && !claim_cookies(v, t, c))
		err = TEEC_ERROR_BUSY;
	uint32_t answer = err;
	bool dead = !err && into_dead_session(t, (const struct optee_msg_arg *)c->shadow, &answer);
	if (err || dead) {
		if (err == OPTEE_SMC_RETURN_EBADADDR || err == OPTEE_SMC_RETURN_EBADCMD) {
			x[0] = err;
		} else {
			tee_msg_fail(&m, ipa,
				     answer); /* or a dead session's answer (closing succeeds) */
			x[0] = OPTEE_SMC_RETURN_OK;
		}
		spin_lock(&t->lock);
		free_call(&m, c);
		spin_unlock(&t->lock);
		return;
	}
	uint64_t r[8] = {OPTEE_SMC_CALL_WITH_ARG, c->shadow >> 32, (uint32_t)c->shadow,
			 (uint32_t)x[3]};
	exchange(v, t, c, r);
}

/* The guest's answer to RPC_ALLOC: a buffer of its own, replaced by a shadow page. */
static void answer_alloc(struct vcpu *v, struct tee_vm *t, struct tee_call *c, uint64_t r[8])
{
	uint64_t *x = v->regs.x;
	uint64_t ipa = pair(x[1], x[2]), cookie = pair(x[4], x[5]), size = c->rpc_a1;
	struct tee_mem m = mem_of(v->vm);
	r[1] = r[2] = 0; /* "no memory", unless all is well */
	r[4] = (uint32_t)x[4];
	r[5] = (uint32_t)x[5];
	if (!ipa)
		return; /* the guest had none */
	if (size > OPTEE_MSG_PAGE_SIZE || !guest_pa(v->vm, ipa, size ? size : 1)) {
		vm_audit(v->vm, AUDIT_TEE_REFUSED,
			 "OP-TEE RPC buffer 0x%lx (%lu bytes) refused: not its RAM or too big", ipa,
			 size);
		return;
	}
	spin_lock(&t->lock);
	struct tee_rpc_buf *b = NULL;
	if (!find_buf(t, cookie))
		for (unsigned i = 0; i < TEE_RPC_BUFS && !b; i++)
			if (!t->buf[i].used)
				b = &t->buf[i];
	uint64_t shadow = b ? m.alloc_page(m.ctx) : 0;
	if (shadow)
		*b = (struct tee_rpc_buf){true, cookie, ipa, size, shadow};
	spin_unlock(&t->lock);
	if (!shadow) {
		vm_audit(v->vm, AUDIT_TEE_REFUSED,
			 "OP-TEE RPC buffer refused: cookie in use or too many buffers");
		return;
	}
	r[1] = shadow >> 32;
	r[2] = (uint32_t)shadow;
}

static void return_from_rpc(struct vcpu *v, struct tee_vm *t)
{
	uint64_t *x = v->regs.x;
	struct tee_mem m = mem_of(v->vm);
	struct tee_call *c = NULL;
	spin_lock(&t->lock);
	for (unsigned i = 0; i < TEE_CALLS && !c; i++)
		if (t->call[i].used && t->call[i].in_rpc && !t->call[i].busy &&
		    guest_thread(&t->call[i]) == (uint32_t)x[3])
			c = &t->call[i];
	if (c) {
		c->busy = true;
		c->in_rpc = false;
	}
	spin_unlock(&t->lock);
	if (!c) {
		x[0] = OPTEE_SMC_RETURN_ERESUME; /* no call of this VM waits on that thread */
		return;
	}
	if (c->generation != t->generation) {
		end_dead_call(v, t, c);
		return;
	}
	if (c->waiting) {
		resume_waiting(v, t, c);
		return;
	}
	uint64_t r[8] = {OPTEE_SMC_RETURN_FROM_RPC, (uint32_t)x[1], (uint32_t)x[2], c->thread};
	if (c->rpc == OPTEE_SMC_RPC_ALLOC) {
		answer_alloc(v, t, c, r);
	} else if (c->rpc == OPTEE_SMC_RPC_CMD) {
		spin_lock(&t->lock);
		struct tee_rpc_buf *b = find_buf(t, c->rpc_a1);
		if (b)
			tee_rpc_import(&m, b->guest_ipa, b->size, (struct optee_msg_arg *)b->shadow,
				       &c->rpc_lists);
		spin_unlock(&t->lock);
	}
	exchange(v, t, c, r);
}

/* ---- fast calls ---- */

static void fast_call(struct vcpu *v, struct tee_vm *t, uint32_t fn, uint64_t a1)
{
	uint64_t r[8] = {fn, a1};
	tee_smc(t, r);
	/* OP-TEE restarted: the VM is announced to the new one, which answers. */
	for (unsigned tries = 0; (uint32_t)r[0] == TOS_RESTARTED && tries < 4; tries++) {
		secure_world_restarted(r[1]);
		if (client_of(v->vm) != t) {
			r[0] = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
			break;
		}
		uint64_t again[8] = {fn, a1};
		memcpy(r, again, sizeof(again));
		tee_smc(t, r);
	}
	set_result(v, r);
}

static void exchange_capabilities(struct vcpu *v, struct tee_vm *t)
{
	fast_call(v, t, OPTEE_SMC_EXCHANGE_CAPABILITIES,
		  v->regs.x[1] & OPTEE_NSEC_CAP_UNIPROCESSOR);
	uint64_t *x = v->regs.x;
	if (x[0] != OPTEE_SMC_RETURN_OK)
		return;
	if (!(x[1] & OPTEE_CAP_DYNAMIC_SHM)) {
		x[0] = OPTEE_SMC_RETURN_ENOTAVAIL; /* guests have no static shared memory */
		return;
	}
	x[1] &= OPTEE_CAP_DYNAMIC_SHM | OPTEE_CAP_UNREGISTERED_SHM | OPTEE_CAP_MEMREF_NULL;
	x[3] = 0; /* no pre-registered RPC arguments: RPC buffers come through RPC_ALLOC */
}

/* A guest's trusted-OS call (SMCCC owners 50-63), answered in its registers. */
static void tee_guest_call(struct vcpu *v)
{
	uint64_t *x = v->regs.x;
	uint32_t fn = (uint32_t)x[0];
	struct tee_vm *t = client_of(v->vm);
	if (!t) {
		x[0] = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
		return;
	}
	switch (fn) {
	case OPTEE_SMC_CALLS_COUNT:
	case OPTEE_SMC_CALLS_UID:
	case OPTEE_SMC_CALLS_REVISION:
	case OPTEE_SMC_GET_OS_UUID:
	case OPTEE_SMC_GET_OS_REVISION:
	case OPTEE_SMC_GET_THREAD_COUNT:
	case OPTEE_SMC_ENABLE_SHM_CACHE:
		fast_call(v, t, fn, 0);
		break;
	case OPTEE_SMC_DISABLE_SHM_CACHE: {
		fast_call(v, t, fn, 0);
		struct tee_mem m = mem_of(v->vm);
		if (x[0] == OPTEE_SMC_RETURN_OK) /* OP-TEE let go of this RPC buffer */
			drop_buf(&m, t, pair(x[1], x[2]));
		break;
	}
	case OPTEE_SMC_EXCHANGE_CAPABILITIES:
		exchange_capabilities(v, t);
		break;
	case OPTEE_SMC_GET_SHM_CONFIG:
		x[0] = OPTEE_SMC_RETURN_ENOTAVAIL;
		break;
	case OPTEE_SMC_CALL_WITH_ARG:
		call_with_arg(v, t);
		break;
	case OPTEE_SMC_RETURN_FROM_RPC:
		return_from_rpc(v, t);
		break;
	default:
		x[0] = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
		break;
	}
}

SMCCC_SERVICE(optee) = {
    .mask = 0x3f000000U, .first = 50U << 24, .last = 63U << 24, .call = tee_guest_call};

/* Guests see OP-TEE in their device tree; their SMCs to it come here. */
static void tee_guest_dt(struct vm *vm, struct guest_dt_params *p)
{
	(void)vm;
	p->optee = tee_present;
}

/* The VM is freed (after tee_vm_destroyed told OP-TEE): its client state goes too. */
static void tee_vm_free(struct vm *vm)
{
	struct tee_vm *t = vm->tee;
	if (!t)
		return;
	vm->tee = NULL;
	page_free((uint64_t)t, ALIGN_UP(sizeof(*t), PAGE_SIZE) / PAGE_SIZE);
}

FEATURE(10, tee) = {.init = tee_probe,
		    .guest_dt = tee_guest_dt,
		    .vm_reset = tee_vm_destroyed,
		    .vm_destroy = tee_vm_free};
