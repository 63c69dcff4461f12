/* vCPU scheduling: per-physical-CPU run queues (mechanism, core/sched.c) and a policy that
 * orders them (core/sched_fair.c). The policy is pure logic, also built on the host. */
#ifndef TRIAD_SCHED_H
#define TRIAD_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <triad/spinlock.h>

#define SCHED_WEIGHT_DEFAULT 256

enum sched_state {
	SCHED_BLOCKED, /* waiting for an interrupt, powered off, or its VM is not running */
	SCHED_QUEUED,  /* runnable, on its run queue */
	SCHED_RUNNING, /* its physical CPU is running it */
};

/* A vCPU as the scheduler sees it. Protected by the lock of run queue `cpu`. */
struct sched_entity {
	struct sched_entity *next, *prev; /* run queue links while QUEUED */
	enum sched_state state;
	unsigned cpu;	   /* run queue it belongs to (where it runs or last ran) */
	uint32_t affinity; /* physical CPUs it may run on (bit n = CPU n) */
	unsigned weight;   /* share of CPU time relative to others: 1..65535 */
	bool rt; /* real-time class: runs before any fair entity, which never preempts it */
	uint64_t vruntime; /* weighted CPU time received, in counter ticks */
	/* Statistics */
	uint64_t runtime;    /* counter ticks spent running */
	uint32_t ran_on;     /* physical CPUs it has ever run on */
	unsigned migrations; /* times moved to another run queue */
};

struct runqueue {
	spinlock_t lock;
	unsigned cpu;
	struct sched_entity *head; /* QUEUED fair entities, unordered: queues are short */
	/* QUEUED real-time entities, first in first out (core/sched_rt.c). */
	struct sched_entity *rt_head, *rt_tail;
	unsigned nr_queued;
	struct sched_entity *curr; /* RUNNING here, or NULL */
	uint64_t min_vruntime;	   /* lower bound of vruntime on this queue, never decreasing */
};

/* A scheduling policy: how a run queue is ordered and how entities are placed. Another
 * policy (say, a dedicated CPU with no time slicing) is another one of these. */
struct sched_policy {
	const char *name;
	/* Adds a newly runnable entity (woken up, or moved here); `woken`: it was blocked. */
	void (*enqueue)(struct runqueue *rq, struct sched_entity *se, bool woken);
	void (*dequeue)(struct runqueue *rq, struct sched_entity *se);
	/* Removes and returns the entity to run next, or NULL. */
	struct sched_entity *(*pick_next)(struct runqueue *rq);
	/* Accounts `ticks` of running to the current entity. */
	void (*charge)(struct runqueue *rq, struct sched_entity *se, uint64_t ticks);
	/* The current entity gives way (it waits for something another one must do):
	 * order it after the queued ones. */
	void (*yield)(struct runqueue *rq, struct sched_entity *se);
	/* Whether a newly queued entity should preempt the current one. */
	bool (*should_preempt)(const struct runqueue *rq, const struct sched_entity *se);
	/* How long the current entity may run before the queue is looked at again. */
	uint64_t (*slice)(const struct runqueue *rq);
	/* The run queue a waking entity should go to (among rqs[0..n-1]). */
	unsigned (*select_cpu)(struct runqueue *const *rqs, unsigned n,
			       const struct sched_entity *se);
	/* An entity to move from `busiest` to `rq` to even out load, or NULL. `movable`
	 * says which entities may be taken (e.g. whose state is not in a CPU). */
	struct sched_entity *(*steal)(struct runqueue *rq, struct runqueue *busiest,
				      bool (*movable)(const struct sched_entity *));
	/* Adjusts the entity's ordering key when it moves from one queue to another. */
	void (*migrate)(const struct runqueue *from, const struct runqueue *to,
			struct sched_entity *se);
};

extern const struct sched_policy sched_fair;
/* Real-time entities first, in FIFO order, then sched_fair's (core/sched_rt.c). */
extern const struct sched_policy sched_rt_fair;

/* Run queue list helpers, shared by policies. */
void rq_init(struct runqueue *rq, unsigned cpu);
/* Entities that want the CPU: queued plus running. */
unsigned rq_nr_running(const struct runqueue *rq);

/* The scheduler's time base: ticks of the physical counter per millisecond. */
extern uint64_t sched_ticks_per_ms;

#endif
