/* The VM slot table: which ids are in use and by which name. A VM's id is its slot, the
 * lowest free one, reused once the VM is destroyed (the console's Ctrl-T n and the
 * per-id state of features follow it). Pure logic (core/vm_slots.c), host-tested; the
 * caller locks. */
#ifndef TRIAD_VM_SLOTS_H
#define TRIAD_VM_SLOTS_H

#include <stdbool.h>
#include <triad/config.h>

struct vm;

struct vm_slots {
	struct vm *vm[MAX_VMS];		 /* NULL while reserved or free */
	bool used[MAX_VMS];		 /* reserved (being created) or holding a VM */
	char name[MAX_VMS][VM_NAME_MAX]; /* names are unique among used slots */
};

/* Whether name can name a VM: 1..VM_NAME_MAX-1 characters of [A-Za-z0-9._-]. */
bool vm_name_valid(const char *name);
/* Reserves the lowest free slot for name: its id, or -EINVAL (bad name), -EEXIST (a VM has
 * that name), -ENOSPC (every slot is used). */
int vm_slots_claim(struct vm_slots *s, const char *name);
/* The slot's VM, once created. */
void vm_slots_set(struct vm_slots *s, unsigned id, struct vm *vm);
/* Frees the slot (its VM is gone, or its creation failed). */
void vm_slots_release(struct vm_slots *s, unsigned id);
/* The id of the used slot with this name, or -ENOENT. */
int vm_slots_find(const struct vm_slots *s, const char *name);
/* One past the highest used slot: ids below it may be free (their VM is then NULL). */
unsigned vm_slots_end(const struct vm_slots *s);

#endif
