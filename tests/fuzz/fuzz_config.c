/* libFuzzer target: the boot-bundle parser must reject any byte string cleanly. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <triad/config.h>

static struct triad_config cfg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[160];
	/* libfdt wants 8-byte-aligned trees, as the bundle is in Triad. */
	static uint64_t buf[1 << 14];
	if (size > sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	if (config_parse(buf, size, &cfg, err, sizeof(err)) == 0) {
		for (unsigned i = 0; i < cfg.nvms; i++) {
			const struct vm_config *vm = &cfg.vm[i];
			if (vm->kernel.offset + vm->kernel.size > size || !vm->ncpus ||
			    !vm->name[0])
				__builtin_trap();
		}
	}
	return 0;
}
