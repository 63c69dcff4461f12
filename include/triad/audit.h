/*
 * The audit log: security-relevant events as structured records (time, VM, event,
 * reason), kept in a bounded ring that any CPU appends to without a lock, so that a guest
 * provoking events never waits on it; what is overwritten before it was read is counted.
 * Apart from the console's warnings, which stop after a budget per VM: the audit ring
 * keeps recording.
 */
#ifndef TRIAD_AUDIT_H
#define TRIAD_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum audit_event {
	AUDIT_VM_CREATED,
	AUDIT_VM_STOPPED,      /* it powered off */
	AUDIT_VM_KILLED,       /* Triad stopped it */
	AUDIT_VM_DESTROYED,    /* taken apart at the host's request */
	AUDIT_ABORT_INJECTED,  /* an access outside its memory */
	AUDIT_CALL_REFUSED,    /* an HVC/SMC no service takes */
	AUDIT_FFA_REFUSED,     /* an FF-A request refused */
	AUDIT_TEE_REFUSED,     /* an OP-TEE request refused */
	AUDIT_REALM_CREATED,   /* its realm built in the realm world */
	AUDIT_REALM_DESTROYED, /* and taken apart */
	AUDIT_REALM_ATTESTED,  /* the RMM built it an attestation token (or could not) */
	AUDIT_SNAPSHOT_SAVED,
	AUDIT_SNAPSHOT_RESTORED,
	AUDIT_NR_EVENTS
};

#define AUDIT_RECORDS	 512u /* a power of two */
#define AUDIT_REASON_MAX 88
#define AUDIT_NO_VM	 0xffffu

struct audit_record {
	uint64_t seq;  /* its number + 1, written last: 0 or another number, not (yet) valid */
	uint64_t time; /* CNTPCT_EL0 */
	uint16_t vm;   /* VM id, or AUDIT_NO_VM */
	uint16_t event;
	char reason[AUDIT_REASON_MAX];
};

struct vm;
/* Records an event of vm (or NULL); the reason printf-style, cut to fit. */
void audit(const struct vm *vm, enum audit_event ev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same for an event that happened at counter value time (seen later, e.g. the RMM's). */
void audit_at(const struct vm *vm, enum audit_event ev, uint64_t time, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *audit_event_name(unsigned ev);
/* Copies the records numbered from `from` on (oldest first) into out; returns how many,
 * the number to ask from next in *next, and how many of those asked for were overwritten
 * (or were being written) and are lost in *lost. */
size_t audit_read(uint64_t from, struct audit_record *out, size_t max, uint64_t *next,
		  uint64_t *lost);
/* Every record as an "@audit TOKEN ..." line at the end of a run, if asked for
 * (triad.audit on Triad's command line). */
void audit_dump(const char *token);
extern bool audit_dump_at_exit;

#endif
