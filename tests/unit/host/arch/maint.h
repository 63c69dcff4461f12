/* Host unit tests: a host has no caches or TLBs to maintain for the code under test. */
#ifndef HOST_ARCH_MAINT_H
#define HOST_ARCH_MAINT_H

#define tlbi(op)   ((void)0)
#define dc(op, va) ((void)(va))

#endif
