/*
 * RMI commands (RMM 1.0, B4.3): a table indexed by function ID, each entry with its
 * command's name and how many arguments (x1..) and results (x1..) it has. Handlers check
 * their inputs in the order the spec lists the failure conditions; a failure is reported
 * here, for every command alike (built with RMM_LOG_RMI=1: the console is the normal
 * world's once it runs). A FID the table does not have answers SMCCC NOT_SUPPORTED.
 * One call is Triad's own, not RMI: the page for the RMM's audit records (audit.c).
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
				 read_sysreg(s3_4_c12_c11_1) /* ICH_VTR_EL2 */, rmm_sve_max_vl());
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

#define COMMAND(fid, fn, args, results) [fid - RMI_FID_FIRST] = {fn, #fid, args, results}
static const struct rmi_command commands[] = {
    COMMAND(RMI_VERSION, rmi_version, 1, 2),
    COMMAND(RMI_GRANULE_DELEGATE, rmi_granule_delegate, 1, 0),
    COMMAND(RMI_GRANULE_UNDELEGATE, rmi_granule_undelegate, 1, 0),
    COMMAND(RMI_DATA_CREATE, rmi_data_create, 5, 0),
    COMMAND(RMI_DATA_CREATE_UNKNOWN, rmi_data_create_unknown, 3, 0),
    COMMAND(RMI_DATA_DESTROY, rmi_data_destroy, 2, 2),
    COMMAND(RMI_REALM_ACTIVATE, rmi_realm_activate, 1, 0),
    COMMAND(RMI_REALM_CREATE, rmi_create, 2, 0),
    COMMAND(RMI_REALM_DESTROY, rmi_realm_destroy, 1, 0),
    COMMAND(RMI_REC_CREATE, rmi_rec_create, 3, 0),
    COMMAND(RMI_REC_DESTROY, rmi_rec_destroy, 1, 0),
    COMMAND(RMI_REC_ENTER, rmi_rec_enter, 2, 0),
    COMMAND(RMI_RTT_CREATE, rmi_rtt_create, 4, 0),
    COMMAND(RMI_RTT_DESTROY, rmi_rtt_destroy, 3, 2),
    COMMAND(RMI_RTT_MAP_UNPROTECTED, rmi_rtt_map_unprotected, 4, 0),
    COMMAND(RMI_RTT_READ_ENTRY, rmi_rtt_read_entry, 3, 4),
    COMMAND(RMI_RTT_UNMAP_UNPROTECTED, rmi_rtt_unmap_unprotected, 3, 1),
    COMMAND(RMI_PSCI_COMPLETE, rmi_psci_complete, 3, 0),
    COMMAND(RMI_FEATURES, rmi_features, 1, 1),
    COMMAND(RMI_RTT_FOLD, rmi_rtt_fold, 3, 1),
    COMMAND(RMI_REC_AUX_COUNT, rmi_rec_aux_count, 1, 1),
    COMMAND(RMI_RTT_INIT_RIPAS, rmi_rtt_init_ripas, 3, 1),
    COMMAND(RMI_RTT_SET_RIPAS, rmi_rtt_set_ripas, 4, 1),
};

/* Triad's own call, outside the RMI range (include/triad/rmm_audit.h). */
static const struct rmi_command audit_page = {rmm_audit_set_page, "TRIAD_RMM_AUDIT_PAGE", 1, 0};

const struct rmi_command *rmi_command_of(uint32_t fid)
{
	uint32_t i = fid - RMI_FID_FIRST; /* a FID below the range wraps to a large index */
	if (i >= sizeof(commands) / sizeof(commands[0]) || !commands[i].handler)
		return fid == TRIAD_RMM_AUDIT_PAGE ? &audit_page : 0;
	return &commands[i];
}

static char *put_hex(char *p, uint64_t v)
{
	*p++ = '0', *p++ = 'x';
	for (int shift = 60; shift >= 0; shift -= 4)
		if ((v >> shift) || !shift)
			*p++ = "0123456789abcdef"[(v >> shift) & 0xf];
	return p;
}

/* "[rmm] <name>(<args>) -> <status>"; an FID the table does not have stands for the name. */
static void log_failure(const struct rmi_command *c, const uint64_t *in, uint64_t status)
{
	char line[72 + 8 * 19] = "[rmm] ", *p = line + 6;
	unsigned first = c ? 1 : 0, last = c ? c->args : 0;
	for (const char *s = c ? c->name : "RMI FID"; *s;)
		*p++ = *s++;
	*p++ = '(';
	for (unsigned a = first; a <= last; a++) {
		p = put_hex(p, in[a]);
		*p++ = a < last ? ',' : ')';
	}
	for (const char *s = " -> "; *s;)
		*p++ = *s++;
	p = put_hex(p, status);
	*p++ = '\n', *p = 0;
	early_puts(line);
}

void rmi_handle(const uint64_t in[8], uint64_t out[5])
{
	const struct rmi_command *c = rmi_command_of((uint32_t)in[0]);
	for (unsigned i = 0; i < 5; i++)
		out[i] = 0;
	out[0] = SMC_NOT_SUPPORTED;
	if (c)
		c->handler(in, out);
	if (RMM_LOG_RMI && out[0] != RMI_SUCCESS)
		log_failure(c, in, out[0]);
}
