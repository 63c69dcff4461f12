/* libFuzzer target: any sequence of guest GIC register accesses, SGIs and list-register
 * round trips keeps the vGIC state consistent and never reads or writes out of bounds. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <triad/vgic.h>

static struct vgic gic;
static struct vgic_cpu cpu[3];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vgic_init(&gic, 3, 4);
	for (unsigned i = 0; i < 3; i++)
		vgic_cpu_init(&gic, &cpu[i], i, 0x80000000 | i);
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
		switch (op % 10) {
		case 0:
			vgic_dist_write(&gic, vcpu, off % 0x11000, sz, val, &kick);
			break;
		case 1:
			vgic_dist_read(&gic, vcpu, off % 0x11000, sz, &v);
			break;
		case 2:
			vgic_redist_write(&gic, vcpu, off % 0x21000, sz, val, &kick);
			break;
		case 3:
			vgic_redist_read(&gic, vcpu, off % 0x21000, sz, &v);
			break;
		case 4:
			vgic_send_sgi(&gic, vcpu, val);
			break;
		case 5:
			vgic_set_line(&gic, vcpu, off % 300, val & 1);
			break;
		case 6: {
			unsigned n = vgic_build_lrs(&gic, vcpu, lrs);
			if (n > gic.nr_lrs)
				__builtin_trap();
			/* The guest does something arbitrary with each list register. */
			for (unsigned i = 0; i < n; i++)
				lrs[i] = (lrs[i] & ~(3UL << 62)) | ((val >> (2 * i)) & 3UL) << 62;
			vgic_fold_lrs(&gic, vcpu, lrs);
			break;
		}
		case 7: /* a hardware-linked PPI fires (the timer's, the PMU's) */
			if (val & 1)
				vgic_inject_hw_level(&gic, vcpu, 16 + off % 16,
						     (uint16_t)(16 + off % 16));
			else
				vgic_inject_hw(&gic, vcpu, 16 + off % 16,
					       (uint16_t)(16 + off % 16));
			break;
		case 8: { /* an exit samples the hardware sources: some are low */
			uint32_t low = (uint32_t)val;
			uint32_t hw = low;
			memset(lrs, 0, sizeof(lrs)); /* the guest took and finished all it had */
			vgic_refold_lrs(&gic, vcpu, lrs, &hw);
			/* Only what was low is released, and nothing released stays linked. */
			if (hw & ~low)
				__builtin_trap();
			for (uint32_t b = hw; b; b &= b - 1)
				if (vgic_irq(&gic, vcpu, (uint32_t)__builtin_ctz(b))->hw)
					__builtin_trap();
			break;
		}
		default:
			vgic_inject_edge(&gic, vcpu, off % 300);
			break;
		}
	}
	return 0;
}
