/* "ffa=mem": FF-A memory sharing with the test partition (mem.c). */
#ifndef FFAGUEST_MEM_H
#define FFAGUEST_MEM_H

#include <stdint.h>

void mem_tests(uint16_t my_id);
void mem_owner_tests(uint16_t my_id);
void mem_thief_tests(uint16_t my_id);
void mem_reset_tests(uint16_t my_id);
void mem_hold_tests(uint16_t my_id);

#endif
