/* The fake machine the RMM's host tests run on: its "physical" memory is a fixed mapping at
 * the RMM's tracked range (so the RMM's tables are real tables here), the host's Non-secure
 * alias is the same memory, and EL3 agrees to every granule transition. Each test gives
 * itself a window of WINDOW granules, because granule states outlive a test. */
#ifndef TRIAD_TESTS_RMM_FAKE_MACHINE_H
#define TRIAD_TESTS_RMM_FAKE_MACHINE_H

#include <string.h>
#include <sys/mman.h>

#include "../../security/rmm/realm.h"
#include "../../security/rmm/rec.h"

#define WINDOW 64
static unsigned win; /* this test's window */
#define PA(n) (TRACKED_BASE + ((uint64_t)win * WINDOW + (n)) * GRANULE_SIZE)

void granule_zero(uint64_t pa)
{
	memset((void *)pa, 0, GRANULE_SIZE);
}

int64_t granule_el3_call(uint32_t fid, uint64_t pa)
{
	(void)fid, (void)pa;
	return E_RMM_OK;
}

int ns_read(void *dst, const void *ns_src, uint64_t len)
{
	memcpy(dst, (const uint8_t *)ns_src - NS_ALIAS, len);
	return 0;
}

int ns_write(void *ns_dst, const void *src, uint64_t len)
{
	memcpy((uint8_t *)ns_dst - NS_ALIAS, src, len);
	return 0;
}

static struct rmm_cpu fake_cpu; /* the one CPU: TPIDR_EL2 points at it */
uint64_t host_read_sysreg(const char *name)
{
	if (!strcmp(name, "tpidr_el2"))
		return (uint64_t)&fake_cpu;
	return !strcmp(name, "id_aa64mmfr1_el1") ? 2UL << 4 : 0; /* 16-bit VMIDs */
}

/* What the RMM printed, for the tests that look (cleared by them); '\n' as "\r\n", as
 * the early console sends it. */
static char rmm_console[1024];
void early_puts(const char *s)
{
	for (; *s; s++)
		strncat(rmm_console, *s == '\n' ? "\r\n" : (char[]){*s, 0},
			sizeof(rmm_console) - strlen(rmm_console) - 1);
}

/* The fake machine's memory, NR_PAGES granules at TRACKED_BASE (mapped once), in a DRAM of
 * TRACKED_SIZE whose granule states the RMM tracks. */
#define TRACKED_SIZE (1ULL << 30)
static int map_memory(void)
{
	static void *mem;
	static granule_t table[TRACKED_SIZE / GRANULE_SIZE];
	if (!mem) {
		mem = mmap((void *)TRACKED_BASE, NR_PAGES * GRANULE_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		granules_init(table, TRACKED_SIZE);
	}
	return mem == (void *)TRACKED_BASE ? 0 : -1;
}

/* A cmocka setup: the test's own window, its granules 0 and 2 to 7 delegated (the RD, the
 * two starting RTTs, and what the tests use them for). */
static int setup_window(void **state)
{
	(void)state;
	static unsigned next;
	win = next++;
	if (map_memory())
		return -1;
	for (unsigned g = 0; g < 8; g++)
		if (g != 1 && granule_delegate(PA(g)) != RMI_SUCCESS)
			return -1;
	return 0;
}

/* Good RmiRealmParams at params: 40 bits, two breakpoints and watchpoints, level-1 start
 * (two tables at rtt). */
static void good_params(uint64_t params, uint64_t rtt, uint64_t vmid)
{
	uint64_t *p = (uint64_t *)params;
	memset(p, 0, GRANULE_SIZE);
	p[0x008 / 8] = 40;
	p[0x018 / 8] = 1;
	p[0x020 / 8] = 1;
	p[0x800 / 8] = vmid;
	p[0x808 / 8] = rtt;
	p[0x810 / 8] = 1;
	p[0x818 / 8] = 2;
}

/* An RMI command with x1-x5, its outputs in out[] (x0: the status, returned too). */
static uint64_t out[5];

static uint64_t call(void (*fn)(const uint64_t *, uint64_t *), uint64_t a1, uint64_t a2,
		     uint64_t a3, uint64_t a4, uint64_t a5)
{
	const uint64_t in[8] = {0, a1, a2, a3, a4, a5};
	memset(out, 0, sizeof(out));
	fn(in, out);
	return out[0];
}

/* RMI_ERROR_RTT with the level it stopped at, as the RTT commands report it. */
static uint64_t rtt_error(unsigned level)
{
	return RMI_ERROR_RTT | (level << 8);
}

#endif
