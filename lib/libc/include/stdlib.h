/* libfdt includes <stdlib.h> but needs nothing from it in the hypervisor build. */
#ifndef TRIAD_LIBC_STDLIB_H
#define TRIAD_LIBC_STDLIB_H
#include <stddef.h>
#endif
