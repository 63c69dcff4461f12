/* msg.c: the FF-A guest's indirect message checks ("ffa=msg-vm"). */
#ifndef FFAGUEST_MSG_H
#define FFAGUEST_MSG_H

#include <stdint.h>

void msg_vm_tests(uint16_t me);

#endif
