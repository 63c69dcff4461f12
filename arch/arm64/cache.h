#ifndef ARCH_CACHE_H
#define ARCH_CACHE_H
#include <stdint.h>
void dcache_clean_range(uint64_t start, uint64_t size);
void dcache_clean_inval_range(uint64_t start, uint64_t size);
void icache_invalidate_all(void);
void zero_range(uint64_t start, uint64_t size);
#endif
