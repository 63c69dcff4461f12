/* The management API's core (docs/management.md): the bytes a transport received are put
 * back together into frames, each checked like guest input (magic, length, flags, op, the
 * op's payload bounds, the session's order), and dispatched to the op's handler from the
 * MGMT_OP table. Also the session itself: HELLO, and the staging buffers that UPLOAD fills
 * and DOWNLOAD reads. Built on the host too: tests/fuzz/fuzz_mgmt.c feeds it any bytes. */
#include <arch/sysreg.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <triad/log.h>
#include <triad/mem.h>
#include <triad/mgmt.h>
#include <triad/spinlock.h>
#include <triad/util.h>
#include <triad/vm_manage.h>

extern const struct mgmt_op_desc __start_triad_mgmt_ops[], __stop_triad_mgmt_ops[];

#define HDR	     ((uint32_t)sizeof(struct mgmt_frame_header))
#define RX_RING	     (64u << 10)  /* received bytes not parsed yet: a power of two */
#define EVENT_MAX    512u	  /* payload bytes per event frame */
#define UPLOAD_LIMIT (1ULL << 36) /* no staging buffer is larger than a machine's RAM */
/* A frame whose next bytes have not come for this long is dropped when others come: its
 * client went away mid-frame, and the next client's HELLO must not become its payload. */
#define STALE_MS 5000

static const struct mgmt_transport *transport;
static uint64_t now_ms(void);

/* Received bytes, from the transport (its interrupt) to mgmt_poll. */
static struct {
	spinlock_t lock;
	uint8_t buf[RX_RING];
	uint32_t head, tail; /* free-running: tail - head bytes are queued */
	bool refused;	     /* the transport kept bytes: ask it again once there is room */
} rx;

/* The frame being put together. */
static struct {
	bool in_payload;
	bool lost_sync; /* a malformed header was seen: bytes are dropped up to the next magic */
	union {
		struct mgmt_frame_header h;
		uint8_t bytes[sizeof(struct mgmt_frame_header)];
	} hdr;
	uint32_t got;	  /* bytes of the header, then of the payload, received */
	uint8_t *payload; /* MGMT_MAX_PAYLOAD bytes */
	uint64_t last_ms; /* when bytes were last taken */
} in;

static struct {
	bool hello;			 /* HELLO came: the other ops are served */
	const struct mgmt_op_desc *busy; /* the request in progress (it returned PENDING) */
	struct mgmt_request req;	 /* ... and its request */
	uint8_t *out;			 /* a reply frame: header, status, up to the maximum */
	struct mgmt_reply rep;		 /* rep.data points into out */
	uint8_t *input;			 /* UPLOAD's staging buffer */
	uint64_t input_size, input_filled;
	uint8_t *output; /* what an op handed over for DOWNLOAD */
	uint64_t output_size;
	struct mgmt_stream *stream; /* or an output produced as it is read */
	uint64_t stream_used_ms;
} s;

static struct {
	spinlock_t lock;
	uint8_t frame[sizeof(struct mgmt_frame_header) + EVENT_MAX];
	uint64_t dropped;
} ev;

int mgmt_fail(struct mgmt_reply *rep, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rep->reason, sizeof(rep->reason), fmt, ap);
	va_end(ap);
	return code;
}

static void free_buf(uint8_t *buf, uint64_t len)
{
	if (buf)
		page_free((uint64_t)(uintptr_t)buf, ALIGN_UP(len, PAGE_SIZE) / PAGE_SIZE);
}

/* ---- the transport side ---- */

void mgmt_register_transport(const struct mgmt_transport *t)
{
	if (transport) {
		pr_warn("management: a second transport (%s) is ignored", t->name);
		return;
	}
	/* The frame buffers: a request's payload, a reply's. */
	uint64_t pages = ALIGN_UP(HDR + MGMT_MAX_PAYLOAD, PAGE_SIZE) / PAGE_SIZE;
	in.payload = (uint8_t *)(uintptr_t)page_alloc(pages, PAGE_SIZE);
	s.out = (uint8_t *)(uintptr_t)page_alloc(pages, PAGE_SIZE);
	if (!in.payload || !s.out) {
		pr_err("management: no memory for its buffers: channel %s not used", t->name);
		free_buf(in.payload, pages * PAGE_SIZE);
		free_buf(s.out, pages * PAGE_SIZE);
		in.payload = s.out = NULL;
		return;
	}
	s.rep.data = s.out + HDR + 4; /* after the reply's header and status */
	spin_init(&rx.lock);
	spin_init(&ev.lock);
	transport = t;
	pr_info("management: channel on %s, protocol %u.%u", t->name, MGMT_VERSION_MAJOR,
		MGMT_VERSION_MINOR);
}

bool mgmt_enabled(void)
{
	return transport != NULL;
}

size_t mgmt_receive(const void *buf, size_t len)
{
	const uint8_t *b = buf;
	spin_lock(&rx.lock);
	size_t room = RX_RING - (rx.tail - rx.head);
	size_t n = MIN(len, room);
	/* At most two pieces: up to the ring's end, then from its start. */
	size_t off = rx.tail & (RX_RING - 1), first = MIN(n, RX_RING - off);
	memcpy(rx.buf + off, b, first);
	memcpy(rx.buf, b + first, n - first);
	__atomic_store_n(&rx.tail, rx.tail + (uint32_t)n, __ATOMIC_RELEASE);
	if (n < len)
		rx.refused = true;
	spin_unlock(&rx.lock);
	return n;
}

void mgmt_send_event(uint16_t op, const void *payload, uint32_t len)
{
	if (!transport)
		return;
	const uint8_t *p = payload;
	spin_lock(&ev.lock);
	do {
		uint32_t n = MIN(len, EVENT_MAX);
		struct mgmt_frame_header h = {MGMT_MAGIC, (uint16_t)(op | MGMT_EVENT), 0, 0, n};
		memcpy(ev.frame, &h, HDR);
		memcpy(ev.frame + HDR, p, n);
		if (!transport->try_send(ev.frame, HDR + n))
			ev.dropped++;
		p += n;
		len -= n;
	} while (len);
	spin_unlock(&ev.lock);
}

uint64_t mgmt_events_dropped(void)
{
	return __atomic_load_n(&ev.dropped, __ATOMIC_RELAXED);
}

/* ---- replies ---- */

static void send_reply(uint16_t op, uint32_t seq, int status)
{
	uint32_t len = 4, tail = 0;
	if (status == MGMT_OK && (s.rep.len > MGMT_MAX_PAYLOAD - 4 ||
				  s.rep.tail_len > MGMT_MAX_PAYLOAD - 4 - s.rep.len)) {
		pr_err("management: op 0x%x wrote a %u+%u-byte reply", op, s.rep.len,
		       s.rep.tail_len);
		status = mgmt_fail(&s.rep, MGMT_EINVAL, "reply too large");
	}
	if (status == MGMT_OK) {
		len += s.rep.len;
		tail = s.rep.tail_len;
	} else {
		s.rep.reason[sizeof(s.rep.reason) - 1] = '\0';
		uint32_t n = (uint32_t)strlen(s.rep.reason) + 1;
		memcpy(s.out + HDR + 4, s.rep.reason, n);
		len += n;
	}
	struct mgmt_frame_header h = {MGMT_MAGIC, (uint16_t)(op | MGMT_REPLY), 0, seq, len + tail};
	int32_t st = status;
	memcpy(s.out, &h, HDR);
	memcpy(s.out + HDR, &st, 4);
	transport->send(s.out, HDR + len, tail ? s.rep.tail : NULL, tail);
}

static void fail(uint16_t op, uint32_t seq, int code, const char *why)
{
	mgmt_fail(&s.rep, code, "%s", why);
	send_reply(op, seq, code);
}

static const struct mgmt_op_desc *find_op(uint16_t op)
{
	/* cppcheck-suppress comparePointers ; the linker's start and end of one section */
	for (const struct mgmt_op_desc *d = __start_triad_mgmt_ops; d < __stop_triad_mgmt_ops; d++)
		if (d->op == op)
			return d;
	return NULL;
}

/* Runs (or keeps polling) the request in progress; sends its reply once it has one. */
static void finish(const struct mgmt_op_desc *d, int r)
{
	if (r == MGMT_PENDING) {
		s.busy = d;
		return;
	}
	s.busy = NULL;
	if (r > 0 || r < MGMT_EVERSION) {
		pr_err("management: op %s returned %d", d->name, r);
		r = mgmt_fail(&s.rep, MGMT_EINVAL, "internal error in %s", d->name);
	}
	send_reply(d->op, s.req.seq, r);
}

static void dispatch(void)
{
	const struct mgmt_frame_header *h = &in.hdr.h;
	const struct mgmt_op_desc *d = find_op(h->op);
	char why[96];
	if (h->flags) {
		snprintf(why, sizeof(why), "flags 0x%x: must be 0", h->flags);
		return fail(h->op, h->seq, MGMT_EPROTO, why);
	}
	if (!d) {
		snprintf(why, sizeof(why), "unknown op 0x%x", h->op);
		return fail(h->op, h->seq, MGMT_EPROTO, why);
	}
	if (!s.hello && d->op != MGMT_OP_HELLO)
		return fail(h->op, h->seq, MGMT_EPROTO, "HELLO must come first");
	if (h->len < d->min_len || h->len > d->max_len) {
		snprintf(why, sizeof(why), "%s: payload of %u bytes, expected %u..%u", d->name,
			 h->len, d->min_len, d->max_len);
		return fail(h->op, h->seq, MGMT_EPROTO, why);
	}
	s.req = (struct mgmt_request){h->op, h->seq, in.payload, h->len};
	s.rep.len = 0;
	s.rep.tail = NULL;
	s.rep.tail_len = 0;
	s.rep.reason[0] = '\0';
	finish(d, d->handle(&s.req, &s.rep));
}

/* A header is complete: is it one? */
static bool header_ok(void)
{
	if (in.hdr.h.len <= MGMT_MAX_PAYLOAD)
		return true;
	char why[64];
	snprintf(why, sizeof(why), "payload of %u bytes: at most %u", in.hdr.h.len,
		 MGMT_MAX_PAYLOAD);
	fail(in.hdr.h.op, in.hdr.h.seq, MGMT_EPROTO, why);
	return false;
}

/* Drops the first byte of the header bytes gathered: the search for the next magic. */
static void slide(void)
{
	if (!in.lost_sync) {
		in.lost_sync = true;
		pr_warn("management: a frame without the magic: bytes dropped up to the next one");
		fail(0, 0, MGMT_EPROTO, "bad magic: bytes dropped up to the next frame");
	}
	memmove(in.hdr.bytes, in.hdr.bytes + 1, --in.got);
}

/* Takes bytes of the stream (*used of them); true when a whole frame is there. */
static bool take(const uint8_t *b, uint32_t n, uint32_t *used)
{
	*used = 0;
	while (*used < n) {
		if (in.in_payload) {
			uint32_t k = MIN(n - *used, in.hdr.h.len - in.got);
			memcpy(in.payload + in.got, b + *used, k);
			in.got += k;
			*used += k;
		} else {
			in.hdr.bytes[in.got++] = b[(*used)++];
			/* The magic is checked as soon as it is there, so that a lost frame
			 * boundary is found again byte by byte. */
			if (in.got == 4 && in.hdr.h.magic != MGMT_MAGIC) {
				slide();
				continue;
			}
			if (in.got < HDR)
				continue;
			in.lost_sync = false;
			if (!header_ok()) {
				/* Its payload cannot be taken: the bytes up to the next magic
				 * are dropped. */
				in.lost_sync = true;
				in.got = 0;
				continue;
			}
			in.in_payload = true;
			in.got = 0;
		}
		if (in.in_payload && in.got == in.hdr.h.len)
			return true;
	}
	return false;
}

static uint64_t now_ms(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0);
	return freq ? read_sysreg(cntpct_el0) / (freq / 1000 ? freq / 1000 : 1) : 0;
}

/* Parses what was received, up to one whole request. */
static void parse(void)
{
	uint32_t head = rx.head, tail = __atomic_load_n(&rx.tail, __ATOMIC_ACQUIRE);
	if (head == tail)
		return;
	uint64_t now = now_ms();
	if ((in.got || in.in_payload) && !s.busy && now - in.last_ms > STALE_MS) {
		pr_warn("management: a frame cut short %u ms ago dropped (%u bytes of its %s)",
			(unsigned)(now - in.last_ms), in.got, in.in_payload ? "payload" : "header");
		in.in_payload = false;
		in.got = 0;
	}
	while (head != tail && !s.busy) {
		uint32_t off = head & (RX_RING - 1);
		uint32_t n = MIN(tail - head, RX_RING - off), used;
		bool whole = take(rx.buf + off, n, &used);
		head += used;
		in.last_ms = now;
		if (whole) {
			in.in_payload = false;
			in.got = 0;
			spin_lock(&rx.lock);
			rx.head = head;
			spin_unlock(&rx.lock);
			dispatch();
		}
	}
	spin_lock(&rx.lock);
	rx.head = head;
	spin_unlock(&rx.lock);
}

void mgmt_poll(void)
{
	if (!transport)
		return;
	if (s.stream && !s.busy && now_ms() - s.stream_used_ms > MGMT_STREAM_IDLE_MS) {
		pr_warn("management: an output nobody read for %u s dropped",
			MGMT_STREAM_IDLE_MS / 1000);
		mgmt_set_output(NULL, 0);
	}
	if (s.busy)
		finish(s.busy, s.busy->poll ? s.busy->poll(&s.req, &s.rep)
					    : mgmt_fail(&s.rep, MGMT_EINVAL, "no poll"));
	/* Called between every two vCPU runs of CPU 0: cheap unless there is work. */
	for (;;) {
		parse();
		if (s.busy || !transport->poll || !__atomic_load_n(&rx.refused, __ATOMIC_ACQUIRE))
			return;
		spin_lock(&rx.lock);
		rx.refused = false;
		spin_unlock(&rx.lock);
		transport->poll(); /* what did not fit in the ring before */
	}
}

bool mgmt_busy(void)
{
	return transport && (s.busy || __atomic_load_n(&rx.tail, __ATOMIC_ACQUIRE) != rx.head);
}

/* ---- the session and its staging buffers ---- */

const uint8_t *mgmt_input(uint64_t *len)
{
	bool whole = s.input && s.input_filled == s.input_size;
	*len = whole ? s.input_size : 0;
	return whole ? s.input : NULL;
}

uint8_t *mgmt_input_take(uint64_t *len)
{
	uint8_t *b = (uint8_t *)mgmt_input(len);
	if (b) {
		s.input = NULL;
		s.input_size = s.input_filled = 0;
	}
	return b;
}

static void drop_input(void)
{
	free_buf(s.input, s.input_size);
	s.input = NULL;
	s.input_size = s.input_filled = 0;
}

void mgmt_set_output(uint8_t *buf, uint64_t len)
{
	free_buf(s.output, s.output_size);
	s.output = buf;
	s.output_size = buf ? len : 0;
	struct mgmt_stream *st = s.stream;
	s.stream = NULL;
	if (st)
		st->close(st);
}

void mgmt_set_stream(struct mgmt_stream *st)
{
	mgmt_set_output(NULL, 0);
	s.stream = st;
	s.stream_used_ms = now_ms();
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

/* HELLO: u16 major, u16 minor the client speaks. Reply: u16 major, u16 minor, u32 the
 * largest payload. A fresh session: staging buffers from an earlier one go. */
static int hello(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	uint16_t major = get16(req->payload), minor = get16(req->payload + 2);
	drop_input();
	mgmt_set_output(NULL, 0);
	vm_console_detach_all(); /* the last client's console attachments */
	s.hello = false;
	if (major != MGMT_VERSION_MAJOR)
		return mgmt_fail(rep, MGMT_EVERSION,
				 "protocol %u.%u not understood: Triad speaks %u.%u", major, minor,
				 MGMT_VERSION_MAJOR, MGMT_VERSION_MINOR);
	s.hello = true;
	uint16_t v[2] = {MGMT_VERSION_MAJOR, MGMT_VERSION_MINOR};
	uint32_t max = MGMT_MAX_PAYLOAD;
	memcpy(rep->data, v, 4);
	memcpy(rep->data + 4, &max, 4);
	rep->len = 8;
	return MGMT_OK;
}
MGMT_OP(hello) = {MGMT_OP_HELLO, "HELLO", 4, 64, hello, NULL};

/* UPLOAD_BEGIN: u64 size. A new, empty input buffer (the old one goes). */
static int upload_begin(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	uint64_t size = get64(req->payload);
	drop_input();
	if (!size || size > UPLOAD_LIMIT)
		return mgmt_fail(rep, MGMT_EINVAL, "upload of %llu bytes: 1..%llu",
				 (unsigned long long)size, UPLOAD_LIMIT);
	/* From the top of memory: a RESTORE or CREATE that follows builds its VM in the low
	 * memory a destroyed VM left. */
	uint64_t pa = page_alloc_top(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
	if (!pa)
		return mgmt_fail(rep, MGMT_ENOMEM, "no room for %llu bytes",
				 (unsigned long long)size);
	s.input = (uint8_t *)(uintptr_t)pa;
	s.input_size = size;
	return MGMT_OK;
}
MGMT_OP(upload_begin) = {MGMT_OP_UPLOAD_BEGIN, "UPLOAD_BEGIN", 8, 8, upload_begin, NULL};

/* UPLOAD: u64 offset, then bytes; in order, each chunk right after the last one. */
static int upload(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	uint64_t off = get64(req->payload), n = req->len - 8;
	if (!s.input)
		return mgmt_fail(rep, MGMT_EPROTO, "UPLOAD without UPLOAD_BEGIN");
	if (off != s.input_filled)
		return mgmt_fail(rep, MGMT_EINVAL, "offset %llu: expected %llu",
				 (unsigned long long)off, (unsigned long long)s.input_filled);
	if (n > s.input_size - off)
		return mgmt_fail(rep, MGMT_EINVAL, "%llu bytes at %llu: past the %llu announced",
				 (unsigned long long)n, (unsigned long long)off,
				 (unsigned long long)s.input_size);
	memcpy(s.input + off, req->payload + 8, n);
	s.input_filled += n;
	return MGMT_OK;
}
MGMT_OP(upload) = {MGMT_OP_UPLOAD, "UPLOAD", 8, MGMT_MAX_PAYLOAD, upload, NULL};

static int download_stream(uint64_t off, uint32_t len, struct mgmt_reply *rep)
{
	struct mgmt_stream *st = s.stream;
	if (off > st->size)
		return mgmt_fail(rep, MGMT_EINVAL, "offset %llu past the %llu bytes",
				 (unsigned long long)off, (unsigned long long)st->size);
	const uint8_t *bytes = NULL;
	long n = st->read(st, off, MIN(len, (uint32_t)(MGMT_MAX_PAYLOAD - 4 - 8)), &bytes,
			  rep->reason, sizeof(rep->reason));
	s.stream_used_ms = now_ms();
	if (n < 0) {
		/* A failed stream is no output any more (its VM runs again). */
		mgmt_set_output(NULL, 0);
		return (int)n;
	}
	memcpy(rep->data, &st->size, 8);
	rep->len = 8;
	rep->tail = bytes;
	rep->tail_len = (uint32_t)n;
	return MGMT_OK;
}

/* DOWNLOAD: u64 offset, u32 len. Reply: u64 the output's size, then the bytes (fewer at
 * its end). */
static int download(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	uint64_t off = get64(req->payload);
	uint32_t len = mgmt_get32(req->payload + 8);
	if (s.stream)
		return download_stream(off, len, rep);
	if (!s.output)
		return mgmt_fail(rep, MGMT_ENOENT, "nothing to download");
	if (off > s.output_size)
		return mgmt_fail(rep, MGMT_EINVAL, "offset %llu past the %llu bytes",
				 (unsigned long long)off, (unsigned long long)s.output_size);
	uint64_t n = MIN((uint64_t)len, s.output_size - off);
	n = MIN(n, (uint64_t)MGMT_MAX_PAYLOAD - 4 - 8);
	memcpy(rep->data, &s.output_size, 8);
	rep->len = 8;
	rep->tail = s.output + off; /* sent from the output buffer: one copy less */
	rep->tail_len = (uint32_t)n;
	return MGMT_OK;
}
MGMT_OP(download) = {MGMT_OP_DOWNLOAD, "DOWNLOAD", 12, 12, download, NULL};
