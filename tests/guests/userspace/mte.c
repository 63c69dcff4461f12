/* triad-mte sync|async: Linux's MTE from user space. Asks for tagged addresses and tag
 * checks in that mode (prctl), maps a page with PROT_MTE, tags it (IRG, STG), reads it
 * through the right tag, then through a wrong one: the kernel must answer with SIGSEGV,
 * si_code SEGV_MTESERR (9) in sync mode, SEGV_MTEAERR (8) in async mode (at the next kernel
 * entry). Prints "mte: MODE tag T right ok, wrong: SIGSEGV si_code C" or a FAIL line.
 * Built with +memtag. */
#include "nolibc.h"

#define SYS_rt_sigaction	134
#define SYS_prctl		167
#define SYS_getpid		172
#define SYS_mmap		222
#define PR_SET_TAGGED_ADDR_CTRL 55
#define PR_TAGGED_ADDR_ENABLE	1UL
#define PR_MTE_TCF_SYNC		(1UL << 1)
#define PR_MTE_TCF_ASYNC	(1UL << 2)
#define PR_MTE_TAG_SHIFT	3
#define PROT_READ		1
#define PROT_WRITE		2
#define PROT_MTE		0x20
#define MAP_PRIVATE		0x02
#define MAP_ANONYMOUS		0x20
#define SIGSEGV			11
#define SA_SIGINFO		4
#define SEGV_MTEAERR		8
#define SEGV_MTESERR		9

struct ksigaction {
	void (*handler)(int, void *, void *);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

static volatile int expecting;

static void on_segv(int sig, void *info, void *uc)
{
	(void)sig, (void)uc;
	int code = ((int *)info)[2]; /* siginfo_t: si_signo, si_errno, si_code */
	if (!expecting) {
		put_str("mte: FAIL SIGSEGV with the right tag, si_code ");
		put_u64((uint64_t)code);
		put_str("\n");
		exit_now(1);
	}
	put_str(code == expecting ? "" : "mte: FAIL ");
	put_str("wrong: SIGSEGV si_code ");
	put_u64((uint64_t)code);
	put_str("\n");
	exit_now(code == expecting ? 0 : 1);
}

static uint64_t irg(uint64_t p)
{
	__asm__ volatile(".arch armv8.5-a+memtag\n\tirg %0, %0" : "+r"(p));
	return p;
}

static void stg(uint64_t p)
{
	__asm__ volatile(".arch armv8.5-a+memtag\n\tstg %0, [%0]" ::"r"(p) : "memory");
}

int main(int argc, char **argv)
{
	int async = argc > 1 && argv[1][0] == 'a';
	long r = syscall5(SYS_prctl, PR_SET_TAGGED_ADDR_CTRL,
			  PR_TAGGED_ADDR_ENABLE | (async ? PR_MTE_TCF_ASYNC : PR_MTE_TCF_SYNC) |
			      (0xfffeUL << PR_MTE_TAG_SHIFT),
			  0, 0, 0);
	if (r) {
		put_str("mte: FAIL prctl(PR_SET_TAGGED_ADDR_CTRL) refused\n");
		return 1;
	}
	struct ksigaction sa = {.handler = on_segv, .flags = SA_SIGINFO};
	syscall5(SYS_rt_sigaction, SIGSEGV, (long)&sa, 0, 8, 0);
	long page = syscall6(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE | PROT_MTE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page < 0 && page > -4096) {
		put_str("mte: FAIL mmap(PROT_MTE) refused\n");
		return 1;
	}
	uint64_t p = irg((uint64_t)page);
	for (uint64_t q = p; q < p + 4096; q += 16)
		stg(q);
	*(volatile uint64_t *)(p + 64) = 42;
	uint64_t v = *(volatile uint64_t *)(p + 64);
	put_str(async ? "mte: async tag " : "mte: sync tag ");
	put_u64(p >> 56 & 0xf);
	put_str(v == 42 ? " right ok, " : " right WRONG, ");
	put_flush();
	expecting = async ? SEGV_MTEAERR : SEGV_MTESERR;
	uint64_t bad = p ^ (1UL << 59);
	v = *(volatile uint64_t *)(bad + 64);
	syscall3(SYS_getpid, 0, 0, 0); /* an async fault is delivered at a kernel entry */
	put_str("mte: FAIL no SIGSEGV with a wrong tag\n");
	return 1;
}
