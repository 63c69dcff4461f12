/*
 * RSI, the realm's calls to the RMM (RMM 1.0, B5.3), answered while the REC is at Realm
 * EL2: VERSION, FEATURES, MEASUREMENT_READ, MEASUREMENT_EXTEND, REALM_CONFIG,
 * IPA_STATE_GET and ATTESTATION_TOKEN_INIT/CONTINUE without an exit to the host; IPA_STATE_SET and
 * HOST_CALL leave a request in the REC that makes rec_run.c exit to the host.
 */
#include <string.h>

#include "attest.h"
#include "realm.h"
#include "rec.h"

#define RSI_FID_FIRST	       0xc4000190U
#define RSI_FID_LAST	       0xc40001afU
#define RSI_VERSION	       0xc4000190U
#define RSI_FEATURES	       0xc4000191U
#define RSI_MEASUREMENT_READ   0xc4000192U
#define RSI_MEASUREMENT_EXTEND 0xc4000193U
#define RSI_ATTEST_TOKEN_INIT  0xc4000194U
#define RSI_ATTEST_TOKEN_CONT  0xc4000195U
#define RSI_REALM_CONFIG       0xc4000196U
#define RSI_IPA_STATE_SET      0xc4000197U
#define RSI_IPA_STATE_GET      0xc4000198U
#define RSI_HOST_CALL	       0xc4000199U
#define RSI_CHANGE_DESTROYED   1
#define HOST_CALL_ALIGN	       0x100
#define RSI_ABI_VERSION	       0x10000ULL
#define RSI_ERROR_INPUT	       1
#define RSI_ERROR_STATE	       2
#define RSI_INCOMPLETE	       3
#define RSI_ERROR_UNKNOWN      4
#define NR_MEASUREMENTS	       5 /* the RIM and four REMs */

/* RECs on several CPUs may read and extend their realm's measurements at once. */
static void meas_lock(struct rd *rd)
{
	while (__atomic_exchange_n(&rd->meas_lock, 1, __ATOMIC_ACQUIRE))
		;
}

static void meas_unlock(struct rd *rd)
{
	__atomic_store_n(&rd->meas_lock, 0, __ATOMIC_RELEASE);
}

static struct measurement *slot(struct rd *rd, uint64_t index)
{
	return index == 0 ? &rd->rim : &rd->rem[index - 1];
}

/* The realm's RAM page at ipa that an RSI call writes, locked (see realm_lock_ram_page).
 * NULL with *err: ERROR_INPUT if ipa is not a protected granule of RIPAS RAM; or, if it is
 * RAM (or DESTROYED) with no memory behind it yet, RSI_FAULT: the REC exits as for a
 * translation fault there, for the host to give it, and makes the call again (RMM 1.0,
 * as TF-RMM does for REALM_CONFIG, ATTESTATION_TOKEN_CONTINUE and HOST_CALL). */
#define RSI_FAULT (~0ULL)
static granule_t *rsi_ram_page(struct rec *rec, struct rd *rd, uint64_t ipa, uint64_t *pa,
			       uint64_t *err)
{
	granule_t *g = realm_lock_ram_page(rd, ipa, pa);
	if (g)
		return g;
	*err = RSI_ERROR_INPUT;
	if (ipa % GRANULE_SIZE || ipa >= (1ULL << (rd->s2sz - 1)))
		return 0;
	granule_t *g_rd = granule_lock((uint64_t)rd, GRANULE_RD);
	if (!g_rd)
		return 0;
	uint64_t size, ram_pa, ripas = rtt_ripas(rd, ipa, &size, &ram_pa);
	granule_unlock(g_rd, GRANULE_RD);
	if (ripas == RIPAS_EMPTY)
		return 0;
	unsigned level = 3;
	while (size > GRANULE_SIZE) {
		size >>= 9;
		level--;
	}
	rec->rsi_fault = true;
	rec->rsi_fault_level = (uint8_t)level;
	rec->rsi_fault_ipa = ipa;
	*err = RSI_FAULT;
	return 0;
}

/* RSI_REALM_CONFIG (B5.3.5): the IPA width, hash algorithm and RPV, into the realm's
 * RsiRealmConfig granule. */
static uint64_t realm_config(struct rec *rec, struct rd *rd, uint64_t ipa)
{
	uint64_t pa, err;
	granule_t *g = rsi_ram_page(rec, rd, ipa, &pa, &err);
	if (!g)
		return err;
	*(volatile uint64_t *)pa = rd->s2sz;
	*(volatile uint8_t *)(pa + 8) = rd->rim.algo;
	memcpy((void *)(pa + 0x200), rd->rpv, sizeof(rd->rpv));
	clean_to_poc(pa, 0x240); /* the realm may read it with its MMU (so its caches) off */
	granule_unlock(g, GRANULE_RD);
	return RSI_SUCCESS;
}

/* RSI_IPA_STATE_GET (B5.3.7): the RIPAS at base, and how far from base it stays the same
 * (up to top). */
static uint64_t ipa_state_get(struct rd *rd, uint64_t base, uint64_t top, uint64_t *out_top,
			      uint64_t *out_ripas)
{
	if (base % GRANULE_SIZE || top % GRANULE_SIZE || base >= top ||
	    top > (1ULL << (rd->s2sz - 1)))
		return RSI_ERROR_INPUT;
	granule_t *g = granule_lock((uint64_t)rd, GRANULE_RD);
	if (!g)
		return RSI_ERROR_INPUT;
	uint64_t size, pa, ipa = base;
	uint64_t ripas = rtt_ripas(rd, base, &size, &pa), next = ripas;
	while (next == ripas && ipa < top) {
		ipa = (ipa | (size - 1)) + 1; /* the end of this entry */
		if (ipa < top)
			next = rtt_ripas(rd, ipa, &size, &pa);
	}
	granule_unlock(g, GRANULE_RD);
	*out_top = ipa < top ? ipa : top;
	*out_ripas = ripas;
	return RSI_SUCCESS;
}

/* RSI_IPA_STATE_SET (B5.3.6): the realm asks for [base, top) to become RAM or EMPTY. The
 * host does it (RMI_RTT_SET_RIPAS) after the REC's exit, as far as it will; the realm
 * learns how far at its next entry (rec_run.c). */
static uint64_t ipa_state_set(struct rec *rec, struct rd *rd, const uint64_t *x)
{
	uint64_t base = x[1], top = x[2], ripas = x[3], flags = x[4];
	if (base % GRANULE_SIZE || top % GRANULE_SIZE || base >= top ||
	    top > (1ULL << (rd->s2sz - 1)) || (ripas != RIPAS_EMPTY && ripas != RIPAS_RAM) ||
	    flags > RSI_CHANGE_DESTROYED)
		return RSI_ERROR_INPUT;
	rec->request = REQ_RIPAS;
	rec->ripas_base = rec->ripas_addr = base;
	rec->ripas_top = top;
	rec->ripas_value = (uint8_t)ripas;
	rec->ripas_destroyed_too = flags == RSI_CHANGE_DESTROYED;
	return RSI_SUCCESS;
}

/* RSI_HOST_CALL (B5.3.3): a call to the host with the registers in the realm's RsiHostCall
 * (256-byte aligned, in its RAM); rec_run.c copies them out at the exit and back in. */
static uint64_t host_call(struct rec *rec, struct rd *rd, uint64_t ipa)
{
	uint64_t pa, err;
	if (ipa % HOST_CALL_ALIGN)
		return RSI_ERROR_INPUT;
	granule_t *g = rsi_ram_page(rec, rd, ipa & ~(GRANULE_SIZE - 1), &pa, &err);
	if (!g)
		return err;
	granule_unlock(g, GRANULE_RD);
	rec->request = REQ_HOST_CALL;
	rec->host_call_ipa = ipa;
	return RSI_SUCCESS;
}

/* RSI_ATTESTATION_TOKEN_INIT (B5.3.1): a new challenge; the token is built at the first
 * CONTINUE. The answer is the most a token can take. */
static uint64_t attest_init(struct rec *rec, const uint64_t *x, uint64_t *max_size)
{
	struct rec_aux *aux = (struct rec_aux *)rec->aux;
	memcpy(aux->challenge, &x[1], ATTEST_CHALLENGE_SIZE); /* x1-x8, in the REC */
	aux->attest = ATTEST_CHALLENGED;
	aux->len = aux->pos = 0;
	*max_size = sizeof(aux->token);
	return RSI_SUCCESS;
}

/* RSI_ATTESTATION_TOKEN_CONTINUE (B5.3.2): the next part of the token, up to size bytes at
 * offset in the realm's granule at ipa; INCOMPLETE until the last part. */
static uint64_t attest_continue(struct rec *rec, struct rd *rd, uint64_t ipa, uint64_t offset,
				uint64_t size, uint64_t *len)
{
	struct rec_aux *aux = (struct rec_aux *)rec->aux;
	*len = 0;
	if (aux->attest == ATTEST_IDLE)
		return RSI_ERROR_STATE;
	if (ipa % GRANULE_SIZE || offset >= GRANULE_SIZE || !size || size > GRANULE_SIZE - offset)
		return RSI_ERROR_INPUT;
	uint64_t pa, err;
	granule_t *g = rsi_ram_page(rec, rd, ipa, &pa, &err);
	if (!g)
		return err;
	if (aux->attest == ATTEST_CHALLENGED) {
		meas_lock(rd); /* the REMs as they are now, not half extended */
		aux->len =
		    (uint32_t)attest_token(rd, aux->challenge, aux->token, sizeof(aux->token));
		meas_unlock(rd);
		aux->pos = 0;
		aux->attest = ATTEST_READING;
		uint64_t challenge0;
		memcpy(&challenge0, aux->challenge, sizeof(challenge0));
		if (!aux->len) {
			aux->attest = ATTEST_IDLE;
			granule_unlock(g, GRANULE_RD);
			rmm_audit(rd, RMM_AUDIT_ATTEST_FAILED, 0, challenge0);
			return RSI_ERROR_UNKNOWN; /* no attestation key */
		}
		rmm_audit(rd, RMM_AUDIT_ATTESTED, aux->len, challenge0);
	}
	uint64_t n = aux->len - aux->pos < size ? aux->len - aux->pos : size;
	memcpy((void *)(pa + offset), aux->token + aux->pos, n);
	clean_to_poc(pa + offset, n); /* the realm may read it with its caches off */
	granule_unlock(g, GRANULE_RD);
	aux->pos += (uint32_t)n;
	*len = n;
	if (aux->pos < aux->len)
		return RSI_INCOMPLETE;
	aux->attest = ATTEST_IDLE;
	return RSI_SUCCESS;
}

bool rsi_handle(struct rec *rec, struct rd *rd)
{
	uint64_t *x = rec->gprs;
	uint32_t fid = (uint32_t)x[0];
	if (fid < RSI_FID_FIRST || fid > RSI_FID_LAST)
		return false;
	switch (fid) {
	case RSI_VERSION:
		x[0] = x[1] == RSI_ABI_VERSION ? RSI_SUCCESS : RSI_ERROR_INPUT;
		x[1] = x[2] = RSI_ABI_VERSION;
		break;
	case RSI_FEATURES:
		x[0] = RSI_SUCCESS;
		x[1] = 0;
		break;
	case RSI_MEASUREMENT_READ: {
		uint64_t index = x[1];
		if (index >= NR_MEASUREMENTS) {
			x[0] = RSI_ERROR_INPUT;
			break;
		}
		uint64_t v[8];
		meas_lock(rd);
		memcpy(v, slot(rd, index)->value, sizeof(v));
		meas_unlock(rd);
		x[0] = RSI_SUCCESS;
		for (int i = 0; i < 8; i++)
			x[1 + i] = v[i];
		break;
	}
	case RSI_MEASUREMENT_EXTEND: {
		uint64_t index = x[1], size = x[2];
		if (index == 0 || index >= NR_MEASUREMENTS || size > MEASURE_MAX) {
			x[0] = RSI_ERROR_INPUT; /* the RIM is read-only to the realm */
			break;
		}
		uint64_t v[8];
		for (int i = 0; i < 8; i++)
			v[i] = x[3 + i];
		meas_lock(rd);
		rem_extend(slot(rd, index), v, size);
		meas_unlock(rd);
		x[0] = RSI_SUCCESS;
		break;
	}
	case RSI_REALM_CONFIG:
		x[0] = realm_config(rec, rd, x[1]);
		break;
	case RSI_IPA_STATE_GET:
		x[0] = ipa_state_get(rd, x[1], x[2], &x[1], &x[2]);
		break;
	case RSI_IPA_STATE_SET:
		x[0] = ipa_state_set(rec, rd, x);
		break;
	case RSI_ATTEST_TOKEN_INIT:
		x[0] = attest_init(rec, x, &x[1]);
		break;
	case RSI_ATTEST_TOKEN_CONT: {
		uint64_t len, r = attest_continue(rec, rd, x[1], x[2], x[3], &len);
		x[0] = r;
		if (!rec->rsi_fault)
			x[1] = len;
		break;
	}
	case RSI_HOST_CALL:
		x[0] = host_call(rec, rd, x[1]);
		break;
	default:
		x[0] = SMC_NOT_SUPPORTED;
		break;
	}
	if (rec->rsi_fault) {
		/* No answer yet: its registers as they were, the SMC made again later. */
		x[0] = fid;
		return true;
	}
	rec->pc += 4; /* SMCs trapped by HCR_EL2.TSC return to the SMC itself */
	return true;
}
