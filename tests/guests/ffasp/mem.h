/* The test partition's FF-A memory sharing requests (mem.c), after sp.c's own. */
#ifndef FFASP_MEM_H
#define FFASP_MEM_H

#include <stdint.h>
#include <triad/ffa.h>

enum { SP_MEM_RETRIEVE = 10, SP_MEM_READ, SP_MEM_WRITE, SP_MEM_RELINQUISH, SP_MEM_MAILBOX };

void sp_mem_serve(uint16_t me, unsigned command, uint64_t r[FFA_NREGS]);

#endif
