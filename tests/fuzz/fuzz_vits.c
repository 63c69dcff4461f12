/* libFuzzer target for the virtual ITS's command-queue decoder: any guest memory (the queue,
 * the LPI tables) and any sequence of ITS and redistributor register accesses, MSIs and
 * list-register round trips never reach outside the VM's RAM, never lose or duplicate an
 * ITE, and never offer more interrupts than there are list registers. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <triad/vits.h>

#define RAM_SIZE 0x8000UL
#define GUARD	 0x1000UL
#include "../unit/guest_ram.h"

static struct vgic gic;
static struct vgic_cpu cpu[3];
static struct virq lpis[VGIC_NR_LPIS];
static struct vits its;

static void check_ites(void)
{
	static uint8_t seen[VITS_MAX_ITES];
	memset(seen, 0, sizeof(seen));
	unsigned n = 0;
	for (uint16_t i = its.free_ites; i != VITS_NIL; i = its.ite[i].next, n++)
		if (i >= VITS_MAX_ITES || seen[i]++ || n > VITS_MAX_ITES)
			__builtin_trap();
	for (unsigned d = 0; d < VITS_MAX_DEVICES; d++)
		for (uint16_t i = its.dev[d].valid ? its.dev[d].ites : VITS_NIL; i != VITS_NIL;
		     i = its.ite[i].next, n++)
			if (i >= VITS_MAX_ITES || seen[i]++ ||
			    its.ite[i].event >= its.dev[d].nr_events)
				__builtin_trap();
	if (n != VITS_MAX_ITES)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	memset(ram, 0, sizeof(ram));
	vgic_init(&gic, 3, 4);
	for (unsigned i = 0; i < 3; i++)
		vgic_cpu_init(&gic, &cpu[i], i, 0x80000000 | i);
	vgic_attach_lpis(&gic, lpis, (struct vgic_mem){map, NULL});
	vits_init(&its, &gic);
	/* A booted guest's state: LPIs on at every redistributor (tables in RAM), the ITS on
	 * with a one-page queue at the start of RAM. The input may change all of it. */
	uint32_t k = 0;
	for (unsigned i = 0; i < 3; i++) {
		vgic_redist_write(&gic, i, 0x70, 8, RAM_IPA + 0x1000 + 13, &k);
		vgic_redist_write(&gic, i, 0x78, 8, RAM_IPA + 0x8000 * (i + 1), &k);
		vgic_redist_write(&gic, i, 0x0, 4, 1, &k);
	}
	vgic_dist_write(&gic, 0, 0, 4, 0x12, &k);
	vits_write(&its, 0x80, 8, (1UL << 63) | RAM_IPA, &k);
	vits_write(&its, 0, 4, 1, &k);
	/* and devices 0-3 (8 events each), collections 0-2 and events 0-2 of device 0 (to LPIs
	 * 8192-8194 on vCPUs 0-2) mapped, by its first commands */
	for (uint64_t i = 0; i < 10; i++) {
		uint64_t dw[4] = {i < 4 ? 0x08 | i << 32 : 0x09, 2,
				  (1UL << 63) | (i < 4 ? 0 : (i - 4) << 16 | (i - 4)), 0};
		if (i >= 7)
			dw[0] = 0x0a, dw[1] = (i - 7) | (VGIC_LPI_BASE + i - 7) << 32,
			dw[2] = i - 7;
		memcpy(ram + 32 * i, dw, sizeof(dw));
	}
	vits_write(&its, 0x88, 8, 10 * 32, &k);
	vits_write(&its, 0, 4, 0, &k); /* and the queue from its start again */
	vits_write(&its, 0x80, 8, (1UL << 63) | RAM_IPA, &k);
	vits_write(&its, 0, 4, 1, &k);
	memset(ram + 0x1000, 0xa1, VGIC_NR_LPIS); /* LPIs enabled, unless the input says */
	/* Then the first ones are the guest's RAM (the command queue and tables live there), as
	 * many as the first byte says, in 32-byte commands. */
	if (size < 1)
		return 0;
	size_t n = (size_t)data[0] * 32;
	data++, size--;
	n = n < size ? n : size;
	memcpy(ram, data, n);
	data += n;
	size -= n;
	/* Most of them made plausible commands: a real command number, few devices and events,
	 * LPIs in range (every fourth command is left as the input has it). */
	static const uint8_t cmds[] = {0x01, 0x03, 0x04, 0x05, 0x08, 0x09, 0x0a,
				       0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x29, 0xff};
	for (size_t i = 0; i + 32 <= n; i += 32) {
		if (i % 128 == 96)
			continue; /* every fourth left raw */
		uint64_t dw[4];
		memcpy(dw, ram + i, sizeof(dw));
		dw[0] = cmds[dw[0] % sizeof(cmds)] | (dw[0] >> 32) % 4 << 32;
		dw[1] = (dw[1] & 0x7) | ((uint64_t)(VGIC_LPI_BASE + (dw[1] >> 32) % 1100) << 32);
		dw[2] = (dw[2] & (1UL << 63)) | ((dw[2] >> 16) % 4) << 16 | (dw[2] & 0xff) % 20;
		memcpy(ram + i, dw, sizeof(dw));
	}
	while (size >= 12) {
		uint8_t op = data[0], vcpu = data[1] % 3, sz = 1U << (data[2] % 4);
		uint32_t off;
		uint64_t val;
		memcpy(&off, data + 3, 4);
		memcpy(&val, data + 4, 8);
		data += 12;
		size -= 12;
		uint32_t kick = 0;
		uint64_t v, lrs[VGIC_MAX_LRS];
		switch (op % 8) {
		case 0: /* the queue's registers, often: a valid queue in (or near) RAM, CWRITER */
			if ((op >> 3) % 2)
				vits_write(&its, 0x88, 8, val & 0xfe0, &kick);
			else
				vits_write(&its, 0x80, 8, (1UL << 63) | RAM_IPA | (val & 0x7f01),
					   &kick);
			break;
		case 1:
			vits_write(&its, off % 0x20100, sz, val, &kick);
			break;
		case 2:
			vits_read(&its, off % 0x20100, sz, &v, &kick);
			break;
		case 3:
			vgic_redist_write(&gic, vcpu, off % 0x100, sz, val, &kick);
			break;
		case 4:
			vits_msi(&its, off % 4, (uint32_t)val % 8);
			break;
		case 5: /* the guest rewrites its memory (the queue) between accesses */
			memcpy(ram + off % (RAM_SIZE - 8), &val, 8);
			break;
		case 6: {
			unsigned k = vgic_build_lrs(&gic, vcpu, lrs);
			if (k > gic.nr_lrs)
				__builtin_trap();
			for (unsigned i = 0; i < k; i++)
				lrs[i] &= ~((val >> (2 * i) & 3UL) << 62);
			vgic_fold_lrs(&gic, vcpu, lrs);
			(void)vgic_has_pending(&gic, vcpu);
			break;
		}
		default:
			vits_write(&its, 0, 4, val & 1, &kick); /* GITS_CTLR */
			break;
		}
		if (kick >> 3)
			__builtin_trap(); /* only vCPUs there are */
	}
	check_ites();
	if (!guard_untouched())
		__builtin_trap();
	return 0;
}
