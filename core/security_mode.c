/* The security modes' policy table (include/triad/security_mode.h): the only place that
 * says what a mode changes. */
#include <string.h>
#include <triad/security_mode.h>

static const struct security_policy policies[SECURITY_NR] = {
    [SECURITY_BALANCED] = {.name = "balanced",
			   .trap_setway = false,
			   .guest_pmu = true,
			   .lazy_fp = false},
    [SECURITY_STRICT] = {.name = "strict",
			 .trap_setway = true,
			 .guest_pmu = false,
			 .lazy_fp = false},
    [SECURITY_PERFORMANCE] = {.name = "performance",
			      .trap_setway = false,
			      .guest_pmu = true,
			      .lazy_fp = true},
};

const struct security_policy *security_policy(enum security_mode m)
{
	return &policies[m < SECURITY_NR ? m : SECURITY_BALANCED];
}

int security_mode_by_name(const char *name)
{
	for (int m = 0; m < SECURITY_NR; m++)
		if (!strcmp(name, policies[m].name))
			return m;
	return -1;
}
