/* SVE for guests (core/vcpu_sve.c). */
#ifndef TRIAD_VCPU_SVE_H
#define TRIAD_VCPU_SVE_H

#include <stdbool.h>

struct cpu;
struct vcpu;

/* Boot CPU, after el2_cpu_init: which vector lengths the CPU implements. */
void sve_global_init(void);
/* The vector length, in bytes, a VM configured with sve-vl `want` (SVE_VL_DEFAULT: not
 * said) gets: 0 for none; -1, with the reason logged, if the CPU cannot give it. */
int sve_vl_for_vm(const char *name, unsigned want, bool realm);
/* Loading an SVE VM's vCPU whose saved registers hold more than V0-V31 (sve_dirty): all of
 * them into the CPU, whose SVE opens at the VM's vector length. */
void vcpu_sve_load(struct vcpu *v, struct cpu *c);
/* Its first SVE instruction, its FP/SIMD registers live and nothing else saved: SVE opens,
 * with P0-P15 and FFR zero. */
void vcpu_sve_open(struct vcpu *v, struct cpu *c);
/* Before it leaves the CPU, if SVE was open: its registers saved, SVE trapped again. */
void vcpu_sve_put(struct vcpu *v, struct cpu *c);
/* Its registers zeroed (and in the CPU if SVE is open there). */
void vcpu_sve_reset(struct vcpu *v);

#endif
