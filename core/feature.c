/* Calls the hooks of the features in the triad_features linker section, in its order
 * (include/triad/feature.h). */
#include <string.h>
#include <triad/feature.h>
#include <triad/vm_kind.h>

extern const struct feature __start_triad_features[], __stop_triad_features[];

void features_init(void)
{
	/* cppcheck-suppress comparePointers ; the linker's start and end of one section */
	for (const struct feature *f = __start_triad_features; f < __stop_triad_features; f++)
		if (f->init)
			f->init();
}

void features_guest_dt(struct vm *vm, struct guest_dt_params *p)
{
	/* cppcheck-suppress comparePointers ; the linker's start and end of one section */
	for (const struct feature *f = __start_triad_features; f < __stop_triad_features; f++)
		if (f->guest_dt)
			f->guest_dt(vm, p);
}

void features_vm_loaded(struct vm *vm)
{
	/* cppcheck-suppress comparePointers ; the linker's start and end of one section */
	for (const struct feature *f = __start_triad_features; f < __stop_triad_features; f++)
		if (f->vm_loaded)
			f->vm_loaded(vm);
}

void features_vm_reset(struct vm *vm)
{
	/* cppcheck-suppress comparePointers ; the linker's start and end of one section */
	for (const struct feature *f = __start_triad_features; f < __stop_triad_features; f++)
		if (f->vm_reset)
			f->vm_reset(vm);
}

void features_vm_destroy(struct vm *vm)
{
	/* cppcheck-suppress comparePointers ; the linker's start and end of one section */
	for (const struct feature *f = __start_triad_features; f < __stop_triad_features; f++)
		if (f->vm_destroy)
			f->vm_destroy(vm);
}

void features_print_stats(void)
{
	/* cppcheck-suppress comparePointers ; the linker's start and end of one section */
	for (const struct feature *f = __start_triad_features; f < __stop_triad_features; f++)
		if (f->print_stats)
			f->print_stats();
}

const struct vm_kind *features_vm_kind(const char *name)
{
	/* cppcheck-suppress comparePointers ; the linker's start and end of one section */
	for (const struct feature *f = __start_triad_features; f < __stop_triad_features; f++)
		if (f->vm_kind && !strcmp(f->vm_kind->name, name))
			return f->vm_kind;
	return NULL;
}
