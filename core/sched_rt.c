/*
 * The real-time class in front of the fair policy: a real-time vCPU (a VM configured
 * `realtime`, each vCPU pinned to one physical CPU) runs whenever it is runnable, before any
 * fair vCPU, and a fair vCPU never preempts it: its wake-up preempts a fair vCPU at once (an
 * IPI away), and no time slice ends its turn while only fair vCPUs wait. Real-time vCPUs
 * sharing a CPU take turns in FIFO order with a slice each. Everything else is
 * sched_fair's. Pure logic: host-tested (tests/unit/test_sched.c).
 */
#include <stddef.h>
#include <triad/sched.h>

#define RT_SLICE_MS 4
#define RT_NO_SLICE (UINT64_MAX / 4) /* alone among real-time vCPUs: no slice ends it */

static void rt_add_tail(struct runqueue *rq, struct sched_entity *se)
{
	se->next = NULL;
	se->prev = rq->rt_tail;
	if (rq->rt_tail)
		rq->rt_tail->next = se;
	else
		rq->rt_head = se;
	rq->rt_tail = se;
	rq->nr_queued++;
	se->state = SCHED_QUEUED;
	se->cpu = rq->cpu;
}

static void rt_remove(struct runqueue *rq, struct sched_entity *se)
{
	if (se->prev)
		se->prev->next = se->next;
	else
		rq->rt_head = se->next;
	if (se->next)
		se->next->prev = se->prev;
	else
		rq->rt_tail = se->prev;
	se->next = se->prev = NULL;
	rq->nr_queued--;
}

static void enqueue(struct runqueue *rq, struct sched_entity *se, bool woken)
{
	if (se->rt)
		rt_add_tail(rq, se);
	else
		sched_fair.enqueue(rq, se, woken);
}

static void dequeue(struct runqueue *rq, struct sched_entity *se)
{
	if (se->rt)
		rt_remove(rq, se);
	else
		sched_fair.dequeue(rq, se);
}

static struct sched_entity *pick_next(struct runqueue *rq)
{
	struct sched_entity *se = rq->rt_head;
	if (!se)
		return sched_fair.pick_next(rq);
	rt_remove(rq, se);
	return se;
}

static void charge(struct runqueue *rq, struct sched_entity *se, uint64_t ticks)
{
	if (se->rt)
		se->runtime += ticks; /* no virtual runtime: it is not in the fair competition */
	else
		sched_fair.charge(rq, se, ticks);
}

static void yield(struct runqueue *rq, struct sched_entity *se)
{
	/* A real-time vCPU goes behind the queue when it is put back (FIFO): nothing to do.
	 * It never yields to fair vCPUs. */
	if (!se->rt)
		sched_fair.yield(rq, se);
}

static bool should_preempt(const struct runqueue *rq, const struct sched_entity *se)
{
	if (!rq->curr)
		return true;
	if (rq->curr->rt)
		return false; /* a fair vCPU never; another real-time one at the slice's end */
	return se->rt || sched_fair.should_preempt(rq, se);
}

static uint64_t slice(const struct runqueue *rq)
{
	if (rq->curr && rq->curr->rt)
		return rq->rt_head ? RT_SLICE_MS * sched_ticks_per_ms : RT_NO_SLICE;
	return sched_fair.slice(rq);
}

static unsigned select_cpu(struct runqueue *const *rqs, unsigned n, const struct sched_entity *se)
{
	if (!se->rt)
		return sched_fair.select_cpu(rqs, n, se);
	/* Pinned (the config checks one CPU per real-time vCPU): its CPU, whatever the load. */
	for (unsigned i = 0; i < n && i < 32; i++)
		if (se->affinity & (1U << i))
			return i;
	return se->cpu;
}

static struct sched_entity *steal(struct runqueue *rq, struct runqueue *busiest,
				  bool (*movable)(const struct sched_entity *))
{
	return sched_fair.steal(rq, busiest, movable); /* real-time vCPUs stay where pinned */
}

static void migrate(const struct runqueue *from, const struct runqueue *to, struct sched_entity *se)
{
	if (!se->rt)
		sched_fair.migrate(from, to, se);
}

const struct sched_policy sched_rt_fair = {
    .name = "real-time + fair",
    .enqueue = enqueue,
    .dequeue = dequeue,
    .pick_next = pick_next,
    .charge = charge,
    .yield = yield,
    .should_preempt = should_preempt,
    .slice = slice,
    .select_cpu = select_cpu,
    .steal = steal,
    .migrate = migrate,
};
