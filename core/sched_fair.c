/* The default policy: weighted fair sharing. Each vCPU accumulates virtual runtime, its
 * CPU time scaled by SCHED_WEIGHT_DEFAULT / weight, and the one with the least runs next,
 * so over time each gets CPU in proportion to its weight. Pure logic: host-tested. */
#include <stddef.h>
#include <triad/sched.h>

#define SLICE_MS      4 /* how long a vCPU runs while others wait */
#define WAKE_GRAIN_MS 1 /* a woken vCPU preempts only if this much behind */

uint64_t sched_ticks_per_ms = 62500; /* set from CNTFRQ at boot */

void rq_init(struct runqueue *rq, unsigned cpu)
{
	spin_init(&rq->lock);
	rq->cpu = cpu;
	rq->head = NULL;
	rq->rt_head = rq->rt_tail = NULL;
	rq->nr_queued = 0;
	rq->curr = NULL;
	rq->min_vruntime = 0;
}

static void rq_add(struct runqueue *rq, struct sched_entity *se)
{
	se->prev = NULL;
	se->next = rq->head;
	if (rq->head)
		rq->head->prev = se;
	rq->head = se;
	rq->nr_queued++;
	se->state = SCHED_QUEUED;
	se->cpu = rq->cpu;
}

static void rq_remove(struct runqueue *rq, struct sched_entity *se)
{
	if (se->prev)
		se->prev->next = se->next;
	else
		rq->head = se->next;
	if (se->next)
		se->next->prev = se->prev;
	se->next = se->prev = NULL;
	rq->nr_queued--;
}

unsigned rq_nr_running(const struct runqueue *rq)
{
	return rq->nr_queued + (rq->curr != NULL);
}

static uint64_t rq_load(const struct runqueue *rq)
{
	uint64_t load = rq->curr ? rq->curr->weight : 0;
	for (const struct sched_entity *se = rq->head; se; se = se->next)
		load += se->weight;
	for (const struct sched_entity *se = rq->rt_head; se; se = se->next)
		load += se->weight; /* real-time vCPUs waiting there take the CPU first */
	return load;
}

/* min_vruntime follows the smallest vruntime on the queue, but never goes back. */
static void update_min_vruntime(struct runqueue *rq)
{
	uint64_t min = UINT64_MAX;
	if (rq->curr && !rq->curr->rt) /* a real-time vCPU has no virtual runtime */
		min = rq->curr->vruntime;
	for (const struct sched_entity *se = rq->head; se; se = se->next)
		if (se->vruntime < min)
			min = se->vruntime;
	if (min != UINT64_MAX && min > rq->min_vruntime)
		rq->min_vruntime = min;
}

static void fair_enqueue(struct runqueue *rq, struct sched_entity *se, bool woken)
{
	if (woken) {
		/* A vCPU that slept gets at most half a slice of credit: enough to run soon
		 * after its interrupt, not enough to hog the CPU after a long sleep. */
		uint64_t credit = SLICE_MS * sched_ticks_per_ms / 2;
		uint64_t floor = rq->min_vruntime > credit ? rq->min_vruntime - credit : 0;
		if (se->vruntime < floor)
			se->vruntime = floor;
	}
	rq_add(rq, se);
}

static void fair_dequeue(struct runqueue *rq, struct sched_entity *se)
{
	rq_remove(rq, se);
	update_min_vruntime(rq);
}

static struct sched_entity *fair_pick_next(struct runqueue *rq)
{
	struct sched_entity *best = NULL;
	for (struct sched_entity *se = rq->head; se; se = se->next)
		if (!best || se->vruntime < best->vruntime)
			best = se;
	if (best) {
		rq_remove(rq, best);
		update_min_vruntime(rq);
	}
	return best;
}

static void fair_charge(struct runqueue *rq, struct sched_entity *se, uint64_t ticks)
{
	se->runtime += ticks;
	se->vruntime += ticks * SCHED_WEIGHT_DEFAULT / (se->weight ? se->weight : 1);
	update_min_vruntime(rq);
}

static void fair_yield(struct runqueue *rq, struct sched_entity *se)
{
	/* Behind every queued entity: it is charged the time it gives away, which it would
	 * otherwise have spent spinning. */
	for (const struct sched_entity *q = rq->head; q; q = q->next)
		if (q->vruntime >= se->vruntime)
			se->vruntime = q->vruntime + 1;
}

static bool fair_should_preempt(const struct runqueue *rq, const struct sched_entity *se)
{
	if (!rq->curr)
		return true;
	return se->vruntime + WAKE_GRAIN_MS * sched_ticks_per_ms < rq->curr->vruntime;
}

static uint64_t fair_slice(const struct runqueue *rq)
{
	(void)rq;
	return SLICE_MS * sched_ticks_per_ms;
}

static bool idle(const struct runqueue *rq)
{
	return rq_nr_running(rq) == 0;
}

static unsigned fair_select_cpu(struct runqueue *const *rqs, unsigned n,
				const struct sched_entity *se)
{
	uint32_t allowed = se->affinity & (n >= 32 ? UINT32_MAX : (1U << n) - 1);
	if (!allowed)
		return se->cpu; /* cannot happen with a validated config: stay put */
	/* Where it ran last has its TLB and cache state: keep it there if that CPU is idle. */
	if ((allowed & (1U << se->cpu)) && idle(rqs[se->cpu]))
		return se->cpu;
	unsigned best = n;
	uint64_t best_load = UINT64_MAX;
	for (unsigned i = 0; i < n; i++) {
		if (!(allowed & (1U << i)))
			continue;
		uint64_t load = rq_load(rqs[i]);
		if (load < best_load || (load == best_load && i == se->cpu)) {
			best = i;
			best_load = load;
		}
	}
	return best;
}

static struct sched_entity *fair_steal(struct runqueue *rq, struct runqueue *busiest,
				       bool (*movable)(const struct sched_entity *))
{
	/* Moving one vCPU must leave the two queues more even than before. */
	if (rq_nr_running(busiest) < rq_nr_running(rq) + 2)
		return NULL;
	struct sched_entity *pick = NULL;
	for (struct sched_entity *se = busiest->head; se; se = se->next) {
		if (!(se->affinity & (1U << rq->cpu)) || !movable(se))
			continue;
		/* The one that ran most recently is the most likely to be cache-hot there. */
		if (!pick || se->vruntime > pick->vruntime)
			pick = se;
	}
	if (pick)
		fair_dequeue(busiest, pick);
	return pick;
}

static void fair_migrate(const struct runqueue *from, const struct runqueue *to,
			 struct sched_entity *se)
{
	/* Keep its place relative to the queue it leaves. */
	uint64_t lag = se->vruntime > from->min_vruntime ? se->vruntime - from->min_vruntime : 0;
	se->vruntime = to->min_vruntime + lag;
}

const struct sched_policy sched_fair = {
    .name = "fair",
    .enqueue = fair_enqueue,
    .dequeue = fair_dequeue,
    .pick_next = fair_pick_next,
    .charge = fair_charge,
    .yield = fair_yield,
    .should_preempt = fair_should_preempt,
    .slice = fair_slice,
    .select_cpu = fair_select_cpu,
    .steal = fair_steal,
    .migrate = fair_migrate,
};
