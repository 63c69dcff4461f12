/* SVE for guests: the vector lengths the CPU implements, the one a VM gets, and the switch
 * of an SVE VM's registers.
 *
 * V0-V31 are the low 128 bits of Z0-Z31, and an FP/SIMD write of a V register (such as
 * fpsimd_restore's) zeroes the rest of its Z register. So a vCPU's vector state is kept in
 * one of two forms: while sve_dirty is false, its Z registers beyond 128 bits, P0-P15 and
 * FFR are all zero and fpsimd_state is the whole of it, switched exactly as a VM without
 * SVE's (eagerly, or lazily in security mode performance); CPTR_EL2.TZ stays set, and the
 * vCPU's first SVE instruction opens SVE at its vector length with P and FFR zeroed
 * (vcpu_sve_open): nothing of another VM's is left in them. Once its SVE registers were
 * open, vcpu_sve_put saves them whole and keeps that form (sve_dirty) if any of those bits
 * is not zero: the next load is of Z, P and FFR (vcpu_sve_load). ZCR_EL1 is in sve either
 * way. */
#include <arch/sysreg.h>
#include <stddef.h>
#include <string.h>
#include <triad/cpu.h>
#include <triad/log.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vcpu_sve.h>
#include <triad/vm.h>

void sve_save(struct sve_regs *s);
void sve_restore(const struct sve_regs *s);
void sve_zero_predicates(void);
uint64_t sve_vl_bytes(void);

#define ZCR_LEN_MAX 0xfUL

static unsigned max_vl;	   /* bytes; 0: the CPU has no SVE */
static uint32_t vl_bitmap; /* bit n: the CPU implements (n + 1) * 16-byte vectors */

static void write_zcr_el2(uint64_t len)
{
	write_sysreg(s3_4_c1_c2_0, len);
	isb();
}

void sve_global_init(void)
{
	if (!FIELD_GET(read_sysreg(id_aa64pfr0_el1), 35, 32))
		return;
	struct cpu *c = this_cpu();
	write_sysreg(cptr_el2, c->cptr & ~CPTR_TZ);
	isb();
	/* A length the CPU does not implement gives the longest shorter one it does. */
	for (uint64_t len = 0; len <= ZCR_LEN_MAX; len++) {
		write_zcr_el2(len);
		unsigned vl = (unsigned)sve_vl_bytes();
		if (vl == (len + 1) * 16 && vl <= SVE_VL_MAX) {
			vl_bitmap |= 1u << len;
			max_vl = vl;
		}
	}
	write_sysreg(cptr_el2, c->cptr);
	isb();
	pr_info("SVE: guest vectors up to %u bytes", max_vl);
}

int sve_vl_for_vm(const char *name, unsigned want, bool realm)
{
	if (want == SVE_VL_DEFAULT)
		return realm ? 0 : (int)max_vl;
	if (!want)
		return 0;
	if (realm && want > REALM_SVE_VL_MAX) {
		pr_err("VM '%s': sve-vl %u: a realm's vectors are at most %u bytes (the RMM keeps "
		       "no longer ones)",
		       name, want, REALM_SVE_VL_MAX);
		return -1;
	}
	if (!max_vl) {
		pr_err("VM '%s': sve-vl %u: this CPU has no SVE", name, want);
		return -1;
	}
	if (want % 16 || want > max_vl || !(vl_bitmap & (1u << (want / 16 - 1)))) {
		pr_err("VM '%s': sve-vl %u: not a vector length this CPU implements (the longest "
		       "is %u bytes; implemented lengths bitmap 0x%x, bit n = (n + 1) * 16 bytes)",
		       name, want, max_vl, vl_bitmap);
		return -1;
	}
	return (int)want;
}

/* SVE usable in the CPU at v's vector length (FP/SIMD too: v's FP registers are live). */
static void open_sve(struct vcpu *v, struct cpu *c)
{
	write_sysreg(cptr_el2, c->cptr & ~CPTR_TZ);
	c->fp_trapped = false;
	isb();
	write_zcr_el2(v->vm->sve_vl / 16 - 1);
	v->fp_live = true;
	v->sve_live = true;
}

static void restore_regs(const struct vcpu *v)
{
	sve_restore(&v->sve);
	write_sysreg(fpsr, v->fp.fpsr);
	write_sysreg(fpcr, v->fp.fpcr);
	write_sysreg(s3_0_c1_c2_0, v->sve.zcr_el1);
}

void vcpu_sve_load(struct vcpu *v, struct cpu *c)
{
	open_sve(v, c);
	restore_regs(v);
}

void vcpu_sve_open(struct vcpu *v, struct cpu *c)
{
	open_sve(v, c);
	/* Z above 128 bits is zero already (fpsimd_restore, or the guest's own V writes). */
	sve_zero_predicates();
	write_sysreg(s3_0_c1_c2_0, v->sve.zcr_el1);
}

/* The register buffer by 64-bit words: it is 16-byte aligned, every register starts on a
 * multiple of 8 bytes (P and FFR at 32 vl), and these loads may alias its bytes. */
typedef uint64_t __attribute__((may_alias)) sve_word;

/* Whether the saved registers hold anything beyond V0-V31, which are copied to fp. Word by
 * word: this runs at every put of a vCPU that opened SVE. */
static bool beyond_fpsimd(struct vcpu *v)
{
	unsigned vl = v->vm->sve_vl, end = SVE_REGS_BYTES(vl), i;
	const sve_word *w = (const sve_word *)v->sve.regs;
	sve_word *fp = (sve_word *)v->fp.v;
	uint64_t any = 0;
	for (unsigned n = 0; n < 32; n++) {
		fp[2 * n] = w[n * vl / 8];
		fp[2 * n + 1] = w[n * vl / 8 + 1];
		for (i = (n * vl + 16) / 8; i < (n + 1) * vl / 8; i++)
			any |= w[i];
	}
	for (i = 32 * vl / 8; i < end / 8; i++) /* P0-P15, FFR */
		any |= w[i];
	for (i = end / 8 * 8; i < end; i++)
		any |= v->sve.regs[i];
	return any != 0;
}

void vcpu_sve_put(struct vcpu *v, struct cpu *c)
{
	sve_save(&v->sve);
	v->fp.fpsr = read_sysreg(fpsr);
	v->fp.fpcr = read_sysreg(fpcr);
	v->sve.zcr_el1 = read_sysreg(s3_0_c1_c2_0);
	v->sve_dirty = beyond_fpsimd(v);
	/* Nothing of it left for the next vCPU (whose V registers' restore zeroes Z above
	 * 128 bits), and SVE trapped again. */
	sve_zero_predicates();
	write_sysreg(cptr_el2, c->cptr);
	isb();
	v->sve_live = false;
	v->fp_live = false;
}

void vcpu_sve_reset(struct vcpu *v)
{
	memset(&v->sve, 0, sizeof(v->sve));
	v->sve.zcr_el1 = ZCR_LEN_MAX; /* the VM's whole length until the guest asks less */
	v->sve_dirty = false;
	if (v->sve_live)
		restore_regs(v);
}
