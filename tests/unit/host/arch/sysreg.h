/* Host unit tests (TF-RMM's fake_host is the model): the real register names and bits, the
 * instructions replaced: a register reads as the test's host_read_sysreg() says, writes
 * go nowhere, barriers are fences. This directory is first on the tests' include path. */
#ifndef HOST_ARCH_SYSREG_H
#define HOST_ARCH_SYSREG_H
#include_next <arch/sysreg.h>
#undef read_sysreg
#undef write_sysreg
#undef isb
#undef dsb
#undef dmb
#define read_sysreg(reg)       host_read_sysreg(#reg)
#define write_sysreg(reg, val) ((void)(val))
#define isb()		       __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define dsb(opt)	       isb()
#define dmb(opt)	       isb()
uint64_t host_read_sysreg(const char *name);
#endif
