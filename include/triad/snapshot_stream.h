/*
 * A saved VM's snapshot file, produced as DOWNLOAD reads it (docs/snapshot.md): SAVE
 * measures it (every section's length and checksum; the memory's by reading the RAM
 * once), and each DOWNLOAD then writes the next bytes, the memory's records straight
 * from the VM's RAM. No copy of the VM is kept in Triad's memory; the VM stays paused
 * until the file is read to its end (or dropped), and cannot be resumed or destroyed
 * meanwhile.
 */
#ifndef TRIAD_SNAPSHOT_STREAM_H
#define TRIAD_SNAPSHOT_STREAM_H

#include <stdbool.h>
#include <stddef.h>

struct vm;

/* Makes the quiesced, paused VM's snapshot the management session's output; resumes the
 * VM once it is read if paused_by_save. Returns its size, or a negative errno (-EBUSY: a
 * device has I/O in flight, try again) with why in err. */
long snap_stream_open(struct vm *vm, bool paused_by_save, char *err, size_t errlen);
/* The VM's snapshot is being read: it must not change. */
bool snap_stream_holds(const struct vm *vm);

#endif
