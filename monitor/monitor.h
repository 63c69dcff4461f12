/* Triad's EL3 monitor: internal interfaces. */
#ifndef MONITOR_H
#define MONITOR_H

#include <arch/sysreg.h>
#include <stdbool.h>
#include <stdint.h>
#include <triad/boot_info.h>

#define MAX_CPUS   8
#define STACK_SIZE 0x1000

/* SCR_EL3 */
#define SCR_NS	     (1ULL << 0)
#define SCR_RES1     (3ULL << 4)
#define SCR_HCE	     (1ULL << 8)
#define SCR_RW	     (1ULL << 10)
#define SCR_APK	     (1ULL << 16)
#define SCR_API	     (1ULL << 17)
#define SCR_ENSCXT   (1ULL << 25)
#define SCR_ATA	     (1ULL << 26)
#define SCR_FGTEN    (1ULL << 27)
#define SCR_ECVEN    (1ULL << 28)
#define SCR_HXEN     (1ULL << 38)
#define SCR_GCSEN    (1ULL << 39)
#define SCR_ENTP2    (1ULL << 41)
#define SCR_TCR2EN   (1ULL << 43)
#define SCR_SCTLR2EN (1ULL << 44)
#define SCR_PIEN     (1ULL << 45)
/* CPTR_EL3 */
#define CPTR_EZ	 (1ULL << 8)
#define CPTR_ESM (1ULL << 12)

struct smc_frame {
	uint64_t x[31];
	uint64_t pad;
};

static inline uint32_t rd32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static inline void wr32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

/* start.S */
void enter_lower_el(uint64_t entry, uint64_t x0, uint64_t x1) __attribute__((noreturn));
void cpu_restart(unsigned cpu) __attribute__((noreturn));
/* monitor.c */
void mon_putc(char c);
void mon_puts(const char *s);
void mon_puthex(uint64_t v);
void monitor_secondary(unsigned cpu) __attribute__((noreturn));
/* gic.c: interrupt groups and redistributors, which only EL3 may set up. */
void gic_global_setup(void);
void gic_cpu_setup(void);
/* fw_cfg.c: loads the hypervisor (QEMU -kernel) at ram_base + its text_offset and the boot
 * bundle (-initrd) after it; fills in *bi; returns NULL or what went wrong. */
const char *fw_cfg_load(struct boot_info *bi, uint64_t ram_base, uint64_t *entry);
/* psci.c */
void psci_init(void);
void psci_cpu_started(unsigned cpu);
void psci_wait_for_cpu_on(unsigned cpu, uint64_t *entry, uint64_t *context);
void smc_handler(struct smc_frame *f);
/* power.c */
void power_off(void) __attribute__((noreturn));
void power_reset(void) __attribute__((noreturn));

#endif
