// sources: security/rmm/rec_sve.c security/rmm/features.c
/* The RMM's SVE logic (rec_sve.c, features.c) on a fake CPU with SVE: the longest vectors it
 * offers (capped at what the monitor keeps), a REC's lazy opening (only an SVE realm's, once
 * a turn), its save at exit and whole load at the next entry when it holds more than V0-V31,
 * the host's registers kept around the REC, and the realm's ID register view. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arch/id_regs.h>

#include "../../security/rmm/realm.h"
#include "../../security/rmm/rec.h"

/* The fake CPU: SVE (ID_AA64PFR0_EL1.SVE 1) whose longest vectors are cpu_vl bytes. */
static unsigned cpu_vl = 256;
static unsigned saves, restores, zeroed;
static const struct sve_regs *last_restore;
static struct sve_regs *last_save;
static uint8_t save_pattern; /* what sve_save writes above V0-V31 */

uint64_t host_read_sysreg(const char *name)
{
	if (!strcmp(name, "id_aa64pfr0_el1"))
		return 1ULL << 32;
	return 0;
}

void sve_save(struct sve_regs *s)
{
	saves++;
	last_save = s;
	memset(s->regs, 0, sizeof(s->regs));
	s->regs[3] = 0xaa;		 /* within V0 */
	s->regs[64 + 20] = save_pattern; /* Z1 above 128 bits, at 64-byte vectors */
}

void sve_restore(const struct sve_regs *s)
{
	restores++;
	last_restore = s;
}

void sve_zero_predicates(void)
{
	zeroed++;
}

uint64_t sve_vl_bytes(void)
{
	return cpu_vl;
}

static void reset_counts(void)
{
	saves = restores = zeroed = 0;
	last_restore = NULL;
	last_save = NULL;
}

static void max_vl_is_capped(void **state)
{
	(void)state;
	/* A CPU with 256-byte vectors: the RMM offers the 64 the monitor's ZCR_EL3 allows. */
	assert_int_equal(rmm_sve_max_vl(), RMM_SVE_VL_MAX);
	uint64_t f = feature_register0(5, 1 << 12 | 1 << 20, 3, rmm_sve_max_vl());
	assert_true(f & FEAT0_SVE_EN);
	assert_int_equal((f >> FEAT0_SVE_VL_SHIFT) & 0xf, RMM_SVE_VL_MAX / 16 - 1);
	assert_false(feature_register0(5, 1 << 12 | 1 << 20, 3, 0) & FEAT0_SVE_EN);
}

static struct rec_sve aux;
static struct rec rec;
static struct rd sve_rd = {.sve = 1, .sve_vl = 3}, plain_rd;

static void only_an_sve_realm_opens(void **state)
{
	(void)state;
	memset(&rec, 0, sizeof(rec));
	rec.aux_sve = (uint64_t)&aux;
	rec_sve_reset(&rec);
	assert_int_equal(aux.zcr_el1, 0xf);
	reset_counts();
	/* Without SVE: nothing loaded at entry, its SVE trap is not opened (UNDEF). */
	rec_sve_in(&rec, &plain_rd);
	assert_false(rec_sve_trap(&rec, &plain_rd));
	assert_false(rec.sve_live);
	rec_sve_out(&rec, &plain_rd);
	assert_int_equal(saves + restores + zeroed, 0);
	/* With SVE, never used: nothing at entry (lazy); its first use opens it with the
	 * predicates zeroed, once. */
	rec_sve_in(&rec, &sve_rd);
	assert_false(rec.sve_live);
	assert_int_equal(restores, 0);
	assert_true(rec_sve_trap(&rec, &sve_rd));
	assert_true(rec.sve_live);
	assert_int_equal(zeroed, 1);
	assert_false(rec_sve_trap(&rec, &sve_rd)); /* already open: not an SVE trap of ours */
}

static void saved_at_exit_loaded_at_entry(void **state)
{
	(void)state;
	/* Used, but nothing beyond V0-V31: saved, not dirty, the next entry stays lazy. */
	save_pattern = 0;
	rec_sve_out(&rec, &sve_rd);
	assert_int_equal(saves, 1);
	assert_ptr_equal(last_save, &aux.z);
	assert_false(rec.sve_live);
	assert_false(aux.dirty);
	rec_sve_in(&rec, &sve_rd);
	assert_false(rec.sve_live);
	/* Used with a bit above 128 in Z1: dirty, loaded whole at the next entry. */
	assert_true(rec_sve_trap(&rec, &sve_rd));
	save_pattern = 0x5a;
	rec_sve_out(&rec, &sve_rd);
	assert_true(aux.dirty);
	reset_counts();
	rec_sve_in(&rec, &sve_rd);
	assert_true(rec.sve_live);
	assert_int_equal(restores, 1);
	assert_ptr_equal(last_restore, &aux.z);
	assert_int_equal(zeroed, 0);
	rec_sve_out(&rec, &sve_rd);
	/* A reset (PSCI CPU_ON) forgets it. */
	rec_sve_reset(&rec);
	assert_false(aux.dirty);
	rec_sve_in(&rec, &sve_rd);
	assert_false(rec.sve_live);
}

static void beyond_fpsimd(void **state)
{
	(void)state;
	static struct sve_regs z;
	memset(&z, 0, sizeof(z));
	assert_false(sve_beyond_fpsimd(&z, 32));
	z.regs[5 * 32 + 15] = 1; /* Z5's V part */
	assert_false(sve_beyond_fpsimd(&z, 32));
	z.regs[5 * 32 + 16] = 1; /* Z5 above 128 bits */
	assert_true(sve_beyond_fpsimd(&z, 32));
	memset(&z, 0, sizeof(z));
	z.regs[32 * 32 + 2] = 1; /* P0 */
	assert_true(sve_beyond_fpsimd(&z, 32));
	memset(&z, 0, sizeof(z));
	z.regs[RMM_SVE_BYTES(32) - 1] = 1; /* FFR's last byte */
	assert_true(sve_beyond_fpsimd(&z, 32));
	memset(&z, 0, sizeof(z));
	z.regs[RMM_SVE_BYTES(32)] = 1; /* past the state at 32 bytes: not the REC's */
	assert_false(sve_beyond_fpsimd(&z, 32));
}

static void host_kept(void **state)
{
	(void)state;
	static struct rmm_cpu cpu;
	reset_counts();
	sve_host_save(&cpu);
	assert_ptr_equal(last_save, &cpu.host_sve);
	sve_host_restore(&cpu);
	assert_ptr_equal(last_restore, &cpu.host_sve);
}

static void id_registers(void **state)
{
	(void)state;
	uint64_t view = 0x1111ULL, cpu = (1ULL << 32) | 0x2211ULL;
	/* SVE realm: PFR0 shows the CPU's SVE field, ZFR0 the CPU's value. */
	assert_int_equal(realm_id_reg_sve(ID_AA64PFR0, view, cpu, true), view | 1ULL << 32);
	assert_int_equal(realm_id_reg_sve(ID_AA64ZFR0, 0, 0x110011ULL, true), 0x110011ULL);
	/* Without SVE, or another register: the guest view as it is. */
	assert_int_equal(realm_id_reg_sve(ID_AA64PFR0, view, cpu, false), view);
	assert_int_equal(realm_id_reg_sve(ID_AA64ZFR0, 0, 0x110011ULL, false), 0);
	assert_int_equal(realm_id_reg_sve(ID_AA64DFR0, view, cpu, true), view);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(max_vl_is_capped),
	    cmocka_unit_test(only_an_sve_realm_opens),
	    cmocka_unit_test(saved_at_exit_loaded_at_entry),
	    cmocka_unit_test(beyond_fpsimd),
	    cmocka_unit_test(host_kept),
	    cmocka_unit_test(id_registers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
