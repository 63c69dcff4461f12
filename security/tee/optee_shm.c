/* Guest messages to OP-TEE, checked and translated into shadows (see optee_shm.h). */
#include "optee_shm.h"

#include <string.h>

#define PAGE_MASK (OPTEE_MSG_PAGE_SIZE - 1)

void tee_shadows_free(const struct tee_mem *m, struct tee_shadows *s)
{
	for (unsigned i = 0; i < s->n; i++)
		m->free_page(m->ctx, s->page[i]);
	s->n = 0;
}

static uint64_t shadow_page(const struct tee_mem *m, struct tee_shadows *s)
{
	if (s->n == TEE_SHADOW_PAGES)
		return 0;
	uint64_t pa = m->alloc_page(m->ctx);
	if (pa)
		s->page[s->n++] = pa;
	return pa;
}

/*
 * A guest page list -> the same list in PAs. buf_ptr's low 12 bits are the buffer's offset
 * in its first page; the list names ceil((offset + size) / 4 KiB) pages. The walk stops after
 * that many entries, so a list that loops back on itself only repeats the guest's own pages.
 */
static uint32_t translate_list(const struct tee_mem *m, struct optee_msg_param *p,
			       struct tee_shadows *s)
{
	uint64_t offset = p->u.tmem.buf_ptr & PAGE_MASK;
	uint64_t size = p->u.tmem.size;
	if (size == 0 || size > (uint64_t)TEE_SHADOW_PAGES * OPTEE_MSG_LIST_ENTRIES * 4096)
		return TEEC_ERROR_BAD_PARAMETERS;
	uint64_t pages = (offset + size + PAGE_MASK) / OPTEE_MSG_PAGE_SIZE;
	uint64_t list_ipa = p->u.tmem.buf_ptr & ~(uint64_t)PAGE_MASK;
	uint64_t first = 0, *prev_next = NULL;
	while (pages) {
		uint64_t list_pa = m->guest_pa(m->ctx, list_ipa, OPTEE_MSG_PAGE_SIZE);
		if (!list_pa)
			return TEEC_ERROR_BAD_PARAMETERS;
		const uint64_t *in = m->ptr(m->ctx, list_pa);
		uint64_t out_pa = shadow_page(m, s);
		if (!out_pa)
			return TEEC_ERROR_OUT_OF_MEMORY;
		uint64_t *out = m->ptr(m->ctx, out_pa);
		if (prev_next)
			*prev_next = out_pa;
		else
			first = out_pa;
		unsigned n =
		    pages < OPTEE_MSG_LIST_ENTRIES ? (unsigned)pages : OPTEE_MSG_LIST_ENTRIES;
		for (unsigned i = 0; i < n; i++) {
			uint64_t ipa = __atomic_load_n(&in[i], __ATOMIC_RELAXED);
			uint64_t pa = ipa & PAGE_MASK ? 0 : m->guest_pa(m->ctx, ipa, 4096);
			if (!pa)
				return TEEC_ERROR_BAD_PARAMETERS;
			out[i] = pa;
		}
		pages -= n;
		list_ipa = __atomic_load_n(&in[OPTEE_MSG_LIST_ENTRIES], __ATOMIC_RELAXED);
		prev_next = &out[OPTEE_MSG_LIST_ENTRIES];
		if (pages && (list_ipa & PAGE_MASK))
			return TEEC_ERROR_BAD_PARAMETERS;
	}
	p->u.tmem.buf_ptr = first | offset;
	return 0;
}

uint32_t tee_param_translate(const struct tee_mem *m, struct optee_msg_param *p,
			     struct tee_shadows *s)
{
	uint64_t type = p->attr & OPTEE_MSG_ATTR_TYPE_MASK;
	if (type < OPTEE_MSG_ATTR_TMEM_FIRST || type > OPTEE_MSG_ATTR_TMEM_LAST)
		return 0;
	if (p->u.tmem.buf_ptr == 0 && !(p->attr & OPTEE_MSG_ATTR_NONCONTIG))
		return 0; /* a null reference: no memory at all */
	if (p->attr & OPTEE_MSG_ATTR_NONCONTIG)
		return translate_list(m, p, s);
	uint64_t pa = m->guest_pa(m->ctx, p->u.tmem.buf_ptr, p->u.tmem.size ? p->u.tmem.size : 1);
	if (!pa)
		return TEEC_ERROR_BAD_PARAMETERS;
	p->u.tmem.buf_ptr = pa;
	return 0;
}

static bool valid_type(uint64_t attr)
{
	uint64_t t = attr & OPTEE_MSG_ATTR_TYPE_MASK;
	return t == OPTEE_MSG_ATTR_TYPE_NONE ||
	       (t >= OPTEE_MSG_ATTR_VALUE_FIRST && t <= OPTEE_MSG_ATTR_VALUE_LAST) ||
	       (t >= OPTEE_MSG_ATTR_RMEM_FIRST && t <= OPTEE_MSG_ATTR_RMEM_LAST) ||
	       (t >= OPTEE_MSG_ATTR_TMEM_FIRST && t <= OPTEE_MSG_ATTR_TMEM_LAST);
}

uint32_t tee_msg_import(const struct tee_mem *m, uint64_t ipa, struct optee_msg_arg *shadow,
			struct tee_shadows *s)
{
	uint64_t head_pa = ipa % 8 ? 0 : m->guest_pa(m->ctx, ipa, sizeof(*shadow));
	if (!head_pa)
		return OPTEE_SMC_RETURN_EBADADDR;
	/* One read of the parameter count: the guest may change it while we copy. */
	uint32_t n = __atomic_load_n(&((struct optee_msg_arg *)m->ptr(m->ctx, head_pa))->num_params,
				     __ATOMIC_RELAXED);
	uint64_t pa =
	    n > OPTEE_MSG_MAX_PARAMS ? 0 : m->guest_pa(m->ctx, ipa, OPTEE_MSG_ARG_SIZE(n));
	if (!pa)
		return OPTEE_SMC_RETURN_EBADADDR;
	memcpy(shadow, m->ptr(m->ctx, pa), OPTEE_MSG_ARG_SIZE(n));
	shadow->num_params = n;
	/* Sessions and shared memory only: the asynchronous-notification commands
	 * (DO_BOTTOM_HALF, STOP_ASYNC_NOTIF) belong to a capability guests are not offered. */
	if (shadow->cmd > OPTEE_MSG_CMD_UNREGISTER_SHM)
		return OPTEE_SMC_RETURN_EBADCMD;
	for (uint32_t i = 0; i < n; i++) {
		if (!valid_type(shadow->params[i].attr))
			return TEEC_ERROR_BAD_PARAMETERS;
		uint32_t err = tee_param_translate(m, &shadow->params[i], s);
		if (err)
			return err;
	}
	return 0;
}

static void export_params(struct optee_msg_param *to, const struct optee_msg_param *from,
			  uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint64_t t = from[i].attr & OPTEE_MSG_ATTR_TYPE_MASK;
		if (t >= OPTEE_MSG_ATTR_VALUE_FIRST && t <= OPTEE_MSG_ATTR_VALUE_LAST)
			to[i].u.value = from[i].u.value;
		else if (t >= OPTEE_MSG_ATTR_RMEM_FIRST && t <= OPTEE_MSG_ATTR_RMEM_LAST)
			to[i].u.rmem.size = from[i].u.rmem.size;
		else if (t >= OPTEE_MSG_ATTR_TMEM_FIRST && t <= OPTEE_MSG_ATTR_TMEM_LAST)
			to[i].u.tmem.size = from[i].u.tmem.size;
	}
}

void tee_msg_export(const struct tee_mem *m, uint64_t ipa, const struct optee_msg_arg *shadow)
{
	uint64_t pa = m->guest_pa(m->ctx, ipa, OPTEE_MSG_ARG_SIZE(shadow->num_params));
	if (!pa)
		return; /* checked at import; the guest's RAM does not move */
	struct optee_msg_arg *g = m->ptr(m->ctx, pa);
	g->ret = shadow->ret;
	g->ret_origin = shadow->ret_origin;
	g->session = shadow->session;
	export_params(g->params, shadow->params, shadow->num_params);
}

void tee_msg_fail(const struct tee_mem *m, uint64_t ipa, uint32_t teec_error)
{
	uint64_t pa = ipa % 8 ? 0 : m->guest_pa(m->ctx, ipa, sizeof(struct optee_msg_arg));
	if (!pa)
		return;
	struct optee_msg_arg *g = m->ptr(m->ctx, pa);
	g->ret = teec_error;
	g->ret_origin = TEEC_ORIGIN_COMMS;
}

/* How many of OP-TEE's parameters fit in an RPC buffer of size bytes. */
static uint32_t rpc_params(const struct optee_msg_arg *shadow, uint64_t size)
{
	if (size < sizeof(*shadow))
		return 0;
	uint64_t room = (size - sizeof(*shadow)) / sizeof(struct optee_msg_param);
	return shadow->num_params < room ? shadow->num_params : (uint32_t)room;
}

bool tee_rpc_export(const struct tee_mem *m, uint64_t ipa, uint64_t size,
		    const struct optee_msg_arg *shadow)
{
	uint32_t n = rpc_params(shadow, size);
	uint64_t len = size < sizeof(*shadow) ? size : OPTEE_MSG_ARG_SIZE(n);
	uint64_t pa = m->guest_pa(m->ctx, ipa, len);
	if (!pa)
		return false;
	memcpy(m->ptr(m->ctx, pa), shadow, len);
	return true;
}

bool tee_rpc_import(const struct tee_mem *m, uint64_t ipa, uint64_t size,
		    struct optee_msg_arg *shadow, struct tee_shadows *s)
{
	uint32_t n = rpc_params(shadow, size);
	if (size < sizeof(*shadow))
		return true; /* nothing of a message fits: nothing comes back */
	uint64_t pa = m->guest_pa(m->ctx, ipa, OPTEE_MSG_ARG_SIZE(n));
	if (!pa)
		return false;
	const struct optee_msg_arg *g = m->ptr(m->ctx, pa);
	struct optee_msg_param p[OPTEE_MSG_MAX_PARAMS];
	memcpy(p, g->params, n * sizeof(p[0]));
	shadow->ret = __atomic_load_n(&g->ret, __ATOMIC_RELAXED);
	shadow->ret_origin = __atomic_load_n(&g->ret_origin, __ATOMIC_RELAXED);
	/* Only SHM_ALLOC's answer brings memory (the guest's, as a temporary reference); in
	 * every other answer OP-TEE reads values and sizes only, so its own parameters stay
	 * and take just those from the guest (never an address of the guest's). */
	bool new_memory = shadow->cmd == OPTEE_RPC_CMD_SHM_ALLOC;
	for (uint32_t i = 0; i < n; i++) {
		struct optee_msg_param *o = &shadow->params[i];
		uint64_t t = o->attr & OPTEE_MSG_ATTR_TYPE_MASK;
		if (new_memory && i == 0) {
			uint64_t gt = p[0].attr & OPTEE_MSG_ATTR_TYPE_MASK;
			uint32_t err =
			    gt < OPTEE_MSG_ATTR_TMEM_FIRST || gt > OPTEE_MSG_ATTR_TMEM_LAST
				? TEEC_ERROR_BAD_PARAMETERS
				: tee_param_translate(m, &p[0], s);
			if (err) {
				/* OP-TEE sees a failed allocation, never a guest address. */
				memset(&p[0], 0, sizeof(p[0]));
				shadow->ret = err;
				shadow->ret_origin = TEEC_ORIGIN_COMMS;
			}
			*o = p[0];
		} else if (t >= OPTEE_MSG_ATTR_VALUE_FIRST && t <= OPTEE_MSG_ATTR_VALUE_LAST) {
			o->u.value = p[i].u.value;
		} else if (t != OPTEE_MSG_ATTR_TYPE_NONE) {
			o->u.tmem.size = p[i].u.tmem.size; /* rmem.size is the same field */
		}
	}
	return true;
}
