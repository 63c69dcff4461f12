/* What Triad's EL3 monitor hands the hypervisor it boots, besides the machine's DTB (x0):
 * a pointer to this in x1. Firmware that boots Triad like Linux (x1 = 0) leaves the same
 * facts in the DTB's /chosen node instead. */
#ifndef TRIAD_BOOT_INFO_H
#define TRIAD_BOOT_INFO_H

#include <stdint.h>

#define BOOT_INFO_MAGIC 0x6f666e4944415254ULL /* "TRADInfo" */

struct boot_info {
	uint64_t magic;
	uint64_t initrd_start, initrd_end; /* the boot bundle */
	char bootargs[256];
	/* Memory of the firmware's (the Realm world's, the GPT's) Triad must not use. */
	uint64_t reserved_base, reserved_size;
};

#endif
