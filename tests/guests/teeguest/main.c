/*
 * The OP-TEE guest: speaks OP-TEE's SMC ABI itself (no Linux driver in between), so it can
 * send what a malicious kernel would, and checks what Triad's mediator lets through:
 * identification and capabilities, refused calls, messages and memory references outside
 * its RAM, page lists that point outside or loop, a session with OP-TEE's device-enumeration
 * pseudo-TA, registered shared memory. Booted with "tee-role=b" on its command line it is
 * the second VM of the isolation test: it tries the shared-memory cookie the first VM
 * registered, which OP-TEE must not find in this VM's context. With "tee-role=wait" or
 * "tee-role=fiq-hang" it runs through secure interrupts (see below). With "tee-role=stuck" it
 * checks that a secure world which stops answering does not take the VM with it. With
 * "tee-role=attack" (two vCPUs) it races its own shared memory as an attacker would: vCPU 0
 * uses a registration in calls to a pseudo-TA while vCPU 1 unregisters and re-registers it,
 * and every RPC gets an error; "tee-role=victim" is the other VM, which keeps calling OP-TEE
 * until a key comes on its console and counts what failed. Prints one line per check and a
 * summary, then powers off.
 */
#include <stddef.h>

#include "../lib/check.h"

#include "../../../security/tee/optee_abi.h"

#define RAM_SIZE (64UL << 20) /* booted with --mem 64M */

#define MSG_OPEN_SESSION   0
#define MSG_INVOKE	   1
#define MSG_CLOSE_SESSION  2
#define MSG_REGISTER_SHM   4
#define MSG_UNREGISTER_SHM 5
#define ATTR_META	   (1U << 8)
#define VALUE_INPUT	   0x1
#define RMEM_OUTPUT	   0x6
#define TMEM_OUTPUT	   0xa
#define LOGIN_REE_KERNEL   0x80000000U
#define PTA_GET_DEVICES	   0x0
#define TEE_SUCCESS	   0x0
#define TEE_SHORT_BUFFER   0xffff0010U
#define TEE_ERROR_BUSY	   0xffff000dU
#define TEE_TARGET_DEAD	   0xffff3024U
#define SHARED_COOKIE	   0x7777 /* the first VM's registration; the second VM tries it */

void irq_exception(struct frame *f)
{
	(void)f;
}

/* An SMC with x0-x7 in and out (OP-TEE's calls use a4-a7; Triad sets a7 itself). */
static void smc8(uint64_t r[8])
{
	register uint64_t x0 __asm__("x0") = r[0], x1 __asm__("x1") = r[1], x2 __asm__("x2") = r[2],
			     x3 __asm__("x3") = r[3], x4 __asm__("x4") = r[4],
			     x5 __asm__("x5") = r[5], x6 __asm__("x6") = r[6],
			     x7 __asm__("x7") = r[7];
	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6),
			   "+r"(x7)::"memory");
	r[0] = x0, r[1] = x1, r[2] = x2, r[3] = x3, r[4] = x4, r[5] = x5, r[6] = x6, r[7] = x7;
}

static uint32_t fast(uint32_t fn, uint64_t a1, uint64_t out[4])
{
	uint64_t r[8] = {fn, a1, 0, 0, 0, 0, 0, 0x1234}; /* a7: Triad puts the VM's own */
	smc8(r);
	if (out)
		for (int i = 0; i < 4; i++)
			out[i] = r[i];
	return (uint32_t)r[0];
}

/* Memory of ours OP-TEE may see: messages (one page per vCPU), RPC buffers, data, page
 * lists. */
#define RPC_PAGES  4
#define RPC_COOKIE 0xc0de0
static uint8_t msg_pages[2][4096] __attribute__((aligned(4096)));
static uint8_t rpc_page[RPC_PAGES][4096] __attribute__((aligned(4096)));
static uint8_t data[4][4096] __attribute__((aligned(4096)));
static uint64_t list[3][512] __attribute__((aligned(4096)));
static unsigned rpc_buffers[2];

static unsigned this_cpu(void)
{
	return read_sysreg(mpidr_el1) & 1;
}

#define msg_page (msg_pages[this_cpu()])

static void zero(void *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		((volatile uint8_t *)p)[i] = 0;
}

/* A yielding call with its RPCs answered the way a minimal driver would: a buffer for
 * RPC_ALLOC, "not supported" for RPC commands (no supplicant here). */
static uint32_t call_with_arg(uint64_t arg)
{
	uint64_t r[8] = {OPTEE_SMC_CALL_WITH_ARG, arg >> 32, (uint32_t)arg, 0, 0, 0, 0, 0};
	for (;;) {
		smc8(r);
		uint32_t a0 = (uint32_t)r[0];
		if (!OPTEE_SMC_IS_RPC(a0))
			return a0;
		uint64_t next[8] = {OPTEE_SMC_RETURN_FROM_RPC, r[1], r[2], r[3], 0, 0, 0, 0};
		if (a0 == OPTEE_SMC_RPC_ALLOC) {
			/* Two per vCPU (no atomics with the MMU off). */
			unsigned cpu = this_cpu(), i = 2 * cpu + rpc_buffers[cpu]++;
			uint64_t buf = i < 2 * cpu + 2 ? (uint64_t)rpc_page[i] : 0;
			next[1] = buf >> 32, next[2] = (uint32_t)buf;
			next[4] = 0, next[5] = RPC_COOKIE + i;
		} else if (a0 == OPTEE_SMC_RPC_CMD) {
			/* Every command fails, the wait-queue notifications included. */
			uint64_t i = ((uint64_t)(uint32_t)r[1] << 32 | (uint32_t)r[2]) - RPC_COOKIE;
			if (i < RPC_PAGES) {
				struct optee_msg_arg *m = (struct optee_msg_arg *)rpc_page[i];
				m->ret = 0xffff000aU; /* TEE_ERROR_NOT_SUPPORTED */
				m->ret_origin = TEEC_ORIGIN_COMMS;
			}
		}
		for (int i = 0; i < 8; i++)
			r[i] = next[i];
	}
}

static struct optee_msg_arg *new_msg(uint32_t cmd, uint32_t session, uint32_t nparams)
{
	struct optee_msg_arg *m = (struct optee_msg_arg *)msg_page;
	zero(m, sizeof(msg_page));
	m->cmd = cmd;
	m->session = session;
	m->num_params = nparams;
	return m;
}

static uint32_t open_pta_session(uint32_t *ret);

static uint32_t open_device_pta(void)
{
	uint32_t ret = 0;
	uint32_t session = open_pta_session(&ret);
	check(session != 0, "a session with OP-TEE's device-enumeration pseudo-TA", ret);
	return session;
}

/* The same, with no check (0: none opened). */
static uint32_t open_device_pta_quiet(void)
{
	uint32_t ret = 0;
	return open_pta_session(&ret);
}

static uint32_t open_pta_session(uint32_t *ret)
{
	/* UUID 7011a688-ddde-4053-a5a9-7b3c4ddf13b8, as octets in value a, b. */
	static const uint8_t uuid[16] = {0x70, 0x11, 0xa6, 0x88, 0xdd, 0xde, 0x40, 0x53,
					 0xa5, 0xa9, 0x7b, 0x3c, 0x4d, 0xdf, 0x13, 0xb8};
	struct optee_msg_arg *m = new_msg(MSG_OPEN_SESSION, 0, 2);
	uint64_t a = 0, b = 0;
	for (int i = 7; i >= 0; i--) {
		a = a << 8 | uuid[i];
		b = b << 8 | uuid[8 + i];
	}
	m->params[0].attr = VALUE_INPUT | ATTR_META;
	m->params[0].u.value.a = a;
	m->params[0].u.value.b = b;
	m->params[1].attr = VALUE_INPUT | ATTR_META;
	m->params[1].u.value.c = LOGIN_REE_KERNEL;
	uint32_t x0 = call_with_arg((uint64_t)m);
	*ret = x0 == OPTEE_SMC_RETURN_OK ? m->ret : x0;
	return x0 == OPTEE_SMC_RETURN_OK && m->ret == TEE_SUCCESS ? m->session : 0;
}

/* GET_DEVICES into one output parameter; returns the message's ret. */
static uint32_t get_devices(uint32_t session, struct optee_msg_param p, uint64_t *size)
{
	struct optee_msg_arg *m = new_msg(MSG_INVOKE, session, 1);
	m->func = PTA_GET_DEVICES;
	m->params[0] = p;
	if (call_with_arg((uint64_t)m) != OPTEE_SMC_RETURN_OK)
		return 0xdeadU;
	if (size)
		*size = m->params[0].u.tmem.size;
	return m->ret;
}

static struct optee_msg_param tmem(uint64_t buf, uint64_t size, bool noncontig)
{
	struct optee_msg_param p = {.attr =
					TMEM_OUTPUT | (noncontig ? OPTEE_MSG_ATTR_NONCONTIG : 0)};
	p.u.tmem.buf_ptr = buf;
	p.u.tmem.size = size;
	return p;
}

static struct optee_msg_param rmem(uint64_t cookie, uint64_t size)
{
	struct optee_msg_param p = {.attr = RMEM_OUTPUT};
	p.u.rmem.size = size;
	p.u.rmem.shm_ref = cookie;
	return p;
}

static uint32_t register_shm(uint64_t list_ipa, uint64_t size, uint64_t cookie)
{
	struct optee_msg_arg *m = new_msg(MSG_REGISTER_SHM, 0, 1);
	m->params[0] = tmem(list_ipa, size, true);
	m->params[0].u.tmem.shm_ref = cookie;
	uint32_t x0 = call_with_arg((uint64_t)m);
	return x0 == OPTEE_SMC_RETURN_OK ? m->ret : 0xdeadU;
}

static uint32_t unregister_shm(uint64_t cookie)
{
	struct optee_msg_arg *m = new_msg(MSG_UNREGISTER_SHM, 0, 1);
	m->params[0] = rmem(cookie, 0);
	m->params[0].attr = 0x5; /* RMEM_INPUT */
	uint32_t x0 = call_with_arg((uint64_t)m);
	return x0 == OPTEE_SMC_RETURN_OK ? m->ret : 0xdeadU;
}

static bool devices_ok(uint32_t ret, uint64_t size)
{
	return (ret == TEE_SUCCESS || ret == TEE_SHORT_BUFFER) && size % 16 == 0;
}

static void identification_and_refusals(void)
{
	uint64_t r[4];
	check(fast(OPTEE_SMC_CALLS_UID, 0, r) == 0x384fb3e0 && r[3] == 0xa5d5c51b, "OP-TEE's UID",
	      r[0]);
	check(fast(OPTEE_SMC_CALLS_REVISION, 0, r) == 2, "OP-TEE's API revision is 2.x", r[0]);
	check(fast(OPTEE_SMC_EXCHANGE_CAPABILITIES, 0, r) == OPTEE_SMC_RETURN_OK &&
		  (r[1] & OPTEE_CAP_DYNAMIC_SHM) && !(r[1] & OPTEE_CAP_HAVE_RESERVED_SHM) &&
		  r[3] == 0,
	      "capabilities: dynamic shared memory only, no pre-registered RPC arguments", r[1]);
	check(fast(OPTEE_SMC_GET_SHM_CONFIG, 0, r) == OPTEE_SMC_RETURN_ENOTAVAIL,
	      "no static shared memory for guests", r[0]);
	static const uint32_t refused[] = {OPTEE_SMC_VM_CREATED,
					   OPTEE_SMC_VM_DESTROYED,
					   0xb2000008 /* L2CC mutex */,
					   0xb200000c /* boot */,
					   0xb2000010 /* async notif */,
					   0x32000013 /* REGD_ARG */,
					   0x32000012,
					   0xb20000ff,
					   0x3200ffff};
	for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		check(fast(refused[i], 2, r) == OPTEE_SMC_RETURN_UNKNOWN_FUNCTION,
		      "a call the mediator does not offer is UNKNOWN_FUNCTION", refused[i]);
	uint64_t rr[8] = {OPTEE_SMC_RETURN_FROM_RPC, 0, 0, 7, 0, 0, 0, 0};
	smc8(rr);
	check((uint32_t)rr[0] == OPTEE_SMC_RETURN_ERESUME,
	      "RETURN_FROM_RPC with no call waiting is ERESUME", rr[0]);
}

static void bad_messages(void)
{
	check(call_with_arg(0x10000000) == OPTEE_SMC_RETURN_EBADADDR,
	      "a message outside its RAM is EBADADDR", 0);
	check(call_with_arg((uint64_t)msg_page + 4) == OPTEE_SMC_RETURN_EBADADDR,
	      "a misaligned message is EBADADDR", 0);
	new_msg(MSG_INVOKE, 1, 200);
	check(call_with_arg((uint64_t)msg_page) == OPTEE_SMC_RETURN_EBADADDR,
	      "a message with 200 parameters is EBADADDR", 0);
	/* The asynchronous-notification commands belong to a capability the mediator does not
	 * offer: refused before OP-TEE (which would run them) sees them. */
	new_msg(OPTEE_MSG_CMD_DO_BOTTOM_HALF, 0, 0);
	check(call_with_arg((uint64_t)msg_page) == OPTEE_SMC_RETURN_EBADCMD,
	      "DO_BOTTOM_HALF is EBADCMD", 0);
	new_msg(OPTEE_MSG_CMD_STOP_ASYNC_NOTIF, 0, 0);
	check(call_with_arg((uint64_t)msg_page) == OPTEE_SMC_RETURN_EBADCMD,
	      "STOP_ASYNC_NOTIF is EBADCMD", 0);
	uint64_t end = RAM_BASE + RAM_SIZE - 64; /* room for the header and one parameter */
	((struct optee_msg_arg *)end)->num_params = 2;
	check(call_with_arg(end) == OPTEE_SMC_RETURN_EBADADDR,
	      "a message running past the end of its RAM is EBADADDR", 0);
}

static void bad_memory(uint32_t session)
{
	/* Secure memory (OP-TEE's own), the memory just past this VM's (another VM's, or
	 * Triad's), and a page list whose entries or chain leave the VM. */
	static const uint64_t outside[] = {0x0e100000, RAM_BASE + RAM_SIZE, 0x09000000};
	for (unsigned i = 0; i < 3; i++) {
		struct optee_msg_arg *m = (struct optee_msg_arg *)msg_page;
		uint32_t ret = get_devices(session, tmem(outside[i], 4096, false), NULL);
		check(ret == TEEC_ERROR_BAD_PARAMETERS && m->ret_origin == TEEC_ORIGIN_COMMS,
		      "a memory reference outside its RAM is refused before OP-TEE", outside[i]);
	}
	list[0][0] = (uint64_t)data[0];
	list[0][1] = 0x0e100000;
	check(get_devices(session, tmem((uint64_t)list[0], 8192, true), NULL) ==
		  TEEC_ERROR_BAD_PARAMETERS,
	      "a page list naming secure memory is refused", 0);
	check(register_shm((uint64_t)list[0], 8192, 0x9999) == TEEC_ERROR_BAD_PARAMETERS,
	      "registering shared memory outside its RAM is refused", 0);
	list[0][1] = (uint64_t)data[1];
	check(register_shm((uint64_t)list[0], ~0ULL - 0x10, 0x9999) == TEEC_ERROR_BAD_PARAMETERS,
	      "a page list with an overflowing size is refused", 0);
	/* A list that loops back on itself names only our own pages: OP-TEE decides, and the
	 * next call still works. */
	for (unsigned i = 0; i < 511; i++)
		list[1][i] = (uint64_t)data[i % 4];
	list[1][511] = (uint64_t)list[1];
	uint32_t ret = register_shm((uint64_t)list[1], 1500 * 4096ULL, 0x8888);
	if (ret == TEE_SUCCESS)
		unregister_shm(0x8888);
	uint64_t size = 0;
	list[0][0] = (uint64_t)data[2];
	check(devices_ok(get_devices(session, tmem((uint64_t)list[0], 4096, true), &size), size),
	      "a looping page list ends the call, and OP-TEE still serves the VM", ret);
}

static void session_and_shared_memory(uint32_t session)
{
	/* Contiguous memory in its RAM goes through (as a physical address); this OP-TEE takes
	 * such references only in static shared memory, which guests have none of, so it is
	 * OP-TEE that answers. */
	uint64_t size = 0;
	struct optee_msg_arg *m = (struct optee_msg_arg *)msg_page;
	uint32_t ret = get_devices(session, tmem((uint64_t)data[0], 4096, false), &size);
	check(m->ret_origin != TEEC_ORIGIN_COMMS,
	      "a contiguous reference in its RAM reaches OP-TEE", m->ret_origin);
	list[0][0] = (uint64_t)data[2];
	list[0][1] = (uint64_t)data[3];
	ret = get_devices(session, tmem((uint64_t)list[0] | 0x10, 4096, true), &size);
	check(devices_ok(ret, size), "GET_DEVICES into a page list (offset 0x10)", ret);
	ret = register_shm((uint64_t)list[0], 8192, SHARED_COOKIE);
	check(ret == TEE_SUCCESS, "REGISTER_SHM of two pages by page list", ret);
	ret = get_devices(session, rmem(SHARED_COOKIE, 4096), &size);
	check(devices_ok(ret, size), "GET_DEVICES into the registered memory", ret);
	puts_("teeguest: registered shared memory\n");
}

static void other_vm(uint32_t session)
{
	/* Wait for the first VM to register its memory (2 s of virtual time). */
	uint64_t t0 = counter(), freq = read_sysreg(cntfrq_el0);
	while (counter() - t0 < 2 * freq)
		;
	uint64_t size = 0;
	uint32_t ret = get_devices(session, rmem(SHARED_COOKIE, 4096), &size);
	check(ret != TEE_SUCCESS && ret != TEE_SHORT_BUFFER,
	      "the other VM's shared memory is not found in this VM's OP-TEE context", ret);
	puts_("teeguest: tried the other VM's shared memory\n");
	list[0][0] = (uint64_t)data[1];
	ret = register_shm((uint64_t)list[0], 4096, SHARED_COOKIE);
	check(ret == TEE_SUCCESS, "the same cookie registered in this VM is its own", ret);
	ret = get_devices(session, rmem(SHARED_COOKIE, 4096), &size);
	check(devices_ok(ret, size), "GET_DEVICES into this VM's own registration", ret);
}

/* Under a secure world that stops answering (tests/guests/stuckoptee): the call that
 * hangs in it ends with TEEC_ERROR_TARGET_DEAD once Triad at S-EL2 gives up on it and the
 * monitor has restarted the stand-in, which answers again. */
static void stuck_secure_world(void)
{
	uint64_t uid[4];
	check(fast(OPTEE_SMC_CALLS_UID, 0, uid) == 0x384fb3e0U,
	      "the secure world answers as OP-TEE", uid[0]);
	puts_("teeguest: calling into a secure world that will not return\n");
	struct optee_msg_arg *m = new_msg(MSG_OPEN_SESSION, 0, 0);
	uint32_t x0 = call_with_arg((uint64_t)m);
	check(x0 == OPTEE_SMC_RETURN_OK && m->ret == TEE_TARGET_DEAD,
	      "the hung call ends with TARGET_DEAD", x0 ? x0 : m->ret);
	check(fast(OPTEE_SMC_CALLS_UID, 0, NULL) == 0x384fb3e0U,
	      "trusted-OS calls after it: the restarted secure world answers", 0);
}

/* The VM runs for a while as secure interrupts come, then checks how the secure world
 * answers: "tee-role=wait", under OP-TEE, 6 s through its timer's interrupts (its callouts
 * run, seen in its log), after which it answers as before; "tee-role=fiq-hang", under a
 * secure world whose FIQ entry never returns (stuckoptee built with FIQ_HANG), 75 s, in
 * which Triad at S-EL2 cuts that entry off after 10 s each time, the monitor restarts the
 * stand-in 3 times (it hangs again a second after each boot) and gives up: after it,
 * trusted-OS calls answer NOT_SUPPORTED. */
static void through_secure_interrupts(bool hang)
{
	unsigned seconds = hang ? 75 : 6;
	check(fast(OPTEE_SMC_CALLS_UID, 0, NULL) == 0x384fb3e0U,
	      "the secure world answers as OP-TEE", 0);
	puts_("teeguest: running while secure interrupts come\n");
	uint64_t t0 = counter(), freq = read_sysreg(cntfrq_el0);
	while (counter() - t0 < seconds * freq)
		;
	puts_("teeguest: ran for ");
	putdec(seconds);
	puts_(" s\n");
	uint32_t x0 = fast(OPTEE_SMC_CALLS_UID, 0, NULL);
	if (hang)
		check(x0 == OPTEE_SMC_RETURN_UNKNOWN_FUNCTION,
		      "trusted-OS calls after the hung FIQ entry: NOT_SUPPORTED", x0);
	else
		check(x0 == 0x384fb3e0U, "OP-TEE still answers as OP-TEE", x0);
}

/* ---- The race (tee-role=attack, two vCPUs) and the VM beside it (tee-role=victim) ---- */

#define ATTACK_CALLS 300
static volatile bool attack_over, cpu1_stopped;
static volatile unsigned unreg_ok, unreg_busy, unreg_other, rereg_failed;

/* vCPU 1: unregisters the memory vCPU 0 is using, and registers it again, until told. */
void secondary_main(unsigned long idx)
{
	(void)idx;
	list[2][0] = (uint64_t)data[2];
	list[2][1] = (uint64_t)data[3];
	while (!attack_over) {
		uint32_t ret = unregister_shm(SHARED_COOKIE);
		if (ret == TEE_SUCCESS) {
			unreg_ok++;
			if (register_shm((uint64_t)list[2], 8192, SHARED_COOKIE) != TEE_SUCCESS)
				rereg_failed++;
		} else if (ret == TEE_ERROR_BUSY) {
			unreg_busy++;
		} else {
			unreg_other++;
		}
	}
	__asm__ volatile("dmb ish" ::: "memory");
	cpu1_stopped = true;
	hvc(0x84000002 /* PSCI_CPU_OFF */, 0, 0, 0);
}

static void attack(void)
{
	uint32_t session = open_device_pta();
	list[0][0] = (uint64_t)data[2];
	list[0][1] = (uint64_t)data[3];
	check(register_shm((uint64_t)list[0], 8192, SHARED_COOKIE) == TEE_SUCCESS,
	      "REGISTER_SHM of the memory to race on", 0);
	puts_("teeguest: attack starts\n");
	hvc(PSCI_CPU_ON, 1, (uint64_t)secondary_entry, 1);
	unsigned ok = 0, busy = 0, other = 0;
	for (unsigned i = 0; i < ATTACK_CALLS; i++) {
		uint64_t size = 0;
		uint32_t ret = get_devices(session, rmem(SHARED_COOKIE, 4096), &size);
		if (devices_ok(ret, size))
			ok++;
		else if (ret == TEE_ERROR_BUSY)
			busy++;
		else
			other++;
		/* Now and then a gap between calls, in which vCPU 1's unregistrations go through
		 * (they may, with no call using the memory) and the next calls find nothing. */
		if (i % 10 == 9) {
			uint64_t t0 = counter(), ticks = read_sysreg(cntfrq_el0) / 500;
			while (counter() - t0 < ticks)
				;
		}
	}
	attack_over = true;
	while (!cpu1_stopped)
		__asm__ volatile("yield");
	puts_("teeguest: calls with the memory: ");
	putdec(ok);
	puts_(" served, ");
	putdec(busy);
	puts_(" busy, ");
	putdec(other);
	puts_(" not found; unregistrations: ");
	putdec(unreg_ok);
	puts_(" done, ");
	putdec(unreg_busy);
	puts_(" busy, ");
	putdec(unreg_other);
	puts_(" failed\n");
	puts_("teeguest: attack over\n");
	check(ok + busy + other == ATTACK_CALLS && ok > 0, "calls during the race come back", ok);
	check(rereg_failed == 0, "every unregistered memory could be registered again",
	      rereg_failed);
	/* OP-TEE still serves this VM: a fresh session and a reference by page list. */
	uint32_t again = open_device_pta();
	uint64_t size = 0;
	list[0][0] = (uint64_t)data[0];
	check(devices_ok(get_devices(again, tmem((uint64_t)list[0], 4096, true), &size), size),
	      "after the race, OP-TEE still serves the attacker", size);
}

static bool console_key(void)
{
	if (rd32(UART + 0x18) & (1U << 4)) /* RXFE: nothing received */
		return false;
	(void)rd32(UART);
	return true;
}

/* The other VM: calls OP-TEE until a key comes (the test sends one once the attack is over),
 * each call with memory of its own registration (the same cookie, in its own context). */
static void victim(void)
{
	uint32_t session = open_device_pta();
	list[0][0] = (uint64_t)data[0];
	list[0][1] = (uint64_t)data[1];
	check(register_shm((uint64_t)list[0], 8192, SHARED_COOKIE) == TEE_SUCCESS,
	      "the victim registers its memory", 0);
	puts_("teeguest: victim calling\n");
	unsigned calls = 0, failures = 0;
	uint32_t first_bad = 0;
	while (!console_key()) {
		uint64_t size = 0;
		uint32_t ret = get_devices(session, rmem(SHARED_COOKIE, 4096), &size);
		calls++;
		if (!devices_ok(ret, size)) {
			if (!failures++)
				first_bad = ret;
		}
	}
	puts_("teeguest: victim made ");
	putdec(calls);
	puts_(" calls, ");
	putdec(failures);
	puts_(" failed\n");
	check(calls > 0 && failures == 0, "every call of the victim's was served", first_bad);
	check(unregister_shm(SHARED_COOKIE) == TEE_SUCCESS, "the victim unregisters its memory", 0);
	uint32_t again = open_device_pta();
	struct optee_msg_arg *m = new_msg(MSG_CLOSE_SESSION, again, 0);
	check(call_with_arg((uint64_t)m) == OPTEE_SMC_RETURN_OK && m->ret == TEE_SUCCESS,
	      "a new session opens and closes", m->ret);
}

/* ---- OP-TEE restarted (tee-role=restart, tee-role=bystander) ---- */

#define FAILING_CALL 4 /* the test hook's count: --optee-fail-after 4 */

/* Under the test hook (each OP-TEE boot fails its 4th message call), through OP-TEE's 3
 * restarts and the monitor giving up: each round opens a session and calls it until the
 * hook's call, which must end with TEEC_ERROR_TARGET_DEAD in the message (x0 OK), as the
 * guest's driver expects of a dead TA; the next round's first call, on the dead session,
 * gets TARGET_DEAD too, and its new session is served. After the last restart, trusted-OS
 * calls answer UNKNOWN_FUNCTION. */
static void restarted_secure_world(unsigned rounds)
{
	uint32_t old = 0;
	for (unsigned round = 0; round < rounds; round++) {
		unsigned calls = 0;
		if (old) { /* answered by Triad: not one of the new OP-TEE's calls */
			uint32_t ret = get_devices(old, tmem((uint64_t)data[0], 4096, false), NULL);
			check(ret == TEE_TARGET_DEAD,
			      "a call into the session of the failed OP-TEE: TARGET_DEAD", ret);
		}
		uint32_t session = open_device_pta();
		calls++;
		while (calls < FAILING_CALL - 1) {
			uint64_t size = 0;
			list[0][0] = (uint64_t)data[1];
			check(devices_ok(
				  get_devices(session, tmem((uint64_t)list[0], 4096, true), &size),
				  size),
			      "the session serves calls", round);
			calls++;
		}
		struct optee_msg_arg *m = new_msg(MSG_INVOKE, session, 0);
		m->func = PTA_GET_DEVICES;
		uint32_t x0 = call_with_arg((uint64_t)m);
		if (round < 3) {
			check(x0 == OPTEE_SMC_RETURN_OK && m->ret == TEE_TARGET_DEAD,
			      "the call in flight when OP-TEE fails ends with TARGET_DEAD", m->ret);
			puts_("teeguest: OP-TEE failed under a call, round ");
			putdec(round);
			puts_("\n");
		} else {
			check(x0 == OPTEE_SMC_RETURN_UNKNOWN_FUNCTION,
			      "after 3 restarts the failing call answers UNKNOWN_FUNCTION", x0);
		}
		old = session;
	}
	if (rounds == 4) {
		check(fast(OPTEE_SMC_CALLS_UID, 0, NULL) == OPTEE_SMC_RETURN_UNKNOWN_FUNCTION,
		      "OP-TEE given up: trusted-OS calls answer UNKNOWN_FUNCTION", 0);
		return;
	}
	/* Once: the restarted OP-TEE serves this VM (2 calls, under the hook's 4). */
	uint32_t session = open_device_pta();
	uint64_t size = 0;
	list[0][0] = (uint64_t)data[1];
	check(devices_ok(get_devices(session, tmem((uint64_t)list[0], 4096, true), &size), size),
	      "the restarted OP-TEE serves a new session", size);
	puts_("teeguest: served after the restart\n");
}

/* Another VM while OP-TEE fails and restarts: calls its session until a key comes or
 * 20 calls were served after the first that was not,
 * opening a new one when a call is not served (its session died with OP-TEE), and
 * reports the longest time from one served call to the next: how long OP-TEE was away
 * for it. The last calls must be served. */
static void bystander(void)
{
	uint32_t session = open_device_pta();
	list[0][0] = (uint64_t)data[0];
	list[0][1] = (uint64_t)data[1];
	check(register_shm((uint64_t)list[0], 8192, SHARED_COOKIE) == TEE_SUCCESS,
	      "the bystander registers its memory", 0);
	puts_("teeguest: bystander calling\n");
	unsigned calls = 0, failures = 0, served_after = 0;
	uint64_t freq = read_sysreg(cntfrq_el0), last = counter(), longest = 0;
	while (!console_key() && !(failures && served_after >= 20)) {
		uint64_t size = 0;
		uint32_t ret = get_devices(session, rmem(SHARED_COOKIE, 4096), &size);
		calls++;
		if (devices_ok(ret, size)) {
			uint64_t now = counter();
			if (now - last > longest)
				longest = now - last;
			last = now;
			served_after = failures ? served_after + 1 : 0;
			continue;
		}
		if (failures++ < 3) {
			puts_("teeguest: bystander's call not served: ");
			puthex(ret);
			puts_("\n");
		}
		/* A new OP-TEE knows neither its session nor its registration. */
		session = open_device_pta_quiet();
		register_shm((uint64_t)list[0], 8192, SHARED_COOKIE);
	}
	puts_("teeguest: bystander made ");
	putdec(calls);
	puts_(" calls, ");
	putdec(failures);
	puts_(" not served; longest wait ");
	putdec(longest * 1000 / freq);
	puts_(" ms\n");
	check(served_after > 0, "calls are served again after OP-TEE's restart", served_after);
}

int main(const uint8_t *dtb)
{
	bool crash = bootargs_have((const char *)dtb, "tee-role=crash");
	if (crash || bootargs_have((const char *)dtb, "tee-role=restart") ||
	    bootargs_have((const char *)dtb, "tee-role=bystander")) {
		if (crash) {
			/* The other VM goes first: until a key comes (tee-wait=key), or 3 s. */
			bool key = bootargs_have((const char *)dtb, "tee-wait=key");
			uint64_t t0 = counter(), freq = read_sysreg(cntfrq_el0);
			while (key ? !console_key() : counter() - t0 < 3 * freq)
				;
			puts_("teeguest: crashing OP-TEE\n");
			restarted_secure_world(1);
		} else if (bootargs_have((const char *)dtb, "tee-role=restart")) {
			restarted_secure_world(4);
		} else {
			bystander();
		}
		print_summary("teeguest", passed, failed);
		smc(PSCI_SYSTEM_OFF, 0, 0, 0);
		return 0;
	}
	bool attacker = bootargs_have((const char *)dtb, "tee-role=attack");
	if (attacker || bootargs_have((const char *)dtb, "tee-role=victim")) {
		if (attacker)
			attack();
		else
			victim();
		print_summary("teeguest", passed, failed);
		smc(PSCI_SYSTEM_OFF, 0, 0, 0);
		return 0;
	}
	bool hang = bootargs_have((const char *)dtb, "tee-role=fiq-hang");
	if (hang || bootargs_have((const char *)dtb, "tee-role=wait")) {
		through_secure_interrupts(hang);
		print_summary("teeguest", passed, failed);
		smc(PSCI_SYSTEM_OFF, 0, 0, 0);
		return 0;
	}
	if (bootargs_have((const char *)dtb, "tee-role=stuck")) {
		stuck_secure_world();
		print_summary("teeguest", passed, failed);
		smc(PSCI_SYSTEM_OFF, 0, 0, 0);
		return 0;
	}
	bool b = bootargs_have((const char *)dtb, "tee-role=b");
	puts_(b ? "teeguest: second VM\n" : "teeguest: first VM\n");
	identification_and_refusals();
	uint32_t session = open_device_pta();
	if (b) {
		other_vm(session);
	} else {
		bad_messages();
		session_and_shared_memory(session);
		bad_memory(session);
	}
	struct optee_msg_arg *m = new_msg(MSG_CLOSE_SESSION, session, 0);
	check(call_with_arg((uint64_t)m) == OPTEE_SMC_RETURN_OK && m->ret == TEE_SUCCESS,
	      "CLOSE_SESSION", m->ret);
	check(get_devices(session, tmem((uint64_t)data[0], 4096, false), NULL) != TEE_SUCCESS,
	      "a closed session is gone", 0);
	print_summary("teeguest", passed, failed);
	smc(PSCI_SYSTEM_OFF, 0, 0, 0);
	return 0;
}
