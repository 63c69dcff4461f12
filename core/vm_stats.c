/* Per-VM statistics (include/triad/vm_stats.h): summed from the vCPUs' own counts. */
#include <arch/esr.h>
#include <stdio.h>
#include <triad/cpu.h>
#include <triad/feature.h>
#include <triad/log.h>
#include <triad/sched.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vm.h>
#include <triad/vm_stats.h>

const uint8_t vm_exit_reason_of_ec[64] = {
    [EC_HVC32] = VM_EXIT_HVC,	  [EC_HVC64] = VM_EXIT_HVC,	[EC_SMC32] = VM_EXIT_SMC,
    [EC_SMC64] = VM_EXIT_SMC,	  [EC_DABT_LOW] = VM_EXIT_DABT, [EC_IABT_LOW] = VM_EXIT_IABT,
    [EC_SYSREG] = VM_EXIT_SYSREG, [EC_WFX] = VM_EXIT_WFX,	[EC_FP] = VM_EXIT_FP,
    [EC_SVE] = VM_EXIT_FP,	  [EC_SME] = VM_EXIT_FP,
};

static const char *const reason_names[VM_EXIT_NR] = {
    [VM_EXIT_HVC] = "hvc",   [VM_EXIT_SMC] = "smc",	  [VM_EXIT_DABT] = "dabt",
    [VM_EXIT_IABT] = "iabt", [VM_EXIT_SYSREG] = "sysreg", [VM_EXIT_WFX] = "wfx",
    [VM_EXIT_FP] = "fp",     [VM_EXIT_IRQ] = "irq",	  [VM_EXIT_OTHER] = "other",
};

const char *vm_exit_reason_name(unsigned reason)
{
	return reason < VM_EXIT_NR ? reason_names[reason] : "?";
}

void vm_stats_io(struct vm *vm, uint64_t bytes)
{
	__atomic_add_fetch(&vm->io.requests, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&vm->io.bytes, bytes, __ATOMIC_RELAXED);
}

void vm_stats_sum(const struct vm *vm, struct vm_stats_total *t)
{
	*t = (struct vm_stats_total){0};
	for (unsigned i = 0; i < vm->ncpus; i++) {
		const struct vcpu *v = vm->vcpu[i];
		for (unsigned r = 0; r < VM_EXIT_NR; r++) {
			uint64_t n = READ_ONCE(v->stats.exits[r]);
			t->exits[r] += n;
			t->exits_total += n;
		}
		t->guest_ticks += READ_ONCE(v->stats.guest_ticks);
		t->setway_ops += READ_ONCE(v->stats.setway_ops);
		t->run_ticks += sched_runtime(&v->se);
		t->injected += READ_ONCE(v->vgic.injected);
	}
	t->io.requests = __atomic_load_n(&vm->io.requests, __ATOMIC_RELAXED);
	t->io.bytes = __atomic_load_n(&vm->io.bytes, __ATOMIC_RELAXED);
}

void vm_stats_print(const struct vm *vm)
{
	struct vm_stats_total t;
	vm_stats_sum(vm, &t);
	char line[256];
	int n =
	    snprintf(line, sizeof(line), "stats: VM '%s': %lu exits (", vm->name, t.exits_total);
	for (unsigned r = 0; r < VM_EXIT_NR && n > 0 && (size_t)n < sizeof(line); r++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s%s %lu", r ? ", " : "",
			      reason_names[r], t.exits[r]);
	uint64_t ms = sched_ticks_per_ms ? sched_ticks_per_ms : 1;
	/* Time on a CPU not spent in the guest is Triad's, working for it (the run time
	 * counts from the switch to the vCPU, the guest time from each entry). */
	uint64_t triad = t.run_ticks > t.guest_ticks ? t.run_ticks - t.guest_ticks : 0;
	pr_info("%s), %lu interrupts injected, %lu ms in the guest, %lu ms in Triad, %lu I/O "
		"requests (%lu KB)",
		line, t.injected, t.guest_ticks / ms, triad / ms, t.io.requests, t.io.bytes >> 10);
	/* A line of its own: the one above nears the log's line length already. */
	pr_info("stats: VM '%s': security %s, %lu set/way operations emulated", vm->name,
		vm->policy->name, t.setway_ops);
}

static void print_all(void)
{
	for (unsigned i = 0; i < nr_vms; i++)
		if (vm_by_id(i)) /* a free slot */
			vm_stats_print(vm_by_id(i));
}

/* With the scheduler's statistics: at the end of a run and on Ctrl-T s. */
FEATURE(99, vm_stats) = {.print_stats = print_all};
