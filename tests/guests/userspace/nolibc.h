/* Just enough of a C runtime for tiny static arm64 Linux test programs: the guests'
 * initramfs has no libc, and Debian's cross compiler ships none for arm64. */
#ifndef NOLIBC_H
#define NOLIBC_H

#include <stddef.h>
#include <stdint.h>

#define SYS_ioctl	    29
#define SYS_read	    63
#define SYS_write	    64
#define SYS_exit_group	    94
#define SYS_perf_event_open 241

static inline long syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;
	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	return x0;
}

static inline long syscall5(long n, long a, long b, long c, long d, long e)
{
	return syscall6(n, a, b, c, d, e, 0);
}

static inline long syscall3(long n, long a, long b, long c)
{
	return syscall5(n, a, b, c, 0, 0);
}

static inline size_t str_len(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

/* Output is line-buffered so that each line is one write(): lines of programs running
 * at the same time on one console then never interleave mid-line. */
static char out_line[256];
static size_t out_len;

static inline void put_flush(void)
{
	if (out_len)
		syscall3(SYS_write, 1, (long)out_line, (long)out_len);
	out_len = 0;
}

static inline void put_str(const char *s)
{
	for (; *s; s++) {
		if (out_len == sizeof(out_line))
			put_flush();
		out_line[out_len++] = *s;
		if (*s == '\n')
			put_flush();
	}
}

static inline void put_u64(uint64_t v)
{
	char buf[24];
	int i = sizeof(buf) - 1;
	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put_str(&buf[i]);
}

/* The virtual counter, ordered after earlier instructions; its frequency; ticks in ns. */
static inline uint64_t counter(void)
{
	uint64_t v;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static inline uint64_t counter_freq(void)
{
	uint64_t f;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f;
}

static inline uint64_t ticks_to_ns(uint64_t t, uint64_t freq)
{
	return t / freq * 1000000000UL + t % freq * 1000000000UL / freq;
}

static inline uint64_t parse_u64(const char *s)
{
	uint64_t v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (uint64_t)(*s++ - '0');
	return v;
}

static inline __attribute__((noreturn)) void exit_now(int code)
{
	put_flush();
	syscall3(SYS_exit_group, code, 0, 0);
	__builtin_unreachable();
}

int main(int argc, char **argv);

/* The kernel starts us with sp -> argc, argv[0..argc-1], NULL, envp... */
__asm__(".global _start\n"
	"_start:\n"
	"	ldr x0, [sp]\n"
	"	add x1, sp, #8\n"
	"	bl c_start\n");

__attribute__((used, noreturn)) static void c_start(int argc, char **argv)
{
	exit_now(main(argc, argv));
}

#endif
