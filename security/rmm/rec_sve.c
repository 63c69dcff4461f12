/*
 * SVE in the realm world. The monitor moves only EL2 state between the normal and realm
 * worlds, so the host's SVE registers (a VM's left live in the CPU, Z above 128 bits, P0-P15,
 * FFR, ZCR_EL1 and ZCR_EL2) are the RMM's to keep: on a CPU with SVE each REC_ENTER saves them
 * whole at the longest vector length before the REC's FP/SIMD restore zeroes Z above 128
 * bits, and puts them back after the REC's are saved.
 *
 * A realm created with flags.sve runs with ZCR_EL2 at its sve_vl. Its REC keeps SVE in two
 * forms, like a normal VM's vCPU (core/vcpu_sve.c): while its saved registers hold nothing
 * beyond V0-V31 (which are in the REC's fp), CPTR_EL2.TZ traps SVE and its first SVE
 * instruction in a turn opens SVE with P0-P15 and FFR zeroed (Z above 128 bits is already
 * zero after the V registers' restore); otherwise the whole state goes in at entry. At exit
 * an open REC's registers go to its second auxiliary granule. A realm without SVE never
 * has TZ cleared: its SVE instructions are UNDEFINED (rec_run.c).
 */
#include <arch/sysreg.h>

#include "realm.h"
#include "rec.h"

void sve_save(struct sve_regs *s);
void sve_restore(const struct sve_regs *s);
void sve_zero_predicates(void);
uint64_t sve_vl_bytes(void);

#define ZCR_LEN_MAX 0xfULL

static void write_zcr_el2(uint64_t len)
{
	write_sysreg(s3_4_c1_c2_0, len);
	isb();
}

static void sve_untrap(void)
{
	write_sysreg(cptr_el2, CPTR_EL2_FP_ONLY & ~CPTR_TZ);
	isb();
}

static void sve_trap(void)
{
	write_sysreg(cptr_el2, CPTR_EL2_FP_ONLY);
	isb();
}

bool rmm_cpu_has_sve(void)
{
	return (read_sysreg(id_aa64pfr0_el1) >> 32) & 0xf;
}

unsigned rmm_sve_max_vl(void)
{
	static unsigned max_vl; /* the same on every CPU (the architecture requires it) */
	if (!rmm_cpu_has_sve())
		return 0;
	if (!max_vl) {
		uint64_t cptr = read_sysreg(cptr_el2);
		sve_untrap(); /* before ZCR_EL2, which CPTR_EL2.TZ traps too */
		uint64_t zcr = read_sysreg(s3_4_c1_c2_0);
		write_zcr_el2(ZCR_LEN_MAX);
		unsigned vl = (unsigned)sve_vl_bytes();
		write_zcr_el2(zcr);
		write_sysreg(cptr_el2, cptr);
		isb();
		max_vl = vl < RMM_SVE_VL_MAX ? vl : RMM_SVE_VL_MAX;
	}
	return max_vl;
}

void sve_host_save(struct rmm_cpu *cpu)
{
	if (!rmm_cpu_has_sve())
		return;
	sve_untrap();
	cpu->host_zcr_el2 = read_sysreg(s3_4_c1_c2_0);
	write_zcr_el2(ZCR_LEN_MAX); /* ZCR_EL3 caps it at RMM_SVE_VL_MAX */
	sve_save(&cpu->host_sve);
	cpu->host_zcr_el1 = read_sysreg(s3_0_c1_c2_0);
}

/* After the host's FP/SIMD restore: its whole Z registers over the V ones. */
void sve_host_restore(struct rmm_cpu *cpu)
{
	if (!rmm_cpu_has_sve())
		return;
	sve_untrap();
	write_zcr_el2(ZCR_LEN_MAX);
	sve_restore(&cpu->host_sve);
	write_sysreg(s3_0_c1_c2_0, cpu->host_zcr_el1);
	write_zcr_el2(cpu->host_zcr_el2);
}

static unsigned realm_vl(const struct rd *rd)
{
	return (rd->sve_vl + 1U) * 16;
}

static void sve_open(const struct rd *rd, struct rec *rec)
{
	sve_untrap();
	write_zcr_el2(rd->sve_vl);
	rec->sve_live = true;
}

void rec_sve_in(struct rec *rec, const struct rd *rd)
{
	rec->sve_live = false;
	if (!rd->sve)
		return;
	struct rec_sve *s = (struct rec_sve *)rec->aux_sve;
	if (!s->dirty)
		return; /* TZ stays set until its first SVE instruction */
	sve_open(rd, rec);
	sve_restore(&s->z);
	write_sysreg(s3_0_c1_c2_0, s->zcr_el1);
}

bool rec_sve_trap(struct rec *rec, const struct rd *rd)
{
	if (!rd->sve || rec->sve_live)
		return false;
	sve_open(rd, rec);
	/* The host's predicates are still there; Z above 128 bits is zero. */
	sve_zero_predicates();
	write_sysreg(s3_0_c1_c2_0, ((struct rec_sve *)rec->aux_sve)->zcr_el1);
	return true;
}

bool sve_beyond_fpsimd(const struct sve_regs *z, unsigned vl)
{
	uint8_t any = 0;
	for (unsigned n = 0; n < 32; n++)
		for (unsigned i = n * vl + 16; i < (n + 1) * vl; i++)
			any |= z->regs[i];
	for (unsigned i = 32 * vl; i < RMM_SVE_BYTES(vl); i++) /* P0-P15, FFR */
		any |= z->regs[i];
	return any != 0;
}

/* Before the REC's FP/SIMD save (which then takes V0-V31 from its Z registers). */
void rec_sve_out(struct rec *rec, const struct rd *rd)
{
	if (!rec->sve_live)
		return;
	struct rec_sve *s = (struct rec_sve *)rec->aux_sve;
	sve_save(&s->z);
	s->zcr_el1 = read_sysreg(s3_0_c1_c2_0);
	s->dirty = sve_beyond_fpsimd(&s->z, realm_vl(rd));
	rec->sve_live = false;
	sve_trap();
}
