/* libFuzzer target: the management API's request parser and session (core/mgmt.c, built
 * on the host) fed any byte stream, in chunks of any size, with the receive queue filling
 * up and a request that waits (MGMT_PENDING) now and then. Asserted: every frame Triad
 * sends is well formed (magic, a reply to an op or an event, its length the bytes sent, a
 * known status, an error's reason NUL-terminated); no more replies than frames could have
 * asked for; nothing is read or written outside its buffers (ASan), and staging buffers
 * are never leaked (LeakSanitizer: they are freed at the end of each input). */
#include <stdarg.h>
#include <stdlib.h>

#include "../../core/mgmt.c"

/* ---- what core/mgmt.c calls ---- */

void log_msg(enum log_level level, const char *fmt, ...)
{
	(void)level;
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
}

uint64_t page_alloc(uint64_t npages, uint64_t align)
{
	(void)align;
	if (npages > 600) /* the frame buffers; bigger uploads get ENOMEM */
		return 0;
	return (uint64_t)(uintptr_t)aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE);
}

uint64_t page_alloc_top(uint64_t npages)
{
	return page_alloc(npages, PAGE_SIZE);
}

void page_free(uint64_t pa, uint64_t npages)
{
	(void)npages;
	free((void *)(uintptr_t)pa);
}

void vm_console_detach_all(void)
{
}

/* The clock: milliseconds, moved on by the input (a client that stalls mid-frame). */
static uint64_t fake_ms;
uint64_t host_read_sysreg(const char *name)
{
	return strcmp(name, "cntfrq_el0") ? fake_ms : 1000;
}

/* ---- the transport ---- */

static const uint8_t *pending; /* bytes mgmt_receive did not take yet */
static size_t npending;
static unsigned replies, frames_in;

static void check_frame(const uint8_t *b, size_t len)
{
	struct mgmt_frame_header h;
	if (len < sizeof(h))
		__builtin_trap();
	memcpy(&h, b, sizeof(h));
	if (h.magic != MGMT_MAGIC || h.flags || h.len != len - sizeof(h))
		__builtin_trap();
	if (h.op & MGMT_EVENT)
		return;
	if (!(h.op & MGMT_REPLY) || h.len < 4 || h.len > MGMT_MAX_PAYLOAD)
		__builtin_trap();
	int32_t st;
	memcpy(&st, b + sizeof(h), 4);
	if (st > 0 || st < MGMT_EVERSION)
		__builtin_trap();
	if (st < 0 && (h.len < 5 || b[len - 1] != '\0'))
		__builtin_trap();
	replies++;
}

static void fuzz_send(const void *head, size_t head_len, const void *body, size_t body_len)
{
	static uint8_t frame[sizeof(struct mgmt_frame_header) + MGMT_MAX_PAYLOAD];
	if (head_len + body_len > sizeof(frame))
		__builtin_trap();
	memcpy(frame, head, head_len);
	if (body_len)
		memcpy(frame + head_len, body, body_len);
	check_frame(frame, head_len + body_len);
}

static bool fuzz_try_send(const void *buf, size_t len)
{
	check_frame(buf, len);
	return true;
}

static void fuzz_poll(void)
{
	size_t n = mgmt_receive(pending, npending);
	pending += n;
	npending -= n;
}

static const struct mgmt_transport fuzz_transport = {"fuzz", fuzz_send, fuzz_try_send, fuzz_poll};

/* ---- ops that exercise the session's other paths ---- */

/* Waits payload[0] polls, then succeeds. */
static unsigned polls_left;
static int wait_poll(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	(void)req;
	(void)rep;
	return polls_left-- ? MGMT_PENDING : MGMT_OK;
}
static int wait_handle(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	polls_left = req->len ? req->payload[0] % 8 : 0;
	return wait_poll(req, rep);
}
MGMT_OP(fuzz_wait) = {0x7f00, "FUZZ_WAIT", 0, 16, wait_handle, wait_poll};

/* Takes the uploaded input and hands it back as the output, for DOWNLOAD. */
static int echo(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	(void)req;
	uint64_t len;
	uint8_t *in_buf = mgmt_input_take(&len);
	if (!in_buf)
		return mgmt_fail(rep, MGMT_ENOENT, "nothing uploaded");
	mgmt_set_output(in_buf, len);
	return MGMT_OK;
}
MGMT_OP(fuzz_echo) = {0x7f01, "FUZZ_ECHO", 0, 0, echo, NULL};

/* Every input starts from a fresh boot's state. */
static void reset(void)
{
	uint8_t *payload = in.payload, *out = s.out;
	drop_input();
	mgmt_set_output(NULL, 0);
	memset(&in, 0, sizeof(in));
	memset(&s, 0, sizeof(s));
	in.payload = payload;
	s.out = out;
	s.rep.data = s.out + HDR + 4;
	rx.head = rx.tail = 0;
}

/* The stream the input describes: mostly frames with the magic and a known op (so that
 * the fuzzer gets past the header checks quickly), some with a wrong field, and raw bytes.
 * Each step: a selector byte, then its fields from the input. */
static const uint16_t ops[] = {
    MGMT_OP_HELLO, MGMT_OP_UPLOAD_BEGIN, MGMT_OP_UPLOAD, MGMT_OP_DOWNLOAD,	    0x7f00,
    0x7f01,	   MGMT_OP_LIST,	 0x0033,	 MGMT_OP_HELLO | MGMT_REPLY};
static uint8_t stream[1 << 16];

static size_t build_stream(const uint8_t *d, size_t n)
{
	size_t out = 0, i = 0;
	while (i < n) {
		uint8_t sel = d[i++];
		size_t len = i < n ? d[i++] : 0;
		if (sel & 0x80) { /* raw bytes */
			len = MIN(len, n - i);
			if (out + len > sizeof(stream))
				break;
			memcpy(stream + out, d + i, len);
			out += len;
			i += len;
			continue;
		}
		struct mgmt_frame_header h = {MGMT_MAGIC, ops[sel % ARRAY_SIZE(ops)], 0, sel, 0};
		if (sel & 0x40) /* the payload size as announced: 8 bytes from the input */
			memcpy(&h.len, d + MIN(i, n), MIN((size_t)4, n - MIN(i, n)));
		if (sel & 0x20)
			h.flags = 1;
		size_t body = MIN(len, n - i);
		if (!(sel & 0x40))
			h.len = (uint32_t)body;
		if (out + sizeof(h) + body > sizeof(stream))
			break;
		memcpy(stream + out, &h, sizeof(h));
		memcpy(stream + out + sizeof(h), d + i, body);
		out += sizeof(h) + body;
		i += body;
	}
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!transport)
		mgmt_register_transport(&fuzz_transport);
	reset();
	replies = 0;
	if (!size)
		return 0;
	/* The first byte says how big the chunks the transport hands over are. */
	size_t chunk = 1 + data[0] * 64;
	size = build_stream(data + 1, size - 1);
	pending = stream;
	npending = size;
	frames_in = 0;
	fake_ms = 0;
	while (npending || mgmt_busy()) {
		size_t n = MIN(chunk, npending);
		/* Each chunk comes a little later; a chunk that starts with 0xff, much later. */
		fake_ms += n && pending[0] == 0xff ? 6000 : 10;
		size_t took = mgmt_receive(pending, n);
		pending += took;
		npending -= took;
		mgmt_poll();
		if (++frames_in > 100000)
			__builtin_trap(); /* no progress */
	}
	/* A reply takes a 16-byte header, or (a lost magic) at least 4 bytes. */
	if (replies > size / 4 + 1)
		__builtin_trap();
	reset();
	return 0;
}
