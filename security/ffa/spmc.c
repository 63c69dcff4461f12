/*
 * The SPMC's decisions (see spmc.h): which FF-A calls it answers, which messages reach a
 * partition, and what a partition may answer. Every field of a call is checked here, from
 * either side: the normal world and the partitions are both untrusted.
 */
#include "spmc.h"

static struct sp *find_sp(struct spmc *s, uint16_t id, unsigned *index)
{
	for (unsigned i = 0; i < s->nr_sps; i++)
		if (s->sp[i].m.id == id) {
			if (index)
				*index = i;
			return &s->sp[i];
		}
	return 0;
}

bool spmc_add(struct spmc *s, const struct sp_manifest *m, uint64_t base)
{
	if (s->nr_sps == SPMC_MAX_SPS || find_sp(s, m->id, 0))
		return false;
	struct sp *sp = &s->sp[s->nr_sps++];
	sp->m = *m;
	sp->base = base;
	sp->secondary_entry = 0;
	sp->restarts = 0;
	for (unsigned e = 0; e < SPMC_MAX_ECS; e++)
		sp->ec[e] = (struct sp_ec){.state = SP_BOOTING};
	spmc_notif_sp_added(s, s->nr_sps - 1);
	return true;
}

uint64_t spmc_ec_entry(const struct spmc *s, unsigned i, unsigned ec)
{
	const struct sp *sp = &s->sp[i];
	return ec && sp->secondary_entry ? sp->secondary_entry : sp->base + sp->m.entry;
}

/* FFA_SECONDARY_EP_REGISTER: a partition with a context per CPU names, while its first
 * context boots, where the others start: an instruction of its own image. */
static void secondary_ep_register(struct sp *sp, unsigned e, uint64_t r[FFA_NREGS])
{
	uint64_t entry = r[1];
	if (sp->m.exec_ctx == 1) {
		ffa_set_error(r, FFA_NOT_SUPPORTED);
		return;
	}
	if (e != 0 || __atomic_load_n(&sp->ec[0].state, __ATOMIC_ACQUIRE) != SP_BOOTING) {
		ffa_set_error(r, FFA_DENIED);
		return;
	}
	if (entry % 4 || entry < sp->base + sizeof(struct sp_manifest) ||
	    entry >= sp->base + sp->m.image_size) {
		ffa_set_error(r, FFA_INVALID_PARAMETERS);
		return;
	}
	sp->secondary_entry = entry;
	ffa_set_success(r, 0, 0);
}

unsigned spmc_ec(const struct spmc *s, unsigned i, unsigned cpu)
{
	return s->sp[i].m.exec_ctx == 1 || cpu >= SPMC_MAX_ECS ? 0 : cpu;
}

bool spmc_ec_boot(struct spmc *s, unsigned i, unsigned cpu)
{
	if (i >= s->nr_sps || s->sp[i].m.exec_ctx == 1 || cpu == 0 || cpu >= SPMC_MAX_ECS)
		return false; /* the boot CPU's context boots with the machine */
	struct sp *sp = &s->sp[i];
	/* A context that waited (the CPU was turned off and on again) starts afresh; a
	 * partition aborted stays so. */
	struct sp_ec *ec = &sp->ec[cpu];
	int expect = SP_WAITING;
	if (!__atomic_compare_exchange_n(&ec->state, &expect, SP_BOOTING, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return expect == SP_BOOTING;
	return true;
}

/* FFA_VERSION: ours, to a caller of major version 1 (bit 31 must be clear). */
static void version(uint64_t r[FFA_NREGS])
{
	uint32_t in = (uint32_t)r[1];
	for (int i = 0; i < FFA_NREGS; i++)
		r[i] = 0;
	r[0] = ((in & 0x80000000U) || (in >> 16) != 1) ? FFA_NOT_SUPPORTED : FFA_VERSION_OURS;
}

/* FFA_FEATURES, the same from either side: what the SPMC itself implements. */
static void features(uint64_t r[FFA_NREGS], bool from_sp)
{
	uint32_t fid = (uint32_t)r[1];
	bool yes;
	if (spmc_notif_features(r, from_sp))
		return;
	switch (fid) {
	case FFA_VERSION:
	case FFA_FEATURES:
	case FFA_ID_GET:
	case FFA_SPM_ID_GET:
		yes = true;
		break;
	case FFA_MSG_SEND_DIRECT_REQ:
	case FFA_MSG_SEND_DIRECT_REQ | FFA_SMC64:
	case FFA_MSG_SEND_DIRECT_REQ2:
		yes = true; /* a partition's go to other partitions */
		break;
	case FFA_PARTITION_INFO_GET_REGS:
		yes = !from_sp;
		break;
	case FFA_MSG_WAIT:
	case FFA_MSG_SEND_DIRECT_RESP:
	case FFA_MSG_SEND_DIRECT_RESP | FFA_SMC64:
	case FFA_MSG_SEND_DIRECT_RESP2:
	case FFA_SECONDARY_EP_REGISTER:
		yes = from_sp;
		break;
	default:
		yes = false;
	}
	if (yes)
		ffa_set_success(r, 0, 0);
	else
		ffa_set_error(r, FFA_NOT_SUPPORTED);
}

/* FFA_PARTITION_INFO_GET_REGS: x1/x2 the UUID filter, x3 [15:0] the first index wanted,
 * [31:16] a tag (0: Triad's list never changes under the caller). */
static void partition_info_regs(struct spmc *s, uint64_t r[FFA_NREGS])
{
	uint32_t want[4] = {(uint32_t)r[1], (uint32_t)(r[1] >> 32), (uint32_t)r[2],
			    (uint32_t)(r[2] >> 32)};
	unsigned start = r[3] & 0xffff;
	if ((r[3] >> 16) != 0) {
		ffa_set_error(r, FFA_INVALID_PARAMETERS);
		return;
	}
	const struct sp *match[SPMC_MAX_SPS];
	unsigned n = 0;
	for (unsigned i = 0; i < s->nr_sps; i++)
		if (ffa_uuid_matches(want, s->sp[i].m.uuid))
			match[n++] = &s->sp[i];
	if (n == 0 || start >= n) {
		ffa_set_error(r, FFA_INVALID_PARAMETERS);
		return;
	}
	unsigned last =
	    start + FFA_PART_INFO_REGS_MAX - 1 < n - 1 ? start + FFA_PART_INFO_REGS_MAX - 1 : n - 1;
	for (int i = 0; i < FFA_NREGS; i++)
		r[i] = 0;
	r[0] = FFA_SUCCESS64;
	r[2] = (uint64_t)(n - 1) | (uint64_t)last << 16 | (uint64_t)FFA_PART_INFO_SIZE << 48;
	for (unsigned k = start, reg = 3; k <= last; k++, reg += 3) {
		const struct sp_manifest *m = &match[k]->m;
		r[reg] = m->id | (uint64_t)m->exec_ctx << 16 | (uint64_t)m->props << 32;
		r[reg + 1] = m->uuid[0] | (uint64_t)m->uuid[1] << 32;
		r[reg + 2] = m->uuid[2] | (uint64_t)m->uuid[3] << 32;
	}
}

/* A direct request: to a partition that takes this kind, while its context for this CPU
 * waits for one; from a normal-world endpoint (from = NULL), or from the partition context
 * *from, which may send this kind, to another partition. True if that context is now
 * RUNNING with it (*to); else r is the error for the sender. */
static bool direct_req(struct spmc *s, unsigned cpu, uint64_t r[FFA_NREGS], struct spmc_target *to,
		       const struct spmc_target *from)
{
	uint32_t fid = (uint32_t)r[0];
	uint16_t sender = (uint16_t)(r[1] >> 16), receiver = (uint16_t)r[1];
	unsigned i = 0;
	struct sp *sp = find_sp(s, receiver, &i);
	bool sender_ok = !FFA_ID_IS_SECURE(sender);
	if (from) {
		const struct sp *caller = &s->sp[from->sp];
		uint32_t may = fid == FFA_MSG_SEND_DIRECT_REQ2 ? FFA_PROP_DIRECT_REQ2_SEND
							       : FFA_PROP_DIRECT_REQ_SEND;
		if (!(caller->m.props & may)) {
			ffa_set_error(r, FFA_DENIED);
			return false;
		}
		sender_ok = sender == caller->m.id && receiver != caller->m.id;
	}
	if (!sender_ok || !sp || (r[1] >> 32) != 0) {
		ffa_set_error(r, FFA_INVALID_PARAMETERS);
		return false;
	}
	uint32_t need =
	    fid == FFA_MSG_SEND_DIRECT_REQ2 ? FFA_PROP_DIRECT_REQ2_RECV : FFA_PROP_DIRECT_REQ_RECV;
	if (!(sp->m.props & need)) {
		ffa_set_error(r, FFA_DENIED);
		return false;
	}
	if (fid == FFA_MSG_SEND_DIRECT_REQ2) {
		/* x2:x3 name the protocol: the partition's UUID (or nil: its only one). */
		uint64_t lo = sp->m.uuid[0] | (uint64_t)sp->m.uuid[1] << 32;
		uint64_t hi = sp->m.uuid[2] | (uint64_t)sp->m.uuid[3] << 32;
		if ((r[2] || r[3]) && (r[2] != lo || r[3] != hi)) {
			ffa_set_error(r, FFA_INVALID_PARAMETERS);
			return false;
		}
	} else if (r[2] != 0) {
		/* Framework messages (bit 31) are the SPMC's business, not an endpoint's. */
		ffa_set_error(r, FFA_INVALID_PARAMETERS);
		return false;
	}
	unsigned e = spmc_ec(s, i, cpu);
	struct sp_ec *ec = &sp->ec[e];
	int expect = SP_WAITING;
	if (!__atomic_compare_exchange_n(&ec->state, &expect, SP_RUNNING, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED)) {
		ffa_set_error(r, expect == SP_ABORTED ? FFA_ABORTED : FFA_BUSY);
		return false;
	}
	ec->req_fid = fid;
	ec->requester = sender;
	ec->caller_sp = from ? from->sp + 1 : 0;
	ec->caller_ec = from ? from->ec : 0;
	if (fid != FFA_MSG_SEND_DIRECT_REQ2)
		for (int k = 8; k < FFA_NREGS; k++)
			r[k] = 0; /* a v1.1 request carries x0-x7 only */
	to->sp = i;
	to->ec = e;
	return true;
}

enum spmc_ns_action spmc_ns_call(struct spmc *s, unsigned cpu, uint64_t r[FFA_NREGS],
				 struct spmc_target *to)
{
	uint32_t fid = (uint32_t)r[0];
	ffa_smc32_args(r);
	switch (fid) {
	case FFA_VERSION:
		version(r);
		return SPMC_REPLY;
	case FFA_FEATURES:
		features(r, false);
		return SPMC_REPLY;
	case FFA_ID_GET:
		ffa_set_success(r, FFA_HYPERVISOR_ID, 0);
		return SPMC_REPLY;
	case FFA_SPM_ID_GET:
		ffa_set_success(r, FFA_SPMC_ID, 0);
		return SPMC_REPLY;
	case FFA_PARTITION_INFO_GET_REGS:
		partition_info_regs(s, r);
		return SPMC_REPLY;
	case FFA_MSG_SEND_DIRECT_REQ:
	case FFA_MSG_SEND_DIRECT_REQ | FFA_SMC64:
	case FFA_MSG_SEND_DIRECT_REQ2:
		return direct_req(s, cpu, r, to, 0) ? SPMC_RUN_SP : SPMC_REPLY;
	default:
		if (!spmc_notif_ns_call(s, r))
			ffa_set_error(r, FFA_NOT_SUPPORTED);
		return SPMC_REPLY;
	}
}

/* Whether context ec serves another partition's request: then *to is that context. */
static bool to_caller(const struct sp_ec *ec, struct spmc_target *to)
{
	if (!ec->caller_sp)
		return false;
	to->sp = ec->caller_sp - 1;
	to->ec = ec->caller_ec;
	return true;
}

/* The partition's answer to its request: the matching DIRECT_RESP, from itself, to the
 * endpoint that asked. */
static enum spmc_sp_action direct_resp(struct sp *sp, struct sp_ec *ec, uint64_t r[FFA_NREGS],
				       struct spmc_target *to)
{
	uint32_t fid = (uint32_t)r[0];
	uint16_t sender = (uint16_t)(r[1] >> 16), receiver = (uint16_t)r[1];
	int state = __atomic_load_n(&ec->state, __ATOMIC_ACQUIRE);
	if (state == SP_ABORTED) {
		/* Another of its contexts crashed meanwhile: this answer is not believed. */
		ffa_set_error(r, FFA_ABORTED);
		return to_caller(ec, to) ? SPMC_SP_REPLY_SP : SPMC_SP_REPLY;
	}
	if (state != SP_RUNNING) {
		ffa_set_error(r, FFA_DENIED);
		return SPMC_SP_RESUME;
	}
	if (fid != ffa_resp_for(ec->req_fid) || sender != sp->m.id || receiver != ec->requester ||
	    (r[1] >> 32) != 0 ||
	    (fid == FFA_MSG_SEND_DIRECT_RESP2 ? (r[2] | r[3]) != 0 : r[2] != 0)) {
		ffa_set_error(r, FFA_INVALID_PARAMETERS);
		return SPMC_SP_RESUME;
	}
	if (fid != FFA_MSG_SEND_DIRECT_RESP2)
		for (int k = 8; k < FFA_NREGS; k++)
			r[k] = 0;
	return to_caller(ec, to) ? SPMC_SP_REPLY_SP : SPMC_SP_REPLY;
}

enum spmc_sp_action spmc_sp_call(struct spmc *s, unsigned i, unsigned e, unsigned cpu,
				 uint64_t r[FFA_NREGS], struct spmc_target *to)
{
	struct sp *sp = &s->sp[i];
	struct sp_ec *ec = &sp->ec[e];
	uint32_t fid = (uint32_t)r[0];
	if (!FFA_FID_IS(fid) || (r[0] >> 32)) {
		r[0] = FFA_NOT_SUPPORTED; /* SMCCC's unknown function: no other service here */
		return SPMC_SP_RESUME;
	}
	ffa_smc32_args(r);
	switch (fid) {
	case FFA_VERSION:
		version(r);
		return SPMC_SP_RESUME;
	case FFA_FEATURES:
		features(r, true);
		return SPMC_SP_RESUME;
	case FFA_ID_GET:
		ffa_set_success(r, sp->m.id, 0);
		return SPMC_SP_RESUME;
	case FFA_SPM_ID_GET:
		ffa_set_success(r, FFA_SPMC_ID, 0);
		return SPMC_SP_RESUME;
	case FFA_MSG_WAIT:
		/* Only the end of its boot: a request must be answered with its response. */
		if (__atomic_load_n(&ec->state, __ATOMIC_ACQUIRE) != SP_BOOTING) {
			ffa_set_error(r, FFA_DENIED);
			return SPMC_SP_RESUME;
		}
		return SPMC_SP_BOOTED;
	case FFA_MSG_SEND_DIRECT_RESP:
	case FFA_MSG_SEND_DIRECT_RESP | FFA_SMC64:
	case FFA_MSG_SEND_DIRECT_RESP2:
		return direct_resp(sp, ec, r, to);
	case FFA_MSG_SEND_DIRECT_REQ:
	case FFA_MSG_SEND_DIRECT_REQ | FFA_SMC64:
	case FFA_MSG_SEND_DIRECT_REQ2: {
		/* To another partition, while it serves a request of its own: it waits for the
		 * answer (and cannot be asked anything meanwhile, so no cycle forms). */
		if (__atomic_load_n(&ec->state, __ATOMIC_ACQUIRE) != SP_RUNNING) {
			ffa_set_error(r, FFA_DENIED);
			return SPMC_SP_RESUME;
		}
		struct spmc_target me = {i, e};
		return direct_req(s, cpu, r, to, &me) ? SPMC_SP_CALL_SP : SPMC_SP_RESUME;
	}
	case FFA_SECONDARY_EP_REGISTER:
		secondary_ep_register(sp, e, r);
		return SPMC_SP_RESUME;
	default:
		if (!spmc_notif_sp_call(s, i, e, cpu, r))
			ffa_set_error(r, FFA_NOT_SUPPORTED);
		return SPMC_SP_RESUME;
	}
}

void spmc_sp_idle(struct spmc *s, unsigned i, unsigned e)
{
	/* Not over an ABORTED: a crash elsewhere stays the partition's end (the only change
	 * another CPU can make meanwhile, so one attempt is enough). */
	int *state = &s->sp[i].ec[e].state;
	int expect = __atomic_load_n(state, __ATOMIC_RELAXED);
	if (expect != SP_ABORTED)
		__atomic_compare_exchange_n(state, &expect, SP_WAITING, false, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED);
}

enum spmc_abort spmc_sp_abort(struct spmc *s, unsigned i, unsigned e, uint64_t r[FFA_NREGS],
			      struct spmc_target *to)
{
	struct sp *sp = &s->sp[i];
	struct sp_ec *ec = &sp->ec[e];
	bool serving = __atomic_load_n(&ec->state, __ATOMIC_ACQUIRE) == SP_RUNNING;
	for (unsigned k = 0; k < SPMC_MAX_ECS; k++)
		__atomic_store_n(&sp->ec[k].state, SP_ABORTED, __ATOMIC_RELEASE);
	if (!serving)
		return SPMC_ABORT_IDLE;
	ffa_set_error(r, FFA_ABORTED);
	return to_caller(ec, to) ? SPMC_ABORT_REPLY_SP : SPMC_ABORT_REPLY_NS;
}

enum spmc_restart spmc_sp_restart(struct spmc *s, unsigned i, bool has_image)
{
	struct sp *sp = &s->sp[i];
	if (sp->m.exec_ctx != 1 || !has_image)
		return SPMC_STOPPED;
	if (sp->restarts >= SPMC_MAX_RESTARTS)
		return SPMC_GIVEN_UP;
	sp->restarts++;
	sp->secondary_entry = 0;
	spmc_notif_sp_restarted(s, i);
	/* Requests that come meanwhile are BUSY, until its FFA_MSG_WAIT makes it WAITING. */
	for (unsigned k = 0; k < SPMC_MAX_ECS; k++)
		__atomic_store_n(&sp->ec[k].state, SP_BOOTING, __ATOMIC_RELEASE);
	return SPMC_RESTARTED;
}
