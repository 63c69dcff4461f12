/* notif.c: serves a notification request (notif_cmds.h) of context ctx of partition me,
 * its answer into r's x4-x7; false if r is not one. */
#ifndef FFASP_SP_NOTIF_H
#define FFASP_SP_NOTIF_H

#include <stdbool.h>
#include <stdint.h>
#include <triad/ffa.h>

bool sp_notif_serve(uint16_t me, unsigned ctx, uint64_t r[FFA_NREGS]);

#endif
