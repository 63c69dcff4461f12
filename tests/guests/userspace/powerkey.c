/* triad-powerkey: the test guests' power button handler. The Debian cloud kernel has the
 * PL061 driver but not gpio-keys, so this watches the power key's GPIO line itself (the
 * gpiolib character device, its v1 line event interface) and on a press syncs and powers
 * the machine off (PSCI SYSTEM_OFF through the kernel), as a desktop's power button does.
 *   triad-powerkey [LINE]   (default 3, QEMU virt's power key line)
 * Exits 1 if the line cannot be watched. */
#include "nolibc.h"

#define SYS_openat 56
#define SYS_sync   81
#define SYS_reboot 142
#define AT_FDCWD   -100
#define O_RDONLY   0

#define GPIOHANDLE_REQUEST_INPUT      (1u << 0)
#define GPIOEVENT_REQUEST_RISING_EDGE (1u << 0)
#define GPIO_GET_LINEEVENT_IOCTL      0xc030b404u /* _IOWR(0xB4, 0x04, 48 bytes) */

#define LINUX_REBOOT_MAGIC1	   0xfee1dead
#define LINUX_REBOOT_MAGIC2	   672274793
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedc

struct gpioevent_request {
	uint32_t lineoffset, handleflags, eventflags;
	char consumer_label[32];
	int fd;
};

struct gpioevent_data {
	uint64_t timestamp;
	uint32_t id;
	uint32_t pad;
};

int main(int argc, char **argv)
{
	uint32_t line = argc > 1 ? (uint32_t)parse_u64(argv[1]) : 3;
	long chip = syscall6(SYS_openat, AT_FDCWD, (long)"/dev/gpiochip0", O_RDONLY, 0, 0, 0);
	if (chip < 0) {
		put_str("triad-powerkey: no /dev/gpiochip0\n");
		return 1;
	}
	struct gpioevent_request req = {.lineoffset = line,
					.handleflags = GPIOHANDLE_REQUEST_INPUT,
					.eventflags = GPIOEVENT_REQUEST_RISING_EDGE};
	const char label[] = "power-key";
	for (unsigned i = 0; i < sizeof(label); i++)
		req.consumer_label[i] = label[i];
	if (syscall3(SYS_ioctl, chip, GPIO_GET_LINEEVENT_IOCTL, (long)&req) < 0) {
		put_str("triad-powerkey: cannot watch the power key line\n");
		return 1;
	}
	put_str("triad-powerkey: watching GPIO line ");
	put_u64(line);
	put_str("\n");
	for (;;) {
		struct gpioevent_data ev;
		long n = syscall3(SYS_read, req.fd, (long)&ev, sizeof(ev));
		if (n == (long)sizeof(ev))
			break;
		if (n < 0 && n != -4 /* EINTR */) {
			put_str("triad-powerkey: reading the line failed\n");
			return 1;
		}
	}
	put_str("triad-guest: power key pressed, powering off\n");
	syscall6(SYS_sync, 0, 0, 0, 0, 0, 0);
	syscall6(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF,
		 0, 0, 0);
	return 1;
}
