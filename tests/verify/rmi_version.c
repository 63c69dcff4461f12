// eva: -eva-precision 1 -eva-slevel-function main:50
/* RMI_VERSION (RMM 1.0, B4.3.21) through the RMI dispatch (rmi_handle), for every requested
 * version: this RMM implements exactly 1.0, so the call succeeds exactly when 1.0 is asked
 * for, and whatever was asked it reports 1.0 as both the lowest and the highest revision
 * it supports, x3 and x4 zero. The image's build: failures not logged (RMM_LOG_RMI=0). */
#define RMM_LOG_RMI 0
#include "__fc_builtin.h"
#include "../../security/rmm/rmi.c"

uint64_t host_read_sysreg(const char *name)
{
	(void)name;
	return Frama_C_unsigned_long_long_interval(0, ~0ULL);
}

static uint64_t out[5];

static void version(uint64_t requested)
{
	uint64_t in[8] = {RMI_VERSION, requested, Frama_C_unsigned_long_long_interval(0, ~0ULL)};
	rmi_handle(in, out);
}

int main(void)
{
	version(Frama_C_unsigned_long_long_interval(0, RMI_ABI_VERSION - 1));
	//@ assert below_1_0_refused: out[0] == RMI_ERROR_INPUT;
	//@ assert below_1_0_reports_1_0: out[1] == RMI_ABI_VERSION && out[2] == RMI_ABI_VERSION;
	//@ assert below_1_0_nothing_else: out[3] == 0 && out[4] == 0;
	version(Frama_C_unsigned_long_long_interval(RMI_ABI_VERSION + 1, ~0ULL));
	//@ assert above_1_0_refused: out[0] == RMI_ERROR_INPUT;
	//@ assert above_1_0_reports_1_0: out[1] == RMI_ABI_VERSION && out[2] == RMI_ABI_VERSION;
	//@ assert above_1_0_nothing_else: out[3] == 0 && out[4] == 0;
	version(RMI_ABI_VERSION);
	//@ assert v1_0_accepted: out[0] == RMI_SUCCESS;
	//@ assert v1_0_reports_1_0: out[1] == RMI_ABI_VERSION && out[2] == RMI_ABI_VERSION;
	//@ assert v1_0_nothing_else: out[3] == 0 && out[4] == 0;
	return 0;
}
