/*
 * RSI, the realm's calls to the RMM (RMM 1.0, B5.3), answered while the REC is at Realm
 * EL2 without an exit to the host: VERSION, FEATURES, MEASUREMENT_READ and
 * MEASUREMENT_EXTEND. The rest of the RSI range answers NOT_SUPPORTED for now.
 */
#include <string.h>

#include "realm.h"
#include "rec.h"

#define RSI_FID_FIRST	       0xc4000190U
#define RSI_FID_LAST	       0xc40001afU
#define RSI_VERSION	       0xc4000190U
#define RSI_FEATURES	       0xc4000191U
#define RSI_MEASUREMENT_READ   0xc4000192U
#define RSI_MEASUREMENT_EXTEND 0xc4000193U
#define RSI_ABI_VERSION	       0x10000ULL
#define RSI_SUCCESS	       0
#define RSI_ERROR_INPUT	       1
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
	default:
		x[0] = SMC_NOT_SUPPORTED;
		break;
	}
	rec->pc += 4; /* SMCs trapped by HCR_EL2.TSC return to the SMC itself */
	return true;
}
