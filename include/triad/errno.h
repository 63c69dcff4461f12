/* Error codes returned (negated) by Triad functions. */
#ifndef TRIAD_ERRNO_H
#define TRIAD_ERRNO_H

#define ENOENT	2
#define E2BIG	7
#define ENOMEM	12
#define EBUSY	16
#define EAGAIN	11
#define EEXIST	17
#define ENODEV	19
#define EINVAL	22
#define ENOSPC	28
#define ENOTSUP 95
#define ERANGE	34

#endif
