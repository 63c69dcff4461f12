/* The VM slot table (include/triad/vm_slots.h). */
#include <string.h>
#include <triad/errno.h>
#include <triad/vm_slots.h>

bool vm_name_valid(const char *name)
{
	size_t n = strnlen(name, VM_NAME_MAX);
	if (!n || n == VM_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

int vm_slots_find(const struct vm_slots *s, const char *name)
{
	for (unsigned i = 0; i < MAX_VMS; i++)
		if (s->used[i] && !strncmp(s->name[i], name, VM_NAME_MAX))
			return (int)i;
	return -ENOENT;
}

int vm_slots_claim(struct vm_slots *s, const char *name)
{
	if (!vm_name_valid(name))
		return -EINVAL;
	if (vm_slots_find(s, name) >= 0)
		return -EEXIST;
	for (unsigned i = 0; i < MAX_VMS; i++)
		if (!s->used[i]) {
			s->used[i] = true;
			s->vm[i] = NULL;
			strncpy(s->name[i], name, VM_NAME_MAX - 1);
			s->name[i][VM_NAME_MAX - 1] = '\0';
			return (int)i;
		}
	return -ENOSPC;
}

void vm_slots_set(struct vm_slots *s, unsigned id, struct vm *vm)
{
	if (id < MAX_VMS && s->used[id])
		__atomic_store_n(&s->vm[id], vm, __ATOMIC_RELEASE);
}

void vm_slots_release(struct vm_slots *s, unsigned id)
{
	if (id >= MAX_VMS)
		return;
	__atomic_store_n(&s->vm[id], NULL, __ATOMIC_RELEASE);
	s->used[id] = false;
	memset(s->name[id], 0, VM_NAME_MAX);
}

unsigned vm_slots_end(const struct vm_slots *s)
{
	unsigned end = 0;
	for (unsigned i = 0; i < MAX_VMS; i++)
		if (s->used[i])
			end = i + 1;
	return end;
}
