// sources: irq/vgic.c
/* Host tests for the virtual GICv3 state machine and its register emulation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <triad/vgic.h>

static struct vgic gic;
static struct vgic_cpu cpu[2];

static int setup(void **state)
{
	(void)state;
	vgic_init(&gic, 2, 4);
	vgic_cpu_init(&gic, &cpu[0], 0, 0x80000000);
	vgic_cpu_init(&gic, &cpu[1], 1, 0x80000001);
	return 0;
}

static void dwrite(uint32_t off, uint32_t v)
{
	uint32_t kick = 0;
	assert_true(vgic_dist_write(&gic, 0, off, 4, v, &kick));
}

static uint64_t dread(uint32_t off)
{
	uint64_t v;
	assert_true(vgic_dist_read(&gic, 0, off, 4, &v));
	return v;
}

static void rwrite(unsigned vcpu, uint32_t off, uint32_t v)
{
	uint32_t kick = 0;
	assert_true(vgic_redist_write(&gic, vcpu, off, 4, v, &kick));
}

/* An entry's read-back and rebuild, with every hardware source still high. */
static unsigned refold(unsigned vcpu, uint64_t *lrs)
{
	uint32_t hw = 0;
	unsigned n = vgic_refold_lrs(&gic, vcpu, lrs, &hw);
	assert_int_equal(hw, 0);
	return n;
}

static uint32_t lr_intid(uint64_t lr)
{
	return (uint32_t)(lr & LR_VINTID_MASK);
}

/* Guest-style setup of SGIs 0..7 on vCPU 0: enabled, SGI i at priority 0x80 - 0x10*i. */
static void enable_sgis(void)
{
	dwrite(0x0, GICD_CTLR_ENABLE_G1 | GICD_CTLR_ARE);
	for (unsigned i = 0; i < 8; i++) {
		uint32_t kick = 0;
		assert_true(
		    vgic_redist_write(&gic, 0, 0x10000 + 0x400 + i, 1, 0x80 - 0x10 * i, &kick));
	}
	rwrite(0, 0x10000 + 0x100, 0xff);
}

static void sgis_overflow_in_priority_order(void **state)
{
	(void)state;
	enable_sgis();
	/* Eight SGIs to self through ICC_SGI1R: target list bit 0, INTID i. */
	for (uint64_t i = 0; i < 8; i++)
		assert_int_equal(vgic_send_sgi(&gic, 0, (i << 24) | 1), 1);
	uint64_t lrs[VGIC_MAX_LRS];
	unsigned n = vgic_build_lrs(&gic, 0, lrs);
	assert_int_equal(n, 4);
	assert_true(cpu[0].underflow_irq); /* four more wait for list registers */
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(lr_intid(lrs[i]), 7 - i);
		assert_true(lrs[i] & LR_STATE_PENDING);
		assert_int_equal((lrs[i] >> LR_PRIO_SHIFT) & 0xff, 0x80 - 0x10 * (7 - i));
	}
	/* The guest took and completed the three best ones; the fourth is now active. */
	lrs[0] = lrs[1] = lrs[2] = 0;
	lrs[3] = (lrs[3] & ~LR_STATE_PENDING) | LR_STATE_ACTIVE;
	vgic_fold_lrs(&gic, 0, lrs);
	n = vgic_build_lrs(&gic, 0, lrs);
	assert_int_equal(n, 4);
	assert_int_equal(lr_intid(lrs[0]), 4); /* the active one stays first */
	assert_true(lrs[0] & LR_STATE_ACTIVE);
	assert_int_equal(lr_intid(lrs[1]), 3);
	assert_int_equal(lr_intid(lrs[2]), 2);
	assert_int_equal(lr_intid(lrs[3]), 1);
	assert_true(cpu[0].underflow_irq);
	memset(lrs, 0, sizeof(lrs));
	vgic_fold_lrs(&gic, 0, lrs);
	n = vgic_build_lrs(&gic, 0, lrs);
	assert_int_equal(n, 1);
	assert_int_equal(lr_intid(lrs[0]), 0);
	assert_false(cpu[0].underflow_irq);
	memset(lrs, 0, sizeof(lrs));
	vgic_fold_lrs(&gic, 0, lrs);
	assert_int_equal(vgic_build_lrs(&gic, 0, lrs), 0);
	assert_false(vgic_has_pending(&gic, 0));
}

static void disabled_or_group_off_is_not_delivered(void **state)
{
	(void)state;
	uint64_t lrs[VGIC_MAX_LRS];
	vgic_send_sgi(&gic, 0, (3UL << 24) | 1);
	assert_false(vgic_has_pending(&gic, 0)); /* not enabled, group 1 off */
	rwrite(0, 0x10000 + 0x100, 1U << 3);
	assert_false(vgic_has_pending(&gic, 0));
	dwrite(0x0, GICD_CTLR_ENABLE_G1);
	assert_true(vgic_has_pending(&gic, 0));
	assert_int_equal(vgic_build_lrs(&gic, 0, lrs), 1);
	/* Pending stays visible through ISPENDR0. */
	uint64_t v;
	assert_true(vgic_redist_read(&gic, 0, 0x10000 + 0x200, 4, &v));
	assert_int_equal(v, 1U << 3);
}

static void sgi_targets_by_affinity(void **state)
{
	(void)state;
	dwrite(0x0, GICD_CTLR_ENABLE_G1);
	rwrite(1, 0x10000 + 0x100, 0xffff);
	/* vCPU 0 -> vCPU 1 (Aff0 = 1). */
	assert_int_equal(vgic_send_sgi(&gic, 0, (5UL << 24) | 2), 2);
	assert_true(vgic_has_pending(&gic, 1));
	assert_false(vgic_has_pending(&gic, 0));
	/* No vCPU at Aff1 = 0xff: nothing happens. */
	assert_int_equal(vgic_send_sgi(&gic, 0, (5UL << 24) | (0xffUL << 16) | 3), 0);
	/* IRM: everyone but the sender (only enabled SGIs need a kick). */
	assert_int_equal(vgic_send_sgi(&gic, 1, (6UL << 24) | (1UL << 40)), 0);
	rwrite(0, 0x10000 + 0x100, 1U << 6);
	assert_int_equal(vgic_send_sgi(&gic, 1, (6UL << 24) | (1UL << 40)), 1);
}

/* An SGI sent again while the previous one sits in a list register is a new interrupt:
 * acknowledging the old one must not swallow it (a lost IPI hangs its sender). */
static void edge_while_in_lr_is_not_lost(void **state)
{
	(void)state;
	uint64_t lrs[VGIC_MAX_LRS];
	dwrite(0x0, GICD_CTLR_ENABLE_G1);
	rwrite(1, 0x10000 + 0x100, 0xffff);
	assert_int_equal(vgic_send_sgi(&gic, 0, (1UL << 24) | 2), 2);
	assert_int_equal(vgic_build_lrs(&gic, 1, lrs), 1);
	/* In the LR (vCPU 1 runs), the sender sends the next one; then vCPU 1 exits with the
	 * first acknowledged and completed. */
	assert_int_equal(vgic_send_sgi(&gic, 0, (1UL << 24) | 2), 2);
	lrs[0] &= ~(LR_STATE_PENDING | LR_STATE_ACTIVE);
	vgic_fold_lrs(&gic, 1, lrs);
	assert_true(vgic_has_pending(&gic, 1));
	assert_int_equal(vgic_build_lrs(&gic, 1, lrs), 1);
	assert_true(lrs[0] & LR_STATE_PENDING);
	/* Completed too: nothing left. */
	lrs[0] &= ~(LR_STATE_PENDING | LR_STATE_ACTIVE);
	vgic_fold_lrs(&gic, 1, lrs);
	assert_false(vgic_has_pending(&gic, 1));
	/* Not yet acknowledged when the vCPU exits: it stays pending, once. */
	assert_int_equal(vgic_send_sgi(&gic, 0, (1UL << 24) | 2), 2);
	assert_int_equal(vgic_build_lrs(&gic, 1, lrs), 1);
	vgic_fold_lrs(&gic, 1, lrs);
	assert_true(vgic_has_pending(&gic, 1));
	assert_int_equal(vgic_build_lrs(&gic, 1, lrs), 1);
	lrs[0] &= ~(LR_STATE_PENDING | LR_STATE_ACTIVE);
	vgic_fold_lrs(&gic, 1, lrs);
	assert_false(vgic_has_pending(&gic, 1));
}

static void level_spi_follows_line_and_routing(void **state)
{
	(void)state;
	uint64_t lrs[VGIC_MAX_LRS];
	uint32_t kick = 0;
	dwrite(0x0, GICD_CTLR_ENABLE_G1);
	dwrite(0x100 + 4, 1U << 1); /* enable INTID 33 */
	/* Route it to vCPU 1 with a 64-bit IROUTER write. */
	assert_true(vgic_dist_write(&gic, 0, 0x6000 + 8 * 33, 8, 1, &kick));
	assert_int_equal(vgic_target(&gic, 0, 33), 1);
	assert_int_equal(vgic_set_line(&gic, 0, 33, true), 1);
	assert_int_equal(vgic_build_lrs(&gic, 0, lrs), 0);
	assert_int_equal(vgic_build_lrs(&gic, 1, lrs), 1);
	assert_int_equal(lr_intid(lrs[0]), 33);
	/* The guest acknowledged it (active); the line is still high: active and pending. */
	lrs[0] = (lrs[0] & ~LR_STATE_PENDING) | LR_STATE_ACTIVE;
	vgic_fold_lrs(&gic, 1, lrs);
	assert_int_equal(vgic_build_lrs(&gic, 1, lrs), 1);
	assert_true((lrs[0] & (LR_STATE_ACTIVE | LR_STATE_PENDING)) ==
		    (LR_STATE_ACTIVE | LR_STATE_PENDING));
	/* The device dropped its line before the guest completed: only active remains. */
	vgic_fold_lrs(&gic, 1, lrs);
	vgic_set_line(&gic, 0, 33, false);
	assert_int_equal(vgic_build_lrs(&gic, 1, lrs), 1);
	assert_true(lrs[0] & LR_STATE_ACTIVE);
	assert_false(lrs[0] & LR_STATE_PENDING);
	lrs[0] = 0;
	vgic_fold_lrs(&gic, 1, lrs);
	assert_int_equal(vgic_build_lrs(&gic, 1, lrs), 0);
	/* IROUTER reads back, also as 32-bit halves. */
	uint64_t v;
	assert_true(vgic_dist_read(&gic, 0, 0x6000 + 8 * 33, 4, &v));
	assert_int_equal(v, 1);
	assert_true(vgic_dist_read(&gic, 0, 0x6000 + 8 * 33 + 4, 4, &v));
	assert_int_equal(v, 0);
}

static void hw_interrupt_carries_physical_id(void **state)
{
	(void)state;
	uint64_t lrs[VGIC_MAX_LRS];
	dwrite(0x0, GICD_CTLR_ENABLE_G1);
	rwrite(0, 0x10000 + 0x100, 1U << 27);
	assert_int_equal(vgic_inject_hw(&gic, 0, 27, 27), 0);
	assert_int_equal(vgic_build_lrs(&gic, 0, lrs), 1);
	assert_true(lrs[0] & LR_HW);
	/* Not a sampled level (the PMU's kind): nothing to look at on every exit. */
	assert_int_equal(cpu[0].hw_pending, 0);
	assert_false(cpu[0].lrs_stale);
	assert_int_equal((lrs[0] & LR_PINTID_MASK) >> LR_PINTID_SHIFT, 27);
	/* Active: a hardware LR must not be pending and active at once. */
	lrs[0] = (lrs[0] & ~LR_STATE_PENDING) | LR_STATE_ACTIVE;
	vgic_fold_lrs(&gic, 0, lrs);
	assert_int_equal(vgic_build_lrs(&gic, 0, lrs), 1);
	assert_true(lrs[0] & LR_STATE_ACTIVE);
	assert_false(lrs[0] & LR_STATE_PENDING);
}

/* The virtual timer's interrupt is a level: pending only while the timer's output is high.
 * Turned off before the guest took it, it is withdrawn at the next read-back (and its
 * physical interrupt handed back for deactivation); taken, it stays linked. */
static uint64_t timer_lr(void)
{
	uint64_t lrs[VGIC_MAX_LRS];
	dwrite(0x0, GICD_CTLR_ENABLE_G1);
	rwrite(0, 0x10000 + 0x100, 1U << 27);
	assert_int_equal(vgic_inject_hw_level(&gic, 0, 27, 27), 0);
	assert_int_equal(refold(0, lrs), 1);
	assert_true(lrs[0] & LR_HW);
	assert_true(lrs[0] & LR_STATE_PENDING);
	return lrs[0];
}

static void timer_turned_off_before_taken_is_withdrawn(void **state)
{
	(void)state;
	uint64_t lrs[VGIC_MAX_LRS];
	lrs[0] = timer_lr();
	/* Offered and not taken: every exit reads the list registers back, to look again. */
	assert_int_equal(cpu[0].hw_pending, 1U << 27);
	assert_true(cpu[0].lrs_stale);
	/* An exit while the timer is still on: it stays. */
	assert_int_equal(refold(0, lrs), 1);
	assert_true(lrs[0] & LR_STATE_PENDING);
	/* The guest turned its timer off (the list register still says pending). */
	uint32_t hw = 1U << 27;
	assert_int_equal(vgic_refold_lrs(&gic, 0, lrs, &hw), 0);
	assert_int_equal(hw, 1U << 27); /* the caller deactivates the physical PPI */
	assert_false(vgic_has_pending(&gic, 0));
	assert_int_equal(cpu[0].hw_pending, 0);
	assert_false(cpu[0].lrs_stale);
	uint64_t v;
	assert_true(vgic_redist_read(&gic, 0, 0x10000 + 0x200, 4, &v)); /* ISPENDR0 */
	assert_false(v & (1U << 27));
	assert_false(vgic_irq(&gic, 0, 27)->hw);
	/* The timer fires again later: linked again, delivered. */
	assert_int_equal(vgic_inject_hw_level(&gic, 0, 27, 27), 0);
	assert_int_equal(refold(0, lrs), 1);
	assert_true((lrs[0] & (LR_HW | LR_STATE_PENDING)) == (LR_HW | LR_STATE_PENDING));
}

static void timer_taken_stays_linked_when_turned_off(void **state)
{
	(void)state;
	uint64_t lrs[VGIC_MAX_LRS];
	lrs[0] = (timer_lr() & ~LR_STATE_PENDING) | LR_STATE_ACTIVE; /* the guest took it */
	uint32_t hw = 1U << 27;
	assert_int_equal(vgic_refold_lrs(&gic, 0, lrs, &hw), 1);
	assert_int_equal(hw, 0); /* its deactivation reaches the physical one, not Triad's */
	assert_true((lrs[0] & (LR_HW | LR_STATE_ACTIVE)) == (LR_HW | LR_STATE_ACTIVE));
	assert_false(lrs[0] & LR_STATE_PENDING);
	assert_int_equal(cpu[0].hw_pending, 0);
	assert_false(cpu[0].lrs_stale); /* nothing left to look at on every exit */
	/* Deactivated by the guest: the link goes, nothing is pending. */
	lrs[0] = 0;
	assert_int_equal(refold(0, lrs), 0);
	assert_false(vgic_irq(&gic, 0, 27)->hw);
	assert_false(vgic_has_pending(&gic, 0));
}

/* Pending while the guest has it disabled: turned off, then enabled, it is not delivered. */
static void timer_off_while_disabled_is_not_delivered_on_enable(void **state)
{
	(void)state;
	uint64_t lrs[VGIC_MAX_LRS];
	dwrite(0x0, GICD_CTLR_ENABLE_G1);
	assert_int_equal(vgic_inject_hw_level(&gic, 0, 27, 27), -1);
	assert_int_equal(cpu[0].hw_pending, 1U << 27);
	assert_int_equal(refold(0, lrs), 0);
	assert_true(cpu[0].lrs_stale); /* still watched */
	/* The enable's exit reads back and samples the timer (off) before the write. */
	vgic_fold_lrs(&gic, 0, lrs);
	assert_int_equal(vgic_hw_resample(&gic, 0, 1U << 27), 1U << 27);
	rwrite(0, 0x10000 + 0x100, 1U << 27);
	assert_int_equal(refold(0, lrs), 0);
	assert_false(vgic_has_pending(&gic, 0));
}

/* The list registers stay in the CPU across exits until something makes them stale: an
 * interrupt for that vCPU, a line dropped under one of them, any register write. */
static void list_registers_go_stale_only_when_they_must(void **state)
{
	(void)state;
	uint64_t lrs[VGIC_MAX_LRS];
	dwrite(0x0, GICD_CTLR_ENABLE_G1);
	rwrite(1, 0x10000 + 0x100, 1U << 1);
	dwrite(0x100 + 4, 1U << 1); /* enable SPI 33, routed to vCPU 0 (IROUTER 0) */
	assert_true(cpu[0].lrs_stale && cpu[1].lrs_stale); /* register writes */
	assert_int_equal(refold(0, lrs), 0);
	assert_int_equal(refold(1, lrs), 0);
	assert_false(cpu[0].lrs_stale || cpu[1].lrs_stale);
	/* An SGI from vCPU 0 to vCPU 1 leaves the sender's list registers alone. */
	assert_int_equal(vgic_send_sgi(&gic, 0, (1UL << 24) | 2), 2);
	assert_false(cpu[0].lrs_stale);
	assert_true(cpu[1].lrs_stale);
	assert_int_equal(refold(1, lrs), 1);
	assert_false(cpu[1].lrs_stale);
	/* Reads change nothing. */
	uint64_t v;
	assert_true(vgic_redist_read(&gic, 1, 0x10000 + 0x200, 4, &v));
	assert_int_equal(dread(0x4) & 0x1f, VGIC_NR_IRQS / 32 - 1);
	assert_false(cpu[0].lrs_stale || cpu[1].lrs_stale);
	/* A level SPI in vCPU 0's list register: dropping its line makes them stale, and the
	 * rebuild withdraws it (it was never acknowledged). */
	assert_int_equal(vgic_set_line(&gic, 0, 33, true), 0);
	assert_true(cpu[0].lrs_stale);
	assert_int_equal(refold(0, lrs), 1);
	assert_int_equal(lr_intid(lrs[0]), 33);
	assert_false(cpu[0].lrs_stale);
	vgic_set_line(&gic, 0, 33, false);
	assert_true(cpu[0].lrs_stale);
	assert_int_equal(refold(0, lrs), 0);
	assert_false(vgic_has_pending(&gic, 0));
	/* A priority write (no interrupt marked) still makes every vCPU rebuild. */
	uint32_t kick = 0;
	assert_true(vgic_dist_write(&gic, 0, 0x400 + 33, 1, 0x40, &kick));
	assert_true(cpu[0].lrs_stale && cpu[1].lrs_stale);
}

/* SPIs in every word of the pending bitmap are found, not only the first ones. */
static void the_highest_spi_is_delivered(void **state)
{
	(void)state;
	uint64_t lrs[VGIC_MAX_LRS];
	uint32_t last = VGIC_NR_IRQS - 1;
	dwrite(0x0, GICD_CTLR_ENABLE_G1);
	dwrite(0x100 + last / 32 * 4, 1U << (last % 32));
	assert_int_equal(vgic_set_line(&gic, 0, last, true), 0);
	assert_true(vgic_has_pending(&gic, 0));
	assert_int_equal(refold(0, lrs), 1);
	assert_int_equal(lr_intid(lrs[0]), last);
	/* Completed with its line dropped: nothing is left to find. */
	vgic_set_line(&gic, 0, last, false);
	lrs[0] = 0;
	assert_int_equal(refold(0, lrs), 0);
	assert_false(vgic_has_pending(&gic, 0));
	assert_int_equal(cpu[0].pending_words, 0);
}

static void registers_are_raz_wi_where_they_should_be(void **state)
{
	(void)state;
	uint64_t typer = dread(0x4);
	assert_int_equal(typer & 0x1f, VGIC_NR_IRQS / 32 - 1);
	dwrite(0x4, 0xffffffff);
	assert_int_equal(dread(0x4), typer);
	dwrite(0xc000, 0xffffffff);
	assert_int_equal(dread(0xc000), 0);
	dwrite(0x0, 0xffffffff);
	assert_int_equal(dread(0x0) & ~0x53U, 0);
	assert_int_equal((dread(0xffe8) >> 4) & 0xf, 3);
	/* IROUTER of an INTID the GIC does not implement. */
	uint32_t kick = 0;
	assert_true(vgic_dist_write(&gic, 0, 0x6000 + 8 * 1000, 8, 0xff, &kick));
	uint64_t v = 1;
	assert_true(vgic_dist_read(&gic, 0, 0x6000 + 8 * 1000, 8, &v));
	assert_int_equal(v, 0);
	/* Sizes and alignment the architecture does not allow. */
	assert_false(vgic_dist_read(&gic, 0, 0x0, 2, &v));
	assert_false(vgic_dist_read(&gic, 0, 0x2, 4, &v));
	assert_false(vgic_dist_write(&gic, 0, 0x100, 8, 0, &kick));
	assert_false(vgic_dist_read(&gic, 0, 0x10000, 4, &v));
	/* Priority bytes keep only the implemented bits. */
	assert_true(vgic_dist_write(&gic, 0, 0x400 + 40, 1, 0xff, &kick));
	assert_true(vgic_dist_read(&gic, 0, 0x400 + 40, 1, &v));
	assert_int_equal(v, 0xf8);
	/* SGIs' configuration is fixed. */
	rwrite(0, 0x10000 + 0xc00, 0);
	assert_true(vgic_redist_read(&gic, 0, 0x10000 + 0xc00, 4, &v));
	assert_int_equal(v, 0xaaaaaaaa);
}

static void redistributor_identity(void **state)
{
	(void)state;
	uint64_t v;
	assert_true(vgic_redist_read(&gic, 0, 0x8, 8, &v));
	assert_int_equal(v >> 32, 0);
	assert_int_equal(v & (1U << 4), 0);
	assert_true(vgic_redist_read(&gic, 1, 0x8, 8, &v));
	assert_int_equal(v >> 32, 1);
	assert_true(v & (1U << 4)); /* Last */
	assert_true(vgic_redist_read(&gic, 1, 0x14, 4, &v));
	assert_int_equal(v, 6);
	rwrite(1, 0x14, 0);
	assert_true(vgic_redist_read(&gic, 1, 0x14, 4, &v));
	assert_int_equal(v, 0);
	rwrite(1, 0x8, 0xffffffff); /* read-only */
	assert_true(vgic_redist_read(&gic, 1, 0x8, 4, &v));
	assert_int_equal(v, (1U << 8) | (1U << 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(sgis_overflow_in_priority_order, setup),
	    cmocka_unit_test_setup(disabled_or_group_off_is_not_delivered, setup),
	    cmocka_unit_test_setup(sgi_targets_by_affinity, setup),
	    cmocka_unit_test_setup(edge_while_in_lr_is_not_lost, setup),
	    cmocka_unit_test_setup(level_spi_follows_line_and_routing, setup),
	    cmocka_unit_test_setup(hw_interrupt_carries_physical_id, setup),
	    cmocka_unit_test_setup(timer_turned_off_before_taken_is_withdrawn, setup),
	    cmocka_unit_test_setup(timer_taken_stays_linked_when_turned_off, setup),
	    cmocka_unit_test_setup(timer_off_while_disabled_is_not_delivered_on_enable, setup),
	    cmocka_unit_test_setup(list_registers_go_stale_only_when_they_must, setup),
	    cmocka_unit_test_setup(the_highest_spi_is_delivered, setup),
	    cmocka_unit_test_setup(registers_are_raz_wi_where_they_should_be, setup),
	    cmocka_unit_test_setup(redistributor_identity, setup),
	};
	return cmocka_run_group_tests_name("vgic", tests, NULL, NULL);
}
