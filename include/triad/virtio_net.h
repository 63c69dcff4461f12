/* A VM's virtio-net device: a port of Triad's switch (devices/virtio_net.c). */
#ifndef TRIAD_VIRTIO_NET_H
#define TRIAD_VIRTIO_NET_H

#include <stddef.h>
#include <stdint.h>

struct vm;
struct vdev_config;

/* From the bundle ("net { mac; }"). */
struct net_config {
	uint8_t mac[6]; /* unicast */
};

int virtio_net_create(struct vm *vm, const struct vdev_config *c, char *err, size_t errlen);

#endif
