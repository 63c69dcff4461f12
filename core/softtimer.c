/* Per-CPU one-shot timers multiplexed on the EL2 physical timer (CNTHP). Timers are armed
 * and fired on the same CPU with interrupts masked, so the list needs no lock. */
#include <arch/sysreg.h>
#include <triad/cpu.h>
#include <triad/softtimer.h>

static void program(struct cpu *c)
{
	if (c->timers) {
		write_sysreg(cnthp_cval_el2, c->timers->deadline);
		write_sysreg(cnthp_ctl_el2, CNT_CTL_ENABLE);
	} else {
		write_sysreg(cnthp_ctl_el2, CNT_CTL_IMASK);
	}
	isb();
}

static void unlink(struct cpu *c, struct softtimer *t)
{
	for (struct softtimer **p = &c->timers; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			break;
		}
	}
	t->armed = false;
}

void softtimer_arm(struct softtimer *t, uint64_t deadline)
{
	struct cpu *c = this_cpu();
	if (t->armed)
		unlink(c, t);
	t->deadline = deadline;
	struct softtimer **p = &c->timers;
	while (*p && (*p)->deadline <= deadline)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
	t->armed = true;
	program(c);
}

void softtimer_cancel(struct softtimer *t)
{
	struct cpu *c = this_cpu();
	if (t->armed) {
		unlink(c, t);
		program(c);
	}
}

void softtimer_expire(void)
{
	struct cpu *c = this_cpu();
	uint64_t now = read_sysreg(cntpct_el0);
	while (c->timers && c->timers->deadline <= now) {
		struct softtimer *t = c->timers;
		c->timers = t->next;
		t->armed = false;
		t->fn(t);
	}
	program(c);
}
