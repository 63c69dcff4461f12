/*
 * OP-TEE's pristine image, kept for its restart. OP-TEE uses all of its 15 MiB of secure RAM
 * and fw_cfg goes through normal-world memory, so the copy lives in Root memory below the
 * Realm region (the GPT keeps every world but EL3 out of it): made at boot, before OP-TEE
 * ever ran, and written back over OP-TEE's memory, the rest of which is zeroed, when it
 * failed (world.c decides when); with a copy of the machine's DT for its boot. Without a GPT
 * nothing could protect such a copy, so there is none and OP-TEE is not restarted.
 */
#include <triad/sel2_abi.h>
#include <triad/util.h>

#include "monitor.h"

#define CNTPS_CTL_EL1	   S3_7_C14_C2_1
#define OPTEE_MAX_RESTARTS 3 /* as secure partitions (SPMC_MAX_RESTARTS) */

/* The kept memory (OPTEE_KEEP_SIZE, below the Realm region): Root, the image and the used
 * part of the machine's DT as QEMU made it; then, Secure, the window OP-TEE reads and
 * edits that DT in at its restart (it needs the DT's memory nodes to take dynamic shared
 * memory, and reads it with Secure accesses, which the GPT stops on normal-world memory). */
#define IMAGE_MAX   0xc0000UL
#define DT_COPY	    0xc0000UL
#define DT_MAX	    0x40000UL
#define WINDOW	    0x100000UL
#define WINDOW_SIZE SEL2_DT_WINDOW_SIZE

static uint64_t copy_base; /* 0: no copy */
static uint64_t dt_used;
static unsigned restarts;
uint64_t optee_size;	    /* as loaded at boot, 0: no OP-TEE */
static uint32_t fail_after; /* the test hook (fw_cfg opt/triad/optee-fail-after) */
static char fail_after_text[16];
static unsigned sel2_fault; /* S-EL2's stage-1 test hook (fw_cfg opt/triad/sel2-fault) */

static void copy_words(uint64_t dst, uint64_t src, uint64_t size)
{
	for (uint64_t off = 0; off < size; off += 8)
		*(volatile uint64_t *)(dst + off) = *(volatile uint64_t *)(src + off);
}

static void zero_words(uint64_t dst, uint64_t size) /* 16-byte aligned, a multiple of 16 */
{
	for (uint64_t end = dst + size; dst < end; dst += 16)
		__asm__ volatile("stp xzr, xzr, [%0]" ::"r"(dst) : "memory");
}

/* OP-TEE ran with its caches on: nothing of its old memory may linger there. */
static void clean_inval(uint64_t base, uint64_t size)
{
	for (uint64_t a = base; a < base + size; a += 64)
		__asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
	dsb(sy);
	__asm__ volatile("ic ialluis" ::: "memory");
	dsb(sy);
	isb();
}

static uint32_t be32(const void *dtb, unsigned off)
{
	const volatile uint8_t *b = (const volatile uint8_t *)dtb + off;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* The bytes of a flattened DT in use (header, blocks), 0 if it is not one or does not fit. */
static uint64_t dt_size_used(const void *dtb)
{
	if (be32(dtb, 0) != 0xd00dfeed || be32(dtb, 4) > WINDOW_SIZE)
		return 0;
	uint64_t structs = (uint64_t)be32(dtb, 8) + be32(dtb, 36);
	uint64_t strings = (uint64_t)be32(dtb, 12) + be32(dtb, 32);
	uint64_t used = ALIGN_UP(structs > strings ? structs : strings, 8UL);
	return used <= DT_MAX && used <= be32(dtb, 4) ? used : 0;
}

void optee_keep_image(uint64_t base, const void *dtb)
{
	uint64_t size = ALIGN_UP(optee_size, 16UL);
	uint64_t used = dt_size_used(dtb);
	if (size > IMAGE_MAX || !used) {
		early_puts("[monitor] OP-TEE's image or the machine's DT too big to keep: OP-TEE "
			   "will not be restarted if it fails\n");
		return;
	}
	gpt_set_firmware(base, WINDOW, false);
	gpt_set_firmware(base + WINDOW, WINDOW_SIZE, true);
	copy_words(base, OPTEE_BASE, size);
	copy_words(base + DT_COPY, (uint64_t)dtb, used);
	clean_inval(base, WINDOW);
	dt_used = used;
	copy_base = base;
}

uint64_t optee_dt_window(void)
{
	return copy_base + WINDOW;
}

/* "write-text" or "exec-data": S-EL2 makes that access at its cold boot (SEL2_BOOT_X2). */
static void read_sel2_fault_hook(uint64_t staging)
{
	static char text[16];
	static const char *const names[] = {"write-text", "exec-data"};
	uint64_t n =
	    fw_cfg_load_file("opt/triad/sel2-fault", (uint64_t)text, sizeof(text) - 1, staging);
	text[n] = 0;
	for (unsigned k = 0; n && k < 2; k++) {
		const char *a = text, *b = names[k];
		while (*a && *a == *b)
			a++, b++;
		if (!*a && !*b) {
			sel2_fault = k ? SEL2_FAULT_EXEC_DATA : SEL2_FAULT_WRITE_TEXT;
			early_puts("[monitor] test hook: S-EL2 will try to ");
			early_puts(k ? "execute its data\n" : "write its text\n");
		}
	}
}

void optee_read_test_hook(uint64_t staging)
{
	read_sel2_fault_hook(staging);
	uint64_t n = fw_cfg_load_file("opt/triad/optee-fail-after", (uint64_t)fail_after_text,
				      sizeof(fail_after_text) - 1, staging);
	/* "N" or "N@CLIENT", decimal */
	uint32_t v[2] = {0, 0};
	unsigned k = 0;
	for (uint64_t i = 0; i < n; i++) {
		char ch = fail_after_text[i];
		if (ch == '@' && k == 0)
			k = 1;
		else if (ch >= '0' && ch <= '9' && v[k] < 0x10000)
			v[k] = v[k] * 10 + (uint32_t)(ch - '0');
		else
			break;
	}
	if (!v[0] || v[0] > 0xffff || v[1] > 0xffff)
		return;
	fail_after = SEL2_HOOK(v[0], v[1]);
	early_puts("[monitor] test hook: OP-TEE misses its deadline in message call ");
	mon_putdec(v[0]);
	if (v[1]) {
		early_puts(" of client ");
		mon_putdec(v[1]);
	}
	early_puts(" after each of its boots\n");
}

uint64_t optee_boot_x2(void)
{
	return SEL2_BOOT_X2(optee_size, sel2_fault, fail_after);
}

/* 0: no restart possible (no copy, or given up); else the restart's number. */
unsigned optee_restart_begin(void)
{
	if (!copy_base || restarts >= OPTEE_MAX_RESTARTS)
		return 0;
	return ++restarts;
}

bool optee_restartable(void)
{
	return copy_base != 0;
}

unsigned optee_restarts(void)
{
	return restarts;
}

/* OP-TEE's memory as it was before its first boot: the image, then zeros. */
void optee_restore_image(void)
{
	/* Lines the failed OP-TEE left in the caches go first (written back, then never
	 * again over what is written here, with the MMU off: not cached). */
	uint64_t size = ALIGN_UP(optee_size, 16UL);
	clean_inval(OPTEE_BASE, OPTEE_SIZE);
	copy_words(OPTEE_BASE, copy_base, size);
	zero_words(OPTEE_BASE + size, OPTEE_SIZE - size);
	/* Its DT window as QEMU's DT was (the monitor reaches it only as Root, for the copy;
	 * past the DT, OP-TEE reads nothing it did not write). */
	uint64_t window = copy_base + WINDOW;
	gpt_set_firmware(window, WINDOW_SIZE, false);
	clean_inval(window, dt_used);
	copy_words(window, copy_base + DT_COPY, dt_used);
	gpt_set_firmware(window, WINDOW_SIZE, true);
	write_sysreg(CNTPS_CTL_EL1, 0UL); /* its timer on this CPU, armed by the OP-TEE gone */
	isb();
}
