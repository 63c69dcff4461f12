/* Stopping the machine gracefully (include/triad/host_stop.h): every running guest gets a
 * press of its power key (devices/vm_gpio.c), and those that have not powered off when the
 * grace period ends are stopped. Triad then ends as it does when its last VM stops: status
 * 0 if every guest powered off, 2 if Triad had to stop one (tools/triad-run). */
#include <arch/sysreg.h>
#include <stdbool.h>
#include <triad/host_stop.h>
#include <stdio.h>
#include <triad/cpu.h>
#include <triad/feature.h>
#include <triad/log.h>
#include <triad/panic.h>
#include <triad/softtimer.h>
#include <triad/spinlock.h>
#include <triad/util.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>

static unsigned grace_s = 30;
static bool stopping;
static spinlock_t stop_lock;
static struct softtimer deadline;

void host_stop_set_grace(unsigned seconds)
{
	grace_s = seconds;
}

bool host_stop_in_progress(void)
{
	return READ_ONCE(stopping);
}

static bool alive(const struct vm *vm)
{
	return vm && (vm->state == VM_RUNNING || vm->state == VM_PAUSED ||
		      vm->state == VM_RESETTING || vm->state == VM_LOADING);
}

/* The grace period is over, or the host asked twice: whoever is still running stops, and
 * the run ends (status 2: Triad stopped a guest). Not vm_kill(): the last one would end the
 * run while this holds the VM list, which the end's statistics take. */
static void stop_the_rest(const char *why)
{
	char reason[160] = "";
	vm_list_lock();
	for (unsigned i = 0; i < nr_vms; i++) {
		struct vm *vm = vm_by_id(i);
		if (!alive(vm))
			continue;
		vm_stop(vm, VM_DEAD);
		audit(vm, AUDIT_VM_KILLED, "%s", why);
		pr_err("VM '%s' stopped by the hypervisor: %s", vm->name, why);
		if (!reason[0])
			snprintf(reason, sizeof(reason), "guest '%s' killed: %s", vm->name, why);
	}
	vm_list_unlock();
	sched_print_stats();
	features_print_stats();
	triad_exit(reason[0] ? 2 : 0, reason[0] ? reason : "all guests powered off");
}

static void deadline_passed(struct softtimer *t)
{
	(void)t;
	char why[96];
	snprintf(why, sizeof(why), "did not power off within %u s of the host's request", grace_s);
	stop_the_rest(why);
}

void host_stop_request(void)
{
	spin_lock(&stop_lock);
	bool again = stopping;
	WRITE_ONCE(stopping, true);
	spin_unlock(&stop_lock);
	if (again) {
		pr_warn("the host asks again: stopping the guests still running now");
		stop_the_rest("stopped at the host's second request");
		return;
	}
	unsigned asked = 0;
	vm_list_lock();
	for (unsigned i = 0; i < nr_vms; i++) {
		struct vm *vm = vm_by_id(i);
		if (!alive(vm))
			continue;
		if (vm_power_key_press(vm))
			pr_warn("VM '%s' has no power key: it will be stopped", vm->name);
		asked++;
	}
	vm_list_unlock();
	pr_info("the host asks every guest to power off (power key, %u VM(s)); those running in "
		"%u s are stopped",
		asked, grace_s);
	if (!asked) /* (with a control channel, Triad may run with no VM) */
		triad_exit(0, "the host asked to stop and no guest was running");
	deadline.fn = deadline_passed;
	softtimer_arm(&deadline, read_sysreg(cntpct_el0) + grace_s * read_sysreg(cntfrq_el0));
}
