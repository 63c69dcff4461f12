/*
 * Managing VMs while Triad runs: the functions the management API's ops (include/triad/
 * mgmt.h) and the snapshot code call. Core's; each group says which file owns it.
 */
#ifndef TRIAD_VM_MANAGE_H
#define TRIAD_VM_MANAGE_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

/* core/vm_pause.c. Pausing stops the VM's vCPUs from being scheduled and its devices from
 * starting I/O; its pending interrupts and timers are kept. vm_pause returns at once;
 * vm_quiesced says when every vCPU has left the CPUs with its state saved in memory and
 * the devices' in-flight requests have completed (what a snapshot needs). */
int vm_pause(struct vm *vm);
bool vm_quiesced(struct vm *vm);
int vm_resume(struct vm *vm);
/* The two halves of vm_quiesced: paused with every vCPU off the CPUs; no device I/O in
 * flight (vdev_ops.busy). */
bool vm_vcpus_stopped(struct vm *vm);
bool vm_io_drained(struct vm *vm);

/* core/vm_lifecycle.c. A VM slot table (vm_by_id/vm_by_name), VMs made from a bundle with
 * one VM node (docs/bundle.md) that the VM then owns, and VMs ended and freed: RAM scrubbed
 * and returned, VMID and stage-2 tables freed, devices released. Each returns 0 or a
 * negative errno and logs the reason. */
struct vm *vm_by_name(const char *name);
int vm_create_from_bundle(uint8_t *bundle, uint64_t size, const char *name, struct vm **out);
int vm_start(struct vm *vm);
int vm_destroy(struct vm *vm);

#endif
