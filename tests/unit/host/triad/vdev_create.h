/* Host unit tests build only a vdev type's parse half: it names no create function. */
#ifndef TRIAD_VDEV_CREATE_H
#define TRIAD_VDEV_CREATE_H
#define VDEV_CREATE(fn) NULL
#endif
