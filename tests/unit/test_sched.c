// sources: core/sched_fair.c core/sched_rt.c
/* Host tests for the fair scheduling policy: shares, wake-up credit, placement, balancing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <triad/sched.h>

#define NCPU 4
static struct runqueue rq_storage[NCPU];
static struct runqueue *rqs[NCPU];
static const struct sched_policy *P = &sched_rt_fair; /* the policy Triad runs */

static int setup(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NCPU; i++) {
		rq_init(&rq_storage[i], i);
		rqs[i] = &rq_storage[i];
	}
	return 0;
}

static void entity(struct sched_entity *se, unsigned weight, uint32_t affinity)
{
	memset(se, 0, sizeof(*se));
	se->weight = weight;
	se->affinity = affinity;
	se->state = SCHED_BLOCKED;
}

/* Runs the queue for `slices` time slices, every entity always runnable (CPU-bound). */
static void run_cpu_bound(struct runqueue *rq, unsigned slices)
{
	for (unsigned i = 0; i < slices; i++) {
		struct sched_entity *se = P->pick_next(rq);
		assert_non_null(se);
		rq->curr = se;
		se->state = SCHED_RUNNING;
		P->charge(rq, se, P->slice(rq));
		rq->curr = NULL;
		P->enqueue(rq, se, false);
	}
}

static void equal_weights_share_equally(void **state)
{
	(void)state;
	struct sched_entity a, b;
	entity(&a, SCHED_WEIGHT_DEFAULT, 1);
	entity(&b, SCHED_WEIGHT_DEFAULT, 1);
	P->enqueue(rqs[0], &a, true);
	P->enqueue(rqs[0], &b, true);
	run_cpu_bound(rqs[0], 1000);
	uint64_t slice = P->slice(rqs[0]);
	assert_true(a.runtime + b.runtime == 1000 * slice);
	uint64_t diff = a.runtime > b.runtime ? a.runtime - b.runtime : b.runtime - a.runtime;
	assert_true(diff <= slice);
}

static void weights_set_the_ratio(void **state)
{
	(void)state;
	struct sched_entity heavy, light;
	entity(&heavy, 512, 1);
	entity(&light, 256, 1);
	P->enqueue(rqs[0], &heavy, true);
	P->enqueue(rqs[0], &light, true);
	run_cpu_bound(rqs[0], 3000);
	double ratio = (double)heavy.runtime / (double)light.runtime;
	assert_true(ratio > 1.95 && ratio < 2.05);
}

static void long_sleeper_gets_bounded_credit(void **state)
{
	(void)state;
	struct sched_entity busy, sleeper;
	entity(&busy, SCHED_WEIGHT_DEFAULT, 1);
	entity(&sleeper, SCHED_WEIGHT_DEFAULT, 1);
	P->enqueue(rqs[0], &busy, true);
	run_cpu_bound(rqs[0], 500); /* busy alone for a long time */
	P->enqueue(rqs[0], &sleeper, true);
	/* The sleeper runs next, but after about one slice the two alternate again. */
	assert_ptr_equal(P->pick_next(rqs[0]), &sleeper);
	P->enqueue(rqs[0], &sleeper, false);
	run_cpu_bound(rqs[0], 10);
	assert_true(sleeper.runtime <= 6 * P->slice(rqs[0]));
	assert_true(busy.runtime >= 500 * P->slice(rqs[0]) + 4 * P->slice(rqs[0]));
}

static void wakeup_preempts_only_when_behind(void **state)
{
	(void)state;
	struct sched_entity curr, woken;
	entity(&curr, SCHED_WEIGHT_DEFAULT, 1);
	entity(&woken, SCHED_WEIGHT_DEFAULT, 1);
	assert_true(P->should_preempt(rqs[0], &woken)); /* idle CPU */
	rqs[0]->curr = &curr;
	curr.vruntime = 100 * sched_ticks_per_ms;
	woken.vruntime = curr.vruntime;
	assert_false(P->should_preempt(rqs[0], &woken));
	woken.vruntime = curr.vruntime - 2 * sched_ticks_per_ms;
	assert_true(P->should_preempt(rqs[0], &woken));
	rqs[0]->curr = NULL;
}

static void yield_lets_every_queued_entity_run_first(void **state)
{
	(void)state;
	struct sched_entity spinner, a, b;
	entity(&spinner, SCHED_WEIGHT_DEFAULT, 1);
	entity(&a, SCHED_WEIGHT_DEFAULT, 1);
	entity(&b, SCHED_WEIGHT_DEFAULT, 1);
	a.vruntime = 5 * sched_ticks_per_ms;
	b.vruntime = 9 * sched_ticks_per_ms;
	P->enqueue(rqs[0], &a, false);
	P->enqueue(rqs[0], &b, false);
	rqs[0]->curr = &spinner; /* furthest behind: it would run next again */
	P->yield(rqs[0], &spinner);
	rqs[0]->curr = NULL;
	P->enqueue(rqs[0], &spinner, false);
	assert_ptr_equal(P->pick_next(rqs[0]), &a);
	assert_ptr_equal(P->pick_next(rqs[0]), &b);
	assert_ptr_equal(P->pick_next(rqs[0]), &spinner);
	assert_null(P->pick_next(rqs[0]));
}

static void placement_honours_affinity(void **state)
{
	(void)state;
	struct sched_entity busy[3], pinned;
	for (int i = 0; i < 3; i++) {
		entity(&busy[i], SCHED_WEIGHT_DEFAULT, 0xf);
		P->enqueue(rqs[2], &busy[i], true);
	}
	entity(&pinned, SCHED_WEIGHT_DEFAULT, 1U << 2);
	pinned.cpu = 2;
	/* CPU 2 is the busiest, but the only one it may use. */
	assert_int_equal(P->select_cpu(rqs, NCPU, &pinned), 2);
	struct sched_entity free_one;
	entity(&free_one, SCHED_WEIGHT_DEFAULT, 0xf);
	free_one.cpu = 2;
	unsigned c = P->select_cpu(rqs, NCPU, &free_one);
	assert_int_not_equal(c, 2);
	/* A CPU beyond the machine is never chosen even if the mask allows it. */
	entity(&free_one, SCHED_WEIGHT_DEFAULT, 0xf0);
	free_one.cpu = 1;
	assert_int_equal(P->select_cpu(rqs, NCPU, &free_one), 1);
}

static void placement_prefers_last_cpu_when_idle(void **state)
{
	(void)state;
	struct sched_entity se;
	entity(&se, SCHED_WEIGHT_DEFAULT, 0xf);
	se.cpu = 3;
	assert_int_equal(P->select_cpu(rqs, NCPU, &se), 3);
}

static bool movable_all(const struct sched_entity *se)
{
	(void)se;
	return true;
}

static bool movable_none(const struct sched_entity *se)
{
	(void)se;
	return false;
}

static void steal_evens_out_and_respects_pinning(void **state)
{
	(void)state;
	struct sched_entity e[3];
	entity(&e[0], SCHED_WEIGHT_DEFAULT, 1U << 1); /* pinned to CPU 1 */
	entity(&e[1], SCHED_WEIGHT_DEFAULT, 1U << 1);
	entity(&e[2], SCHED_WEIGHT_DEFAULT, 0xf);
	for (int i = 0; i < 3; i++)
		P->enqueue(rqs[1], &e[i], true);
	assert_null(P->steal(rqs[0], rqs[1], movable_none));
	struct sched_entity *got = P->steal(rqs[0], rqs[1], movable_all);
	assert_ptr_equal(got, &e[2]); /* the only one allowed on CPU 0 */
	assert_int_equal(rqs[1]->nr_queued, 2);
	/* 2 vs 0: one more would be even, but the rest are pinned. */
	assert_null(P->steal(rqs[0], rqs[1], movable_all));
	/* No imbalance, nothing moves. */
	P->enqueue(rqs[0], got, false);
	struct sched_entity f;
	entity(&f, SCHED_WEIGHT_DEFAULT, 0xf);
	P->enqueue(rqs[0], &f, true);
	assert_null(P->steal(rqs[0], rqs[1], movable_all));
}

static void migrate_keeps_relative_position(void **state)
{
	(void)state;
	struct sched_entity se;
	entity(&se, SCHED_WEIGHT_DEFAULT, 0xf);
	rqs[0]->min_vruntime = 1000000;
	rqs[1]->min_vruntime = 50;
	se.vruntime = 1000000 + 300;
	P->migrate(rqs[0], rqs[1], &se);
	assert_int_equal(se.vruntime, 350);
}

static bool always(const struct sched_entity *se)
{
	(void)se;
	return true;
}

static void realtime_runs_first_and_fair_never_preempts_it(void **state)
{
	(void)state;
	struct sched_entity rt, fair;
	entity(&rt, SCHED_WEIGHT_DEFAULT, 1);
	entity(&fair, 65535, 1); /* however heavy */
	rt.rt = true;
	P->enqueue(rqs[0], &fair, true);
	P->enqueue(rqs[0], &rt, true);
	run_cpu_bound(rqs[0], 100);
	assert_int_equal(fair.runtime, 0);
	assert_true(rt.runtime > 0);
	/* Running, alone in its class: no slice ends it while fair vCPUs wait... */
	struct sched_entity *se = P->pick_next(rqs[0]);
	assert_ptr_equal(se, &rt);
	rqs[0]->curr = se;
	assert_true(P->slice(rqs[0]) > 1000000 * sched_ticks_per_ms);
	/* ... and a fair vCPU waking never preempts it. */
	assert_false(P->should_preempt(rqs[0], &fair));
	rqs[0]->curr = NULL;
}

static void realtime_wakeup_preempts_a_fair_vcpu(void **state)
{
	(void)state;
	struct sched_entity rt, fair;
	entity(&rt, SCHED_WEIGHT_DEFAULT, 1);
	entity(&fair, SCHED_WEIGHT_DEFAULT, 1);
	rt.rt = true;
	rqs[0]->curr = &fair;
	fair.state = SCHED_RUNNING;
	P->enqueue(rqs[0], &rt, true);
	assert_true(P->should_preempt(rqs[0], &rt));
	assert_ptr_equal(P->pick_next(rqs[0]), &rt);
	rqs[0]->curr = NULL;
}

static void realtime_vcpus_on_one_cpu_take_turns(void **state)
{
	(void)state;
	struct sched_entity a, b, fair;
	entity(&a, SCHED_WEIGHT_DEFAULT, 1);
	entity(&b, SCHED_WEIGHT_DEFAULT, 1);
	entity(&fair, SCHED_WEIGHT_DEFAULT, 1);
	a.rt = b.rt = true;
	P->enqueue(rqs[0], &a, true);
	P->enqueue(rqs[0], &b, true);
	P->enqueue(rqs[0], &fair, true);
	struct sched_entity *order[4];
	for (unsigned i = 0; i < 4; i++) {
		struct sched_entity *se = P->pick_next(rqs[0]);
		rqs[0]->curr = se;
		/* With another real-time vCPU waiting, a slice ends the turn. */
		assert_true(P->slice(rqs[0]) <= 4 * sched_ticks_per_ms);
		P->charge(rqs[0], se, P->slice(rqs[0]));
		rqs[0]->curr = NULL;
		P->enqueue(rqs[0], se, false);
		order[i] = se;
	}
	assert_ptr_equal(order[0], &a);
	assert_ptr_equal(order[1], &b);
	assert_ptr_equal(order[2], &a);
	assert_ptr_equal(order[3], &b);
	assert_int_equal(fair.runtime, 0);
	P->dequeue(rqs[0], &fair);
	P->dequeue(rqs[0], &a);
	P->dequeue(rqs[0], &b);
	assert_int_equal(rqs[0]->nr_queued, 0);
	assert_null(rqs[0]->rt_head);
	assert_null(rqs[0]->rt_tail);
}

static void realtime_stays_pinned(void **state)
{
	(void)state;
	struct sched_entity rt, busy[3];
	entity(&rt, SCHED_WEIGHT_DEFAULT, 1U << 2);
	rt.rt = true;
	rt.cpu = 0;
	for (unsigned i = 0; i < 3; i++) {
		entity(&busy[i], SCHED_WEIGHT_DEFAULT, 1U << 2);
		P->enqueue(rqs[2], &busy[i], true);
	}
	/* Its CPU, however loaded the others are not. */
	assert_int_equal(P->select_cpu(rqs, NCPU, &rt), 2);
	P->enqueue(rqs[2], &rt, true);
	/* An idle CPU balancing never takes it (its affinity would allow nothing else). */
	struct sched_entity *taken = P->steal(rqs[1], rqs[2], always);
	assert_true(taken != &rt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(equal_weights_share_equally, setup),
	    cmocka_unit_test_setup(weights_set_the_ratio, setup),
	    cmocka_unit_test_setup(long_sleeper_gets_bounded_credit, setup),
	    cmocka_unit_test_setup(wakeup_preempts_only_when_behind, setup),
	    cmocka_unit_test_setup(yield_lets_every_queued_entity_run_first, setup),
	    cmocka_unit_test_setup(placement_honours_affinity, setup),
	    cmocka_unit_test_setup(placement_prefers_last_cpu_when_idle, setup),
	    cmocka_unit_test_setup(steal_evens_out_and_respects_pinning, setup),
	    cmocka_unit_test_setup(migrate_keeps_relative_position, setup),
	    cmocka_unit_test_setup(realtime_runs_first_and_fair_never_preempts_it, setup),
	    cmocka_unit_test_setup(realtime_wakeup_preempts_a_fair_vcpu, setup),
	    cmocka_unit_test_setup(realtime_vcpus_on_one_cpu_take_turns, setup),
	    cmocka_unit_test_setup(realtime_stays_pinned, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
