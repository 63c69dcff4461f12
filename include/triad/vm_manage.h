/*
 * Managing VMs while Triad runs: the functions the management API's ops (include/triad/
 * mgmt.h) and the snapshot code call. Core's; each group says which file owns it.
 */
#ifndef TRIAD_VM_MANAGE_H
#define TRIAD_VM_MANAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct vm_config;
struct mgmt_request;
struct mgmt_reply;

/* core/vm_manage.c. The VM a request's first u32 names (its id, as LIST gives it); NULL,
 * with *err the failure to return (the reply says "no VM N"), if there is none. */
struct vm *mgmt_vm_arg(const struct mgmt_request *req, struct mgmt_reply *rep, int *err);

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
/* bundle: whole pages from the page allocator (the staging buffer, mgmt_input_take), which
 * the VM owns once this returns 0 (and the caller still owns on failure). name, if not
 * NULL, replaces the bundle's. The VM is created stopped: vm_start runs it. */
int vm_create_from_bundle(uint8_t *bundle, uint64_t size, const char *name, struct vm **out);
/* The same, with the reason for a refusal in err rather than in the log. */
int vm_create_bundle(uint8_t *bundle, uint64_t size, const char *name, struct vm **out, char *err,
		     size_t errlen);
/* A VM of a parsed bundle that stays the caller's (the boot bundle): err says why not. */
int vm_create_configured(const struct vm_config *cfg, const uint8_t *bundle, struct vm **out,
			 char *err, size_t errlen);
/* Whether each vCPU's affinity names CPUs the machine has (else err says which). */
int vm_config_check_cpus(const struct vm_config *cfg, char *err, size_t errlen);
/* Powers a stopped VM on from its images. -EAGAIN: its vCPUs are still leaving the CPUs it
 * last ran on; call again (from cpu_loop, a management op's poll). */
int vm_start(struct vm *vm);
/* Stops the VM for good and frees it: 0 once done, -EAGAIN while its vCPUs are still
 * leaving the CPUs (call again from cpu_loop, a management op's poll, until 0: it stays
 * dead meanwhile), -ENOTSUP for a VM with a device that cannot be released
 * (passthrough). */
int vm_destroy(struct vm *vm);

/* core/vm_console.c: a VM's console for the management client (CONSOLE). The console
 * passes each byte of a VM's output (cheap unless a client attached to that VM); a new
 * session (HELLO) detaches every VM. */
void vm_console_tap(unsigned vm_id, char c);
void vm_console_detach_all(void);

#endif
