/* The test partition's notification requests (notif_cmds.h): it binds, sets and gets as
 * the VM asks, and checks what the SPMC refuses it. */
#include <stdbool.h>
#include <stdint.h>
#include <triad/ffa.h>
#include <triad/smccc.h>

#include "notif_cmds.h"
#include "sp_notif.h"

static void notif_call(uint64_t r[FFA_NREGS], uint64_t fid, uint64_t w1, uint64_t w2, uint64_t bits)
{
	for (int i = 0; i < FFA_NREGS; i++)
		r[i] = 0;
	r[0] = fid;
	r[1] = w1;
	r[2] = w2;
	r[3] = (uint32_t)bits;
	r[4] = bits >> 32;
	smc_call_regs18(r);
}

static bool refused(uint64_t fid, uint64_t w1, uint64_t w2, uint64_t bits, uint32_t code)
{
	uint64_t r[FFA_NREGS];
	notif_call(r, fid, w1, w2, bits);
	return (uint32_t)r[0] == FFA_ERROR && (uint32_t)r[2] == code;
}

/* The SPMC's refusals to the partition itself. */
static uint64_t refusals(uint16_t me, unsigned ctx)
{
	uint64_t bits = 0, other = me == 0x8001 ? 0x8002 : 0x8001;
	/* Setting as another partition. */
	if (refused(FFA_NOTIFICATION_SET, other << 16 | 1, 0, 1, FFA_INVALID_PARAMETERS))
		bits |= 1 << 0;
	/* Binding another partition's bits. */
	if (refused(FFA_NOTIFICATION_BIND, 1UL << 16 | other, 0, 1, FFA_INVALID_PARAMETERS))
		bits |= 1 << 1;
	/* Getting another context's bits, or another partition's. */
	if (refused(FFA_NOTIFICATION_GET, (uint64_t)(ctx + 1) << 16 | me, 1, 0,
		    FFA_INVALID_PARAMETERS) &&
	    refused(FFA_NOTIFICATION_GET, (uint64_t)ctx << 16 | other, 1, 0,
		    FFA_INVALID_PARAMETERS))
		bits |= 1 << 2;
	/* The normal world's calls. */
	if (refused(FFA_NOTIFICATION_INFO_GET | FFA_SMC64, 0, 0, 0, FFA_NOT_SUPPORTED) &&
	    refused(FFA_NOTIFICATION_BITMAP_CREATE, 1, 1, 0, FFA_NOT_SUPPORTED))
		bits |= 1 << 3;
	/* Setting bits of a VM with no bitmap (ID 0x7ff0: no such VM). */
	if (refused(FFA_NOTIFICATION_SET, (uint64_t)me << 16 | 0x7ff0, 0, 1,
		    FFA_INVALID_PARAMETERS))
		bits |= 1 << 4;
	/* Binding a VM's bits with no bits, or with unknown flags. */
	if (refused(FFA_NOTIFICATION_BIND, 1UL << 16 | me, 0, 0, FFA_INVALID_PARAMETERS) &&
	    refused(FFA_NOTIFICATION_BIND, 1UL << 16 | me, 4, 1, FFA_INVALID_PARAMETERS))
		bits |= 1 << 5;
	return bits;
}

bool sp_notif_serve(uint16_t me, unsigned ctx, uint64_t r[FFA_NREGS])
{
	uint64_t q[FFA_NREGS];
	switch ((uint32_t)r[3]) {
	case NOTIF_BIND:
	case NOTIF_UNBIND:
		notif_call(q,
			   (uint32_t)r[3] == NOTIF_BIND ? FFA_NOTIFICATION_BIND
							: FFA_NOTIFICATION_UNBIND,
			   (uint64_t)(uint16_t)r[4] << 16 | me,
			   (uint32_t)r[3] == NOTIF_BIND ? r[6] : 0, r[5]);
		break;
	case NOTIF_SET:
		notif_call(q, FFA_NOTIFICATION_SET, (uint64_t)me << 16 | (uint16_t)r[4], r[6],
			   r[5]);
		break;
	case NOTIF_GET:
		notif_call(q, FFA_NOTIFICATION_GET, (uint64_t)ctx << 16 | me, r[4], 0);
		r[4] = q[0];
		r[7] = (uint32_t)q[0] == FFA_ERROR ? q[2] : 0;
		r[5] = (uint32_t)q[0] == FFA_ERROR ? 0 : ((uint32_t)q[2] | q[3] << 32);
		r[6] = (uint32_t)q[0] == FFA_ERROR ? 0 : ((uint32_t)q[4] | q[5] << 32);
		return true;
	case NOTIF_REFUSED:
		r[4] = refusals(me, ctx);
		return true;
	default:
		return false;
	}
	r[4] = q[0];
	r[5] = q[2];
	return true;
}
