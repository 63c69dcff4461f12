/* The trusted OS in the secure world, as the normal-world hypervisor sees it at boot: is
 * OP-TEE there (its UID), and which revision. Only asked under Triad's own monitor: other
 * firmware may not answer trusted-OS calls at all. */
#include <triad/cpu.h>
#include <triad/log.h>
#include <triad/smccc.h>
#include <triad/tee.h>

#define OPTEE_CALLS_UID	      0xbf00ff01
#define OPTEE_CALLS_REVISION  0xbf00ff03
#define OPTEE_GET_OS_REVISION 0xb2000001

/* 384fb3e0-e7f8-11e3-af63-0002a5d5c51b, as OP-TEE returns it in x0-x3 */
static const uint32_t optee_uid[4] = {0x384fb3e0, 0xe7f811e3, 0xaf630002, 0xa5d5c51b};

bool tee_present;

void tee_probe(void)
{
	if (!plat.own_monitor)
		return;
	uint64_t r[8] = {OPTEE_CALLS_UID};
	smc_call_regs(r);
	for (int i = 0; i < 4; i++)
		if ((uint32_t)r[i] != optee_uid[i]) {
			pr_info("secure world: no OP-TEE (trusted OS UID call answered 0x%lx)",
				(unsigned long)r[0]);
			return;
		}
	uint64_t api[8] = {OPTEE_CALLS_REVISION};
	smc_call_regs(api);
	uint64_t os[8] = {OPTEE_GET_OS_REVISION};
	smc_call_regs(os);
	tee_present = true;
	pr_info("secure world: OP-TEE OS %lu.%lu (API %lu.%lu, UID 384fb3e0-e7f8-11e3-af63-"
		"0002a5d5c51b)",
		(unsigned long)os[0], (unsigned long)os[1], (unsigned long)api[0],
		(unsigned long)api[1]);
}
