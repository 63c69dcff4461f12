/* A vCPU's self-hosted debug state: breakpoints, watchpoints, claim tags, the OS lock.
 * Trapped (MDCR_EL2.TDA) until the vCPU first touches a debug register after being
 * loaded, then in the CPU until it leaves; a vCPU that is debugging (MDSCR_EL1.MDE, KDE or
 * SS) gets it at load, so its breakpoints are armed before it touches anything. The OS
 * lock registers are always trapped and emulated, the debug ROM address and the debug
 * communications channel read as zero. */
#ifndef TRIAD_VDEBUG_H
#define TRIAD_VDEBUG_H

#include <stdbool.h>
#include <stdint.h>

#define VDEBUG_MAX_SLOTS 16 /* breakpoints or watchpoints: ID_AA64DFR0_EL1.BRPs/WRPs + 1 */

struct vdebug_state {
	uint64_t bvr[VDEBUG_MAX_SLOTS], bcr[VDEBUG_MAX_SLOTS];
	uint64_t wvr[VDEBUG_MAX_SLOTS], wcr[VDEBUG_MAX_SLOTS];
	uint64_t claim, oseccr;
	uint64_t oslk, osdlr, dbgprcr; /* emulated: OSLSR_EL1.OSLK, OSDLR_EL1, DBGPRCR_EL1 */
	bool in_cpu;		       /* the registers in the CPU are this vCPU's */
};

struct vcpu;

/* Once, on the boot CPU, after vpmu_global_init(): how many breakpoints and watchpoints
 * there are, and MDCR_EL2 for guests. */
void vdebug_global_init(void);
/* Architectural reset: nothing armed, the OS lock locked. */
void vdebug_reset(struct vdebug_state *s);
/* Context switch, from vcpu_load() (after the EL1 registers, MDSCR_EL1 among them, are
 * back) and vcpu_put(). */
void vdebug_load(struct vcpu *v);
void vdebug_put(struct vcpu *v);
/* vdebug_reset() of a vCPU that is loaded on this CPU. */
void vdebug_reset_loaded(struct vcpu *v);

enum vdebug_result {
	VDEBUG_DONE,  /* emulated: step over the instruction */
	VDEBUG_RETRY, /* the vCPU's registers are in the CPU now: run the instruction again */
	VDEBUG_UNDEF,
};
/* A trapped access to a debug system register (op0 = 2), reg as SYSREG() packs it. */
enum vdebug_result vdebug_access(struct vcpu *v, unsigned reg, bool read, uint64_t *val);

#endif
