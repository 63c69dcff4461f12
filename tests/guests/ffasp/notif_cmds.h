/* The test partition's notification requests (tests/guests/ffasp/notif.c), shared with the
 * FF-A guest. DIRECT_REQ (64-bit) w3 = the command, x4-x7 its arguments; each answers
 * x4 = the FF-A call's x0, x5 = its w2 (the error code, or SUCCESS's first result):
 *   NOTIF_BIND    x4 = sender, x5 = bits, x6 = flags: BIND of its own bits;
 *   NOTIF_UNBIND  x4 = sender, x5 = bits;
 *   NOTIF_SET     x4 = receiver, x5 = bits, x6 = flags: SET as itself;
 *   NOTIF_GET     x4 = flags: GET of its own (this context's); x5 = the bits from
 *                 partitions, x6 = those from VMs (x7 = the error code, if any);
 *   NOTIF_REFUSED what the SPMC refuses the partition itself: x4 = the checks that passed
 *                 (bits, NOTIF_REFUSED_ALL if all). */
#ifndef FFASP_NOTIF_CMDS_H
#define FFASP_NOTIF_CMDS_H

enum { NOTIF_BIND = 0x100, NOTIF_UNBIND, NOTIF_SET, NOTIF_GET, NOTIF_REFUSED };
#define NOTIF_REFUSED_ALL 0x3f

#endif
