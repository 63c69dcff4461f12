// eva: -eva-precision 1 -eva-domains bitwise -eva-slevel-function main:200
/* RMI_FEATURES (RMM 1.0, B4.3.9, RmiFeatureRegister0 B4.4.4) through the RMI dispatch
 * (rmi_handle), for every index and every value of the CPU's ID_AA64MMFR0_EL1,
 * ID_AA64DFR0_EL1 and ICH_VTR_EL2 (ListRegs at most 15: the GIC has at most 16 list
 * registers): the call always succeeds; an index other than 0 reads as zero; register 0
 * offers the CPU's PA size as S2SZ, at most 48 (PARange 0 to 5, a larger or reserved one
 * 48), the CPU's breakpoints, watchpoints and list registers (each minus one, as the CPU
 * counts them), SHA-256 and SHA-512, 2^15 - 1 RECs, SVE (SVE_EN, SVE_VL the longest vectors
 * in 16 bytes, minus one) exactly when the RMM keeps some (rec_sve.c's rmm_sve_max_vl: 0, or
 * 16 to 64 bytes), and nothing else (no LPA2 nor PMU, no bit above MAX_RECS_ORDER). BRPs and WRPs are proved with ID_AA64DFR0_EL1's
 * bits below them zero, the ones above any value. The image's build: failures not logged. */
#define RMM_LOG_RMI 0
#include "__fc_builtin.h"
#include "../../security/rmm/rmi.c"
#include "../../security/rmm/features.c"

static uint64_t mmfr0, dfr0, ich_vtr;
static unsigned sve_vl; /* bytes: the longest vectors the RMM keeps on this CPU, 0: no SVE */
static uint64_t out[5];

unsigned rmm_sve_max_vl(void)
{
	return sve_vl;
}

/* The RMM reads ID_AA64MMFR0_EL1, ID_AA64DFR0_EL1 and ICH_VTR_EL2 (s3_4_c12_c11_1). */
uint64_t host_read_sysreg(const char *name)
{
	if (name[0] == 's')
		return ich_vtr;
	if (name[7] == 'm')
		return mmfr0;
	return dfr0;
}

static uint64_t any(void)
{
	return Frama_C_unsigned_long_long_interval(0, ~0ULL);
}

/* Any CPU: ListRegs [4:0] at most 15. */
static void any_cpu(void)
{
	mmfr0 = any();
	dfr0 = any();
	ich_vtr = any() & ~0x10ULL;
	sve_vl = 16 * Frama_C_unsigned_int_interval(0, 4);
}

static uint64_t features(uint64_t index)
{
	uint64_t in[8] = {RMI_FEATURES, index, any(), any()};
	rmi_handle(in, out);
	return out[1];
}

/* Any value of the bits from `bit` up, zero below (Eva's intervals lose a field with
 * unknown bits on both sides through the RMM's shifts: the fixed fields are proved with
 * every bit unknown). */
static uint64_t above(unsigned bit)
{
	return Frama_C_unsigned_long_long_interval(0, ~0ULL >> bit) << bit;
}

#define FIELD(v, shift, bits) (((v) >> (shift)) & ((1ULL << (bits)) - 1))

static void other_indexes_read_as_zero(void)
{
	any_cpu();
	features(Frama_C_unsigned_long_long_interval(1, ~0ULL));
	//@ assert other_index_success: out[0] == RMI_SUCCESS;
	//@ assert other_index_zero: out[1] == 0 && out[2] == 0 && out[3] == 0 && out[4] == 0;
}

static void register0_fixed_fields(void)
{
	any_cpu();
	uint64_t f = features(0);
	//@ assert register0_success: out[0] == RMI_SUCCESS && out[2] == 0 && out[3] == 0 && out[4] == 0;
	uint64_t no_lpa2_ = FIELD(f, 8, 1);
	//@ assert no_lpa2: no_lpa2_ == 0;
	uint64_t no_pmu_ = FIELD(f, 26, 6);
	//@ assert no_pmu: no_pmu_ == 0;
	uint64_t both_hashes_ = FIELD(f, 32, 2);
	//@ assert both_hashes: both_hashes_ == 3;
	uint64_t max_recs_order_15_ = FIELD(f, 38, 4);
	//@ assert max_recs_order_15: max_recs_order_15_ == 15;
	uint64_t nothing_above_ = FIELD(f, 42, 22);
	//@ assert nothing_above: nothing_above_ == 0;
}

/* PARange [3:0] to the IPA size RMM 1.0 lets a realm have: the PA size, at most 48. */
static const uint64_t s2sz_of_parange[16] = {32, 36, 40, 42, 44, 48, 48, 48,
					     48, 48, 48, 48, 48, 48, 48, 48};

static void register0_follows_the_cpu(void)
{
	for (uint64_t k = 0; k < 16; k++) {
		any_cpu();
		mmfr0 = (mmfr0 & ~0xfULL) | k;
		uint64_t f = features(0);
		uint64_t s2sz_from_parange_ = FIELD(f, 0, 8);
		//@ assert s2sz_from_parange: s2sz_from_parange_ == s2sz_of_parange[k];
		any_cpu();
		dfr0 = above(16) + (k << 12); /* BRPs [15:12] */
		f = features(0);
		uint64_t num_bps_from_brps_ = FIELD(f, 14, 6);
		//@ assert num_bps_from_brps: num_bps_from_brps_ == k;
		any_cpu();
		dfr0 = above(24) + (k << 20); /* WRPs [23:20] */
		f = features(0);
		uint64_t num_wps_from_wrps_ = FIELD(f, 20, 6);
		//@ assert num_wps_from_wrps: num_wps_from_wrps_ == k;
		any_cpu();
		ich_vtr = (ich_vtr & ~0x1fULL) | k;
		f = features(0);
		uint64_t num_lrs_from_listregs_ = FIELD(f, 34, 4);
		//@ assert num_lrs_from_listregs: num_lrs_from_listregs_ == k;
	}
}

static void register0_sve(void)
{
	for (unsigned k = 0; k <= 4; k++) {
		any_cpu();
		sve_vl = 16 * k;
		uint64_t f = features(0);
		uint64_t sve_en_ = FIELD(f, 9, 1), sve_vl_ = FIELD(f, 10, 4);
		//@ assert sve_en_iff_kept: sve_en_ == (k != 0);
		//@ assert sve_vl_longest: sve_vl_ == (k ? k - 1 : 0);
	}
}

int main(void)
{
	other_indexes_read_as_zero();
	register0_fixed_fields();
	register0_sve();
	register0_follows_the_cpu();
	return 0;
}
