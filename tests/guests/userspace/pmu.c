/* triad-pmu SECONDS [LABEL [PERIOD]]: counts CPU cycles with the guest kernel's perf events while
 * busy-looping for SECONDS of wall-clock time, on two PMU counters at once (the Linux
 * driver gives the first event the dedicated cycle counter and the second, the same
 * event by raw number, a programmable event counter), and prints both with the
 * elapsed time. Under Triad the counts cover only the time this vCPU really ran. With a
 * PERIOD, the cycle counter also interrupts every PERIOD cycles (a sampling event whose
 * samples nobody reads: the interrupts are the point). */
#include "nolibc.h"

/* The first 64 bytes of struct perf_event_attr (PERF_ATTR_SIZE_VER0). */
struct perf_attr {
	uint32_t type, size;
	uint64_t config, sample_period, sample_type, read_format, flags;
	uint32_t wakeup_events, bp_type;
	uint64_t config1;
};

#define PERF_TYPE_HARDWARE     0
#define PERF_TYPE_RAW	       4
#define PERF_COUNT_HW_CYCLES   0
#define ARMV8_EVENT_CPU_CYCLES 0x11
#define PERF_FORMAT_GROUP      (1UL << 3)
#define PERF_FLAG_DISABLED     (1UL << 0)
#define PERF_FLAG_EXCLUDE_HV   (1UL << 6)
#define PERF_IOC_ENABLE	       0x2400
#define PERF_IOC_DISABLE       0x2401
#define PERF_IOC_FLAG_GROUP    1

static long open_event(uint32_t type, uint64_t config, long group, uint64_t period)
{
	struct perf_attr a = {0};
	a.type = type;
	a.size = sizeof(a);
	a.config = config;
	a.sample_period = period;
	a.read_format = PERF_FORMAT_GROUP;
	a.flags = (group < 0 ? PERF_FLAG_DISABLED : 0) | PERF_FLAG_EXCLUDE_HV;
	return syscall5(SYS_perf_event_open, (long)&a, 0 /* this task */, -1 /* any CPU */, group,
			0);
}

static int fail(const char *what, long err)
{
	put_str("pmu: ");
	put_str(what);
	put_str(" failed: errno ");
	put_u64((uint64_t)-err);
	put_str("\n");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		put_str("usage: triad-pmu SECONDS [LABEL [PERIOD]]\n");
		return 2;
	}
	uint64_t seconds = parse_u64(argv[1]), freq = counter_freq();
	long cycles = open_event(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CYCLES, -1,
				 argc > 3 ? parse_u64(argv[3]) : 0);
	if (cycles < 0)
		return fail("perf_event_open(cycles)", cycles);
	long events = open_event(PERF_TYPE_RAW, ARMV8_EVENT_CPU_CYCLES, cycles, 0);
	if (events < 0)
		return fail("perf_event_open(raw 0x11)", events);

	long r = syscall3(SYS_ioctl, cycles, PERF_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
	if (r < 0)
		return fail("enable", r);
	uint64_t start = counter(), end = start + seconds * freq, now;
	while ((now = counter()) < end)
		for (volatile int i = 0; i < 1000; i++)
			;
	syscall3(SYS_ioctl, cycles, PERF_IOC_DISABLE, PERF_IOC_FLAG_GROUP);

	uint64_t values[3]; /* nr, then one value per event */
	r = syscall3(SYS_read, cycles, (long)values, sizeof(values));
	if (r != (long)sizeof(values) || values[0] != 2)
		return fail("read", r < 0 ? r : -5);
	put_str("pmu: ");
	put_str(argc > 2 ? argv[2] : "-");
	put_str(" cycles ");
	put_u64(values[1]);
	put_str(" event-counter ");
	put_u64(values[2]);
	put_str(" wall-ns ");
	uint64_t ticks = now - start;
	put_u64(ticks_to_ns(ticks, freq));
	put_str("\n");
	return 0;
}
