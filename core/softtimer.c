/* Per-CPU one-shot timers multiplexed on the EL2 physical timer (CNTHP). A timer fires on
 * the CPU that armed it; any CPU may cancel it (a vCPU's timers follow it around), so each
 * CPU's list has a lock. Callbacks run without it, and may re-arm their timer. */
#include <arch/sysreg.h>
#include <triad/cpu.h>
#include <triad/softtimer.h>
#include <triad/util.h>

static void program(struct cpu *c)
{
	spin_assert_held(&c->timers_lock);
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
	spin_assert_held(&c->timers_lock);
	for (struct softtimer **p = &c->timers; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			break;
		}
	}
	t->armed = false;
}

/* Removes t from the list it is on; returns that CPU with its timer lock held. */
static struct cpu *detach(struct softtimer *t)
{
	for (;;) {
		if (!READ_ONCE(t->armed))
			return NULL;
		struct cpu *c = &cpus[READ_ONCE(t->cpu)];
		spin_lock(&c->timers_lock);
		if (t->armed && t->cpu == c->id) {
			unlink(c, t);
			return c;
		}
		spin_unlock(&c->timers_lock);
	}
}

void softtimer_arm(struct softtimer *t, uint64_t deadline)
{
	struct cpu *self = this_cpu();
	struct cpu *was = detach(t);
	if (was && was != self)
		spin_unlock(&was->timers_lock); /* its CNTHP may fire early: harmless */
	if (was != self)
		spin_lock(&self->timers_lock);
	t->deadline = deadline;
	t->cpu = self->id;
	struct softtimer **p = &self->timers;
	while (*p && (*p)->deadline <= deadline)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
	t->armed = true;
	program(self);
	spin_unlock(&self->timers_lock);
}

void softtimer_cancel(struct softtimer *t)
{
	struct cpu *c = detach(t);
	if (!c)
		return;
	if (c == this_cpu())
		program(c);
	spin_unlock(&c->timers_lock);
}

static bool running_anywhere(const struct softtimer *t)
{
	for (unsigned i = 0; i < nr_cpus; i++)
		if (__atomic_load_n(&cpus[i].timer_running, __ATOMIC_ACQUIRE) == t)
			return true;
	return false;
}

void softtimer_cancel_sync(struct softtimer *t)
{
	do {
		softtimer_cancel(t);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		while (running_anywhere(t))
			cpu_relax();
	} while (READ_ONCE(t->armed));
}

void softtimer_expire(void)
{
	struct cpu *c = this_cpu();
	for (;;) {
		spin_lock(&c->timers_lock);
		uint64_t now = read_sysreg(cntpct_el0);
		struct softtimer *t = c->timers;
		if (!t || t->deadline > now) {
			program(c);
			spin_unlock(&c->timers_lock);
			return;
		}
		c->timers = t->next;
		/* Running before no longer armed: softtimer_cancel_sync sees one or the other. */
		__atomic_store_n(&c->timer_running, t, __ATOMIC_SEQ_CST);
		__atomic_store_n(&t->armed, false, __ATOMIC_SEQ_CST);
		spin_unlock(&c->timers_lock);
		t->fn(t);
		__atomic_store_n(&c->timer_running, NULL, __ATOMIC_RELEASE);
	}
}
