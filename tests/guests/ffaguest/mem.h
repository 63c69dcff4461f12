/* "ffa=mem": FF-A memory sharing with the test partition (mem.c). */
#ifndef FFAGUEST_MEM_H
#define FFAGUEST_MEM_H

#include <stdint.h>

void mem_tests(uint16_t my_id);

#endif
