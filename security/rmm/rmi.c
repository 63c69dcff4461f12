/*
 * RMI commands (RMM 1.0, B4.3): a table of handlers, each checking its inputs in the
 * order the spec lists its failure conditions. A FID of the RMI range the table does not
 * have answers SMCCC NOT_SUPPORTED.
 */
#include "realm.h"
#include "rec.h"

/* RMI_VERSION (B4.3.21): this RMM implements exactly 1.0. */
static void rmi_version(const uint64_t *in, uint64_t *out)
{
	out[0] = in[1] == RMI_ABI_VERSION ? RMI_SUCCESS : RMI_ERROR_INPUT;
	out[1] = RMI_ABI_VERSION;
	out[2] = RMI_ABI_VERSION;
}

static uint64_t this_cpu_features(void)
{
	return feature_register0(read_sysreg(id_aa64mmfr0_el1), read_sysreg(id_aa64dfr0_el1),
				 read_sysreg(s3_4_c12_c11_1) /* ICH_VTR_EL2 */);
}

static void rmi_create(const uint64_t *in, uint64_t *out)
{
	rmi_realm_create(in, out, this_cpu_features());
}

/* RMI_FEATURES (B4.3.9): feature register 0; other indexes read as zero. */
static void rmi_features(const uint64_t *in, uint64_t *out)
{
	out[0] = RMI_SUCCESS;
	out[1] = in[1] == 0 ? this_cpu_features() : 0;
}

static void rmi_granule_delegate(const uint64_t *in, uint64_t *out)
{
	out[0] = granule_delegate(in[1]);
}

static void rmi_granule_undelegate(const uint64_t *in, uint64_t *out)
{
	out[0] = granule_undelegate(in[1]);
}

static const struct rmi_command {
	uint32_t fid;
	/* in: x0-x7 of the call; out: x0-x4 of the answer, zero unless set */
	void (*handler)(const uint64_t *in, uint64_t *out);
} commands[] = {
    {RMI_VERSION, rmi_version},
    {RMI_FEATURES, rmi_features},
    {RMI_GRANULE_DELEGATE, rmi_granule_delegate},
    {RMI_GRANULE_UNDELEGATE, rmi_granule_undelegate},
    {RMI_REALM_CREATE, rmi_create},
    {RMI_REALM_ACTIVATE, rmi_realm_activate},
    {RMI_REALM_DESTROY, rmi_realm_destroy},
    {RMI_RTT_CREATE, rmi_rtt_create},
    {RMI_RTT_DESTROY, rmi_rtt_destroy},
    {RMI_RTT_READ_ENTRY, rmi_rtt_read_entry},
    {RMI_RTT_INIT_RIPAS, rmi_rtt_init_ripas},
    {RMI_DATA_CREATE, rmi_data_create},
    {RMI_DATA_CREATE_UNKNOWN, rmi_data_create_unknown},
    {RMI_DATA_DESTROY, rmi_data_destroy},
    {RMI_RTT_MAP_UNPROTECTED, rmi_rtt_map_unprotected},
    {RMI_RTT_UNMAP_UNPROTECTED, rmi_rtt_unmap_unprotected},
    {RMI_REC_CREATE, rmi_rec_create},
    {RMI_REC_DESTROY, rmi_rec_destroy},
    {RMI_REC_AUX_COUNT, rmi_rec_aux_count},
    {RMI_REC_ENTER, rmi_rec_enter},
    {RMI_PSCI_COMPLETE, rmi_psci_complete},
    {RMI_RTT_FOLD, rmi_rtt_fold},
    {RMI_RTT_SET_RIPAS, rmi_rtt_set_ripas},
};

void rmi_handle(const uint64_t in[8], uint64_t out[5])
{
	uint32_t fid = (uint32_t)in[0];
	for (unsigned i = 0; i < 5; i++)
		out[i] = 0;
	out[0] = SMC_NOT_SUPPORTED;
	for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].fid == fid) {
			commands[i].handler(in, out);
			return;
		}
}
