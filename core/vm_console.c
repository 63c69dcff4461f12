/* A VM's console over the management API (docs/management.md): CONSOLE attaches a client
 * to a VM's console output, which then also goes out as CONSOLE events, and CONSOLE_INPUT
 * types into it. Output is gathered per VM and sent a line (or a buffer) at a time; a
 * partial line, such as a prompt, goes out FLUSH_MS after its first byte, from a soft timer
 * on the CPU that printed it. */
#include <arch/sysreg.h>
#include <string.h>
#include <triad/mgmt.h>
#include <triad/sched.h>
#include <triad/softtimer.h>
#include <triad/spinlock.h>
#include <triad/util.h>
#include <triad/vm.h>
#include <triad/vm_manage.h>

#define TAP_BUF	 508 /* with the u32 VM id, one event frame */
#define FLUSH_MS 10

static struct tap {
	spinlock_t lock;
	uint32_t len;
	uint8_t buf[4 + TAP_BUF]; /* u32 VM id, then its output */
	struct softtimer timer;	  /* sends a partial line */
} taps[MAX_VMS];
static volatile bool attached[MAX_VMS]; /* VM n's output is sent */

/* With t->lock held. */
static void flush(struct tap *t)
{
	if (!t->len)
		return;
	uint32_t id = (uint32_t)(t - taps);
	memcpy(t->buf, &id, 4);
	mgmt_send_event(MGMT_OP_CONSOLE, t->buf, 4 + t->len);
	t->len = 0;
}

static void flush_partial(struct softtimer *timer)
{
	struct tap *t = container_of(timer, struct tap, timer);
	spin_lock(&t->lock);
	flush(t);
	spin_unlock(&t->lock);
}

void vm_console_tap(unsigned vm_id, char c)
{
	if (vm_id >= MAX_VMS || !attached[vm_id])
		return;
	struct tap *t = &taps[vm_id];
	spin_lock(&t->lock);
	bool first = !t->len;
	t->buf[4 + t->len++] = (uint8_t)c;
	if (c == '\n' || t->len == TAP_BUF)
		flush(t);
	bool partial = first && t->len;
	spin_unlock(&t->lock);
	if (partial) {
		t->timer.fn = flush_partial;
		softtimer_arm(&t->timer, read_sysreg(cntpct_el0) + FLUSH_MS * sched_ticks_per_ms);
	}
}

void vm_console_detach_all(void)
{
	for (unsigned i = 0; i < MAX_VMS; i++)
		attached[i] = false;
	for (unsigned i = 0; i < MAX_VMS; i++) {
		spin_lock(&taps[i].lock);
		taps[i].len = 0;
		spin_unlock(&taps[i].lock);
	}
}

/* CONSOLE: u32 vm, u32 on. Its output from now on comes as CONSOLE events (u32 vm, then
 * the bytes), until CONSOLE off or the next HELLO. */
static int console(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	int err;
	struct vm *vm = mgmt_vm_arg(req, rep, &err);
	if (!vm)
		return err;
	uint32_t on;
	memcpy(&on, req->payload + 4, 4);
	if (on > 1)
		return mgmt_fail(rep, MGMT_EINVAL, "on is %u: 0 or 1", on);
	struct tap *t = &taps[vm->id];
	spin_lock(&t->lock);
	if (on)
		__atomic_store_n(&attached[vm->id], true, __ATOMIC_RELAXED);
	else
		__atomic_store_n(&attached[vm->id], false, __ATOMIC_RELAXED);
	t->len = 0;
	spin_unlock(&t->lock);
	return MGMT_OK;
}
MGMT_OP(console) = {MGMT_OP_CONSOLE, "CONSOLE", 8, 8, console, NULL};

/* CONSOLE_INPUT: u32 vm, then bytes typed into its console. */
static int console_input(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	int err;
	struct vm *vm = mgmt_vm_arg(req, rep, &err);
	if (!vm)
		return err;
	if (!vm->console_input)
		return mgmt_fail(rep, MGMT_ENOTSUP, "VM '%s' has no console input", vm->name);
	if (vm->state != VM_RUNNING)
		return mgmt_fail(rep, MGMT_EBUSY, "VM '%s' is not running", vm->name);
	for (uint32_t i = 4; i < req->len; i++)
		vm->console_input(vm->console_dev, (char)req->payload[i]);
	return MGMT_OK;
}
MGMT_OP(console_input) = {MGMT_OP_CONSOLE_INPUT, "CONSOLE_INPUT", 5, 4 + 4096, console_input, NULL};
