/* A vdev type's create function by name (host unit tests swap this header: tests/unit/host). */
#ifndef TRIAD_VDEV_CREATE_H
#define TRIAD_VDEV_CREATE_H
#define VDEV_CREATE(fn) fn
#endif
