/* The scheduler's mechanism: a run queue per physical CPU, vCPUs blocking in WFI and being
 * woken by interrupts, time slices on the EL2 physical timer, and moving vCPUs between
 * CPUs. Which vCPU runs next and where a vCPU goes is the policy's business (sched_fair.c).
 *
 * Locking: a vCPU's scheduler state (se.state, se.cpu, its run queue links, v->loaded) is
 * protected by the lock of run queue se.cpu. se.cpu only changes with both the old and the
 * new queue's locks held, and only for a vCPU whose state is not in any CPU's registers.
 * A CPU keeps the last vCPU it ran loaded while it idles (the common case is that the same
 * vCPU runs next), so a loaded vCPU is always woken onto the CPU that holds its state.
 *
 * Guests' TLB maintenance is broadcast (HCR_EL2.FB), so a vCPU moving to another CPU finds
 * no stale stage-1 entries of its own VM there. */
#include <arch/sysreg.h>
#include <triad/cpu.h>
#include <triad/log.h>
#include <triad/sched.h>
#include <triad/trace.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vm.h>

#include "../irq/gicv3.h"

static struct runqueue runqueues[MAX_CPUS];
static struct runqueue *rq_of[MAX_CPUS];
static const struct sched_policy *policy = &sched_rt_fair;

void vcpu_put(struct vcpu *v); /* core/vcpu.c */

static void slice_expired(struct softtimer *t)
{
	struct cpu *c = container_of(t, struct cpu, slice_timer);
	if (runqueues[c->id].nr_queued)
		c->need_resched = true;
}

void sched_init(void)
{
	sched_ticks_per_ms = read_sysreg(cntfrq_el0) / 1000;
	if (!sched_ticks_per_ms)
		sched_ticks_per_ms = 62500;
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		rq_init(&runqueues[i], i);
		rq_of[i] = &runqueues[i];
		cpus[i].slice_timer.fn = slice_expired;
		cpus[i].rq_nr_queued = &runqueues[i].nr_queued;
	}
	pr_info("scheduler: policy '%s', %u physical CPU(s)", policy->name, nr_cpus);
}

void sched_add_vcpu(struct vcpu *v, uint32_t affinity, unsigned weight, unsigned first_cpu)
{
	struct sched_entity *se = &v->se;
	se->state = SCHED_BLOCKED;
	se->affinity = affinity;
	se->weight = weight;
	se->cpu = first_cpu;
}

/* A vCPU wants a CPU: it is powered on (or about to be) and its VM runs. */
static bool runnable(const struct vcpu *v);
static struct runqueue *lock_rq_of(struct vcpu *v);

bool sched_remove_vcpu(struct vcpu *v)
{
	struct runqueue *rq = lock_rq_of(v);
	struct sched_entity *se = &v->se;
	if (se->state == SCHED_QUEUED && !runnable(v)) {
		policy->dequeue(rq, se);
		se->state = SCHED_BLOCKED;
	}
	bool out = se->state == SCHED_BLOCKED && !v->loaded;
	spin_unlock(&rq->lock);
	return out;
}

static bool runnable(const struct vcpu *v)
{
	return v->power != VCPU_OFF && v->vm->state == VM_RUNNING;
}

static struct runqueue *lock_rq_of(struct vcpu *v)
{
	for (;;) {
		unsigned cpu = READ_ONCE(v->se.cpu);
		struct runqueue *rq = &runqueues[cpu];
		spin_lock(&rq->lock);
		if (v->se.cpu == cpu)
			return rq;
		spin_unlock(&rq->lock);
	}
}

static void lock_two(struct runqueue *a, struct runqueue *b)
{
	if (a->cpu < b->cpu) {
		spin_lock(&a->lock);
		spin_lock(&b->lock);
	} else {
		spin_lock(&b->lock);
		spin_lock(&a->lock);
	}
}

static void unlock_two(struct runqueue *a, struct runqueue *b)
{
	spin_unlock(&a->lock);
	spin_unlock(&b->lock);
}

/* Makes CPU `cpu` look at its run queue soon. */
static void poke(unsigned cpu, bool resched)
{
	if (resched)
		cpus[cpu].need_resched = true;
	if (cpu != this_cpu()->id)
		gic_send_sgi(cpus[cpu].mpidr, IPI_KICK);
}

void sched_wake(struct vcpu *v)
{
	/* Whoever runs v next sees what changed: its pending interrupts, its power state. */
	v->kicked = true;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	struct runqueue *rq = lock_rq_of(v);
	struct sched_entity *se = &v->se;
	if (se->state == SCHED_RUNNING) {
		unsigned cpu = rq->cpu;
		spin_unlock(&rq->lock);
		poke(cpu, false); /* exit the guest so the new state reaches the list registers */
		return;
	}
	if (se->state == SCHED_QUEUED || !runnable(v)) {
		/* Queued while its VM stopped running (paused, stopped): out of the queue, so
		 * that it takes no turn and keeps no other vCPU's slice short. */
		if (se->state == SCHED_QUEUED && !runnable(v)) {
			policy->dequeue(rq, se);
			se->state = SCHED_BLOCKED;
		}
		bool loaded_idle = v->loaded && !rq->curr;
		unsigned cpu = rq->cpu;
		spin_unlock(&rq->lock);
		if (loaded_idle && !runnable(v))
			poke(cpu, false); /* let that CPU drop v's state: it will not run again */
		return;
	}
	unsigned target = rq->cpu;
	if (!v->loaded)
		target = policy->select_cpu(rq_of, nr_cpus, se);
	if (target != rq->cpu) {
		struct runqueue *to = &runqueues[target];
		spin_unlock(&rq->lock);
		lock_two(rq, to);
		if (se->state != SCHED_BLOCKED || se->cpu != rq->cpu || v->loaded) {
			/* Changed meanwhile: someone else took care of it, or retry. */
			unlock_two(rq, to);
			if (se->state == SCHED_BLOCKED)
				sched_wake(v);
			return;
		}
		/* Queued on the new CPU before the old queue's lock goes: until then se.cpu
		 * names the old one and se.state says blocked, and a second waker taking that
		 * lock would queue it there too (then two CPUs ran it at once). */
		policy->migrate(rq, to, se);
		se->migrations++;
		policy->enqueue(to, se, true);
		spin_unlock(&rq->lock);
		rq = to;
	} else {
		policy->enqueue(rq, se, true);
	}
	bool preempt = policy->should_preempt(rq, se);
	unsigned cpu = rq->cpu;
	bool was_idle = rq->curr == NULL;
	spin_unlock(&rq->lock);
	/* CPUs whose vCPU sleeps in its own WFI must trap it again, or it could sleep on
	 * while this one waits. The fence orders the enqueue before reading their flags, as
	 * they set those before reading the queues. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (cpus[cpu].wfx_native)
		cpus[cpu].wfx_recheck = true;
	/* An idle CPU only needs waking; a busy one needs to switch if the policy says so,
	 * or else at least to arm its slice timer now that it has company. */
	poke(cpu, preempt && !was_idle);
	/* CPUs idling inside a vCPU's WFI, Triad's or the guest's own, would not steal this
	 * one: make them look. */
	if (!was_idle)
		for (unsigned i = 0; i < nr_cpus; i++)
			if (i != cpu && (cpus[i].guest_idle || cpus[i].wfx_native) &&
			    (se->affinity & (1U << i))) {
				cpus[i].wfx_recheck = true;
				poke(i, false);
			}
}

bool sched_block(struct vcpu *v)
{
	struct runqueue *rq = lock_rq_of(v);
	bool blocked = false;
	/* An interrupt that arrived after the guest's WFI set `kicked` before we got here. */
	if (!v->kicked && v->se.state == SCHED_RUNNING) {
		v->se.state = SCHED_BLOCKED;
		blocked = true;
	}
	spin_unlock(&rq->lock);
	return blocked;
}

bool sched_nothing_queued(void)
{
	for (unsigned i = 0; i < nr_cpus; i++)
		if (READ_ONCE(runqueues[i].nr_queued))
			return false;
	return true;
}

void sched_yield(struct vcpu *v)
{
	struct cpu *c = this_cpu();
	struct runqueue *rq = &runqueues[c->id];
	spin_lock(&rq->lock);
	if (rq->nr_queued && rq->curr == &v->se) {
		policy->yield(rq, &v->se);
		c->need_resched = true;
	}
	spin_unlock(&rq->lock);
}

/* A vCPU whose registers are not in any CPU can change queues. */
static bool movable(const struct sched_entity *se)
{
	return !container_of(se, struct vcpu, se)->loaded;
}

static void balance(struct runqueue *rq)
{
	spin_assert_held(&rq->lock);
	struct runqueue *busiest = NULL;
	unsigned most = rq_nr_running(rq) + 1;
	for (unsigned i = 0; i < nr_cpus; i++) {
		unsigned n =
		    READ_ONCE(runqueues[i].nr_queued) + (READ_ONCE(runqueues[i].curr) != NULL);
		if (i != rq->cpu && n > most) {
			busiest = &runqueues[i];
			most = n;
		}
	}
	if (!busiest)
		return;
	spin_unlock(&rq->lock);
	lock_two(rq, busiest);
	struct sched_entity *se = policy->steal(rq, busiest, movable);
	if (se) {
		policy->migrate(busiest, rq, se);
		se->migrations++;
		policy->enqueue(rq, se, false);
	}
	spin_unlock(&busiest->lock);
}

/* After a vCPU leaves the guest: account its time, queue it again if it still wants the
 * CPU, and choose what runs next. Returns with the next vCPU loaded, or NULL to idle. */
struct vcpu *sched_switch(void)
{
	struct cpu *c = this_cpu();
	struct runqueue *rq = &runqueues[c->id];
	spin_lock(&rq->lock);
	uint64_t now = read_sysreg(cntpct_el0);
	struct sched_entity *prev = rq->curr;
	if (prev) {
		policy->charge(rq, prev, now - c->run_start);
		rq->curr = NULL;
		if (prev->state == SCHED_RUNNING) {
			struct vcpu *pv = container_of(prev, struct vcpu, se);
			if (runnable(pv))
				policy->enqueue(rq, prev, false);
			else
				prev->state = SCHED_BLOCKED;
		}
	}
	balance(rq);
	struct sched_entity *next;
	struct vcpu *v = NULL;
	while ((next = policy->pick_next(rq))) {
		v = container_of(next, struct vcpu, se);
		if (runnable(v))
			break;
		next->state = SCHED_BLOCKED; /* powered off or its VM stopped while queued */
		v = NULL;
	}
	struct vcpu *old = c->loaded;
	/* Drop the loaded state if another vCPU runs, or if it will not run again soon. The
	 * last vCPU out of a VM that asked for a reset, or stopped, starts the reset (or the
	 * teardown). */
	if (old && old != v && (v || !runnable(old) || old->se.state != SCHED_BLOCKED)) {
		vcpu_put(old);
		enum vm_state st = old->vm->state;
		if (!READ_ONCE(old->vm->nr_loaded) &&
		    (st == VM_RESETTING || st == VM_STOPPED || st == VM_DEAD))
			c->reset_vm = old->vm;
	}
	if (v && v != old)
		TRACE(c, TRACE_SCHED, v->vm->id, v->id,
		      old ? (uint64_t)old->vm->id << 16 | old->id : ~0UL, 0);
	if (v) {
		next->state = SCHED_RUNNING;
		next->ran_on |= 1U << c->id;
		rq->curr = next;
		c->run_start = now;
	}
	c->need_resched = false;
	if (rq->nr_queued)
		softtimer_arm(&c->slice_timer, now + policy->slice(rq));
	else
		softtimer_cancel(&c->slice_timer);
	spin_unlock(&rq->lock);
	return v;
}

void sched_arm_slice(struct cpu *c)
{
	softtimer_arm(&c->slice_timer, read_sysreg(cntpct_el0) + policy->slice(&runqueues[c->id]));
}

/* Wakes idle CPUs so they can take work from busy ones. */
void sched_kick_idle(void)
{
	for (unsigned i = 0; i < nr_cpus; i++)
		if (!READ_ONCE(runqueues[i].curr) && cpus[i].online)
			poke(i, false);
}

uint64_t sched_runtime(const struct sched_entity *se)
{
	uint64_t t = READ_ONCE(se->runtime);
	/* A slice is charged when it ends: add the one running now. */
	if (READ_ONCE(se->state) == SCHED_RUNNING) {
		uint64_t start = READ_ONCE(cpus[se->cpu].run_start), now = read_sysreg(cntpct_el0);
		t += now > start ? now - start : 0;
	}
	return t;
}

void sched_print_stats(void)
{
	static const char *const states[] = {"blocked", "queued", "running"};
	for (unsigned i = 0; i < nr_cpus; i++) {
		struct runqueue *rq = &runqueues[i];
		struct vcpu *curr = rq->curr ? container_of(rq->curr, struct vcpu, se) : NULL;
		pr_info("sched: CPU %u: running %s vCPU %d, %u queued", i,
			curr ? curr->vm->name : "-", curr ? (int)curr->id : -1, rq->nr_queued);
	}
	vm_list_lock();
	for (unsigned i = 0; i < nr_vms; i++) {
		struct vm *vm = vm_by_id(i);
		if (!vm)
			continue;
		for (unsigned j = 0; j < vm->ncpus; j++) {
			struct sched_entity *se = &vm->vcpu[j]->se;
			pr_info(
			    "sched: VM '%s' vCPU %u: ran %lu ms on CPUs mask 0x%x (allowed 0x%x), "
			    "%u migrations, weight %u, %s on CPU %u%s",
			    vm->name, j, sched_runtime(se) / sched_ticks_per_ms, se->ran_on,
			    se->affinity, se->migrations, se->weight, states[se->state], se->cpu,
			    vm->state == VM_PAUSED ? " (VM paused)" : "");
		}
	}
	vm_list_unlock();
}
