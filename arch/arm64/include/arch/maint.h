/* Cache and TLB maintenance instructions by name (host unit tests swap this header). */
#ifndef ARCH_MAINT_H
#define ARCH_MAINT_H

#define tlbi(op)   __asm__ volatile("tlbi " #op ::: "memory")
#define dc(op, va) __asm__ volatile("dc " #op ", %0" ::"r"(va) : "memory")

#endif
