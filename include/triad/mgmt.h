/*
 * The management API (docs/management.md): a versioned request/response protocol through
 * which a host tool (tools/triad-ctl) lists, creates, pauses, saves... VMs while Triad runs.
 *
 * Three parts, each behind a small interface:
 *  - a transport moves bytes (on QEMU: the machine's virtio console, whose chardev is the
 *    socket `triad-run --control PATH` names; on a board it could be a management VM's
 *    hypercalls): it hands received bytes to mgmt_receive() and sends with its send();
 *  - core/mgmt.c frames them, checks each request like guest input (header, version,
 *    sizes, order) and dispatches to an op from the MGMT_OP table;
 *  - each op is a small handler in the file of the thing it manages.
 *
 * Requests run on one CPU at a time, from cpu_loop (mgmt_poll), never inside a guest's trap:
 * a handler may take vm->lock and anything below it (include/triad/spinlock.h).
 */
#ifndef TRIAD_MGMT_H
#define TRIAD_MGMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Wire format (little-endian). Every frame, either way: a header, then `len` payload bytes. */
#define MGMT_MAGIC	   0x544d4754u /* "TGMT" */
#define MGMT_VERSION_MAJOR 1	       /* changes only when an existing op changes meaning */
#define MGMT_VERSION_MINOR 1	       /* ops added, or an op's use narrowed (1.1: SAVE streams) */
#define MGMT_MAX_PAYLOAD   (1u << 20)

struct mgmt_frame_header {
	uint32_t magic;
	uint16_t op;	/* a request's op; its reply carries the same op | MGMT_REPLY */
	uint16_t flags; /* 0 */
	uint32_t seq;	/* chosen by the client, echoed in the reply */
	uint32_t len;	/* payload bytes that follow, at most MGMT_MAX_PAYLOAD */
};

#define MGMT_REPLY 0x8000u
#define MGMT_EVENT 0x4000u /* unsolicited, from Triad (console output), seq 0 */

/* A reply's payload starts with a status: 0, or a negative MGMT_E* code followed by a
 * NUL-terminated reason for a human. */
enum mgmt_status {
	MGMT_OK = 0,
	MGMT_EPROTO = -1,  /* malformed frame, unknown op, request out of order */
	MGMT_EINVAL = -2,  /* a field out of range, a config or file that does not parse */
	MGMT_ENOENT = -3,  /* no such VM */
	MGMT_EBUSY = -4,   /* the VM is not in a state that allows it */
	MGMT_ENOMEM = -5,  /* not enough free memory (or VMIDs, VM slots) */
	MGMT_ENOTSUP = -6, /* not possible for this VM (a realm's save, passthrough) */
	MGMT_EVERSION = -7 /* protocol or snapshot version not understood */
};

/* Ops. Ranges belong to the files that implement them. */
enum mgmt_op {
	/* core/mgmt.c: the session */
	MGMT_OP_HELLO = 0x0001,	       /* must come first; starts a fresh session */
	MGMT_OP_UPLOAD_BEGIN = 0x0002, /* u64 size: a staging buffer for CREATE, RESTORE */
	MGMT_OP_UPLOAD = 0x0003,       /* u64 offset, bytes */
	MGMT_OP_DOWNLOAD = 0x0004,     /* u64 offset, u32 len: from the output buffer (SAVE) */
	/* core/vm_manage.c: looking at and pausing VMs (core/vm_console.c: the console) */
	MGMT_OP_LIST = 0x0010,
	MGMT_OP_INFO = 0x0011,
	MGMT_OP_PAUSE = 0x0012,
	MGMT_OP_RESUME = 0x0013,
	MGMT_OP_CONSOLE = 0x0014,	/* u32 vm, u32 on: console output as MGMT_EVENT frames */
	MGMT_OP_CONSOLE_INPUT = 0x0015, /* u32 vm, bytes */
	/* core/vm_lifecycle.c: creating and ending VMs */
	MGMT_OP_CREATE = 0x0020, /* the staged bundle (docs/bundle.md) with one VM */
	MGMT_OP_START = 0x0021,
	MGMT_OP_SHUTDOWN = 0x0022, /* u32 vm, u32 deadline in ms: then destroyed */
	MGMT_OP_REBOOT = 0x0023,
	MGMT_OP_DESTROY = 0x0024,
	MGMT_OP_QUIT = 0x0025, /* ends the run (every VM with it) once the reply is out */
	/* core/snapshot*.c: saving and restoring */
	MGMT_OP_SAVE = 0x0030,	  /* u32 vm: the snapshot becomes the output buffer */
	MGMT_OP_RESTORE = 0x0031, /* the staged snapshot, optional new name */
	/* core/observe_ops.c: statistics, the trace buffer and the audit log */
	MGMT_OP_STATS = 0x0040,	     /* u32 vm */
	MGMT_OP_TRACE_SET = 0x0041,  /* u32 classes */
	MGMT_OP_TRACE_READ = 0x0042, /* u32 cpu, u32 max, u64 from */
	MGMT_OP_AUDIT_READ = 0x0043, /* u32 max, u32 0, u64 from */
};

/* What a handler sees and fills. */
struct mgmt_request {
	uint16_t op;
	uint32_t seq;
	const uint8_t *payload; /* already copied out of the transport: stable, Triad's */
	uint32_t len;		/* within the op's [min_len, max_len] */
};

struct mgmt_reply {
	uint8_t *data; /* room for MGMT_MAX_PAYLOAD - 4 bytes after the status */
	uint32_t len;  /* what the handler wrote */
	/* Bytes sent after data from where they are, not copied into it (DOWNLOAD's, from
	 * the output buffer); they count against the same maximum. */
	const uint8_t *tail;
	uint32_t tail_len;
	char reason[128];
};

/* A handler's result: MGMT_OK (reply sent with data), a negative enum mgmt_status (reply
 * sent with reason, which mgmt_fail fills), or MGMT_PENDING: the op waits (say, for the
 * VM's vCPUs to leave the CPUs) and its poll is called from cpu_loop until it returns
 * anything else. Only one request is in progress at a time; the next waits. */
#define MGMT_PENDING 1

struct mgmt_op_desc {
	uint16_t op;
	const char *name;
	uint32_t min_len, max_len; /* payload bounds, checked before the handler runs */
	int (*handle)(const struct mgmt_request *req, struct mgmt_reply *rep);
	int (*poll)(const struct mgmt_request *req, struct mgmt_reply *rep); /* or NULL */
};

#define MGMT_OP(id)                                                                                \
	static const struct mgmt_op_desc mgmt_op_##id                                              \
	    __attribute__((used, section("triad_mgmt_ops"), aligned(8)))

/* Little-endian fields of a payload, and appending to a reply (room is the handler's to
 * know: MGMT_MAX_PAYLOAD - 4 at most). */
static inline uint32_t mgmt_get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline void mgmt_put(struct mgmt_reply *rep, const void *src, size_t n)
{
	memcpy(rep->data + rep->len, src, n);
	rep->len += (uint32_t)n;
}

static inline void mgmt_put32(struct mgmt_reply *rep, uint32_t v)
{
	mgmt_put(rep, &v, 4);
}

static inline void mgmt_put64(struct mgmt_reply *rep, uint64_t v)
{
	mgmt_put(rep, &v, 8);
}

/* Sets the reply's reason (printf-style) and returns code, for `return mgmt_fail(...)`. */
int mgmt_fail(struct mgmt_reply *rep, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The session's staging buffers (core/mgmt.c). The input is what UPLOAD_BEGIN/UPLOAD
 * filled (NULL, 0 if none, or not every byte was uploaded); an op that keeps it takes it
 * (then frees it with page_free(pa, ALIGN_UP(len, PAGE_SIZE) / PAGE_SIZE)). The output is a
 * buffer an op hands over (same allocation rule) for the client to DOWNLOAD; the session
 * frees it on the next HELLO or the next output. */
const uint8_t *mgmt_input(uint64_t *len);
uint8_t *mgmt_input_take(uint64_t *len);
void mgmt_set_output(uint8_t *buf, uint64_t len);
/* An output produced as DOWNLOAD reads it (SAVE's snapshot, from its paused VM). */
struct mgmt_stream {
	uint64_t size;
	/* The bytes at off, which is where the last read ended (a stream is read in order),
	 * up to max of them: points *out at them, returns their count (0 at the end), or a
	 * negative enum mgmt_status with why. */
	long (*read)(struct mgmt_stream *st, uint64_t off, uint32_t max, const uint8_t **out,
		     char *why, size_t whylen);
	/* Dropped, read to its end or not: another output replaced it, the session ended,
	 * or nobody read it for MGMT_STREAM_IDLE_MS. */
	void (*close)(struct mgmt_stream *st);
};
#define MGMT_STREAM_IDLE_MS 30000
/* Makes st the output; the last output goes. */
void mgmt_set_stream(struct mgmt_stream *st);

/* The transport side. */
struct mgmt_transport {
	const char *name;
	/* Sends one frame, head then body back to back (may wait for room; never drops;
	 * neither buffer is used once it returns). */
	void (*send)(const void *head, size_t head_len, const void *body, size_t body_len);
	/* Sends all of buf if there is room now, else nothing (events). */
	bool (*try_send)(const void *buf, size_t len);
	/* Offers again the bytes mgmt_receive() did not take (called from mgmt_poll). */
	void (*poll)(void);
};
void mgmt_register_transport(const struct mgmt_transport *t);
/* Bytes received, in order, from any context: queued for mgmt_poll. Returns how many were
 * taken (fewer when the queue is full: the transport keeps the rest and offers them again). */
size_t mgmt_receive(const void *buf, size_t len);
/* Unsolicited frames (console output): dropped, and counted, if the transport has no room. */
void mgmt_send_event(uint16_t op, const void *payload, uint32_t len);
/* From cpu_loop of the management CPU: parses what was received, runs or polls requests. */
void mgmt_poll(void);
bool mgmt_enabled(void);
/* A request waits (MGMT_PENDING) or received bytes wait: call mgmt_poll again soon. */
bool mgmt_busy(void);
/* Events that found no room in the transport, since boot. */
uint64_t mgmt_events_dropped(void);

#endif
