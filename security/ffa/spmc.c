/*
 * Triad's FF-A partition manager at Secure EL2 (the SPMC), first part: it answers
 * FFA_VERSION itself (FF-A 1.1); every other FF-A call gets FFA_ERROR(NOT_SUPPORTED) until
 * partitions and messaging exist. OP-TEE, hosted beside it, speaks its own SMC protocol.
 */
#include <triad/ffa.h>

bool spmc_handle(uint64_t r[8])
{
	uint32_t fid = (uint32_t)r[0];
	if (!FFA_FID_IS(fid))
		return false;
	uint64_t in1 = r[1];
	for (int i = 0; i < 8; i++)
		r[i] = 0;
	if (fid == FFA_VERSION) {
		/* The caller's version must have bit 31 clear (FF-A 1.1, 13.2). */
		r[0] = (in1 & (1ULL << 31)) ? FFA_NOT_SUPPORTED : FFA_VERSION_1_1;
		return true;
	}
	r[0] = FFA_ERROR;
	r[2] = FFA_NOT_SUPPORTED;
	return true;
}
