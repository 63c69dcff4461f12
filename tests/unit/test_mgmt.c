// sources: core/mgmt.c
/* Host tests for the management API's core (core/mgmt.c): frames put back together however
 * the bytes arrive, the session's order and version check, the staging buffers (UPLOAD in
 * order, an op taking the input, DOWNLOAD in pieces), a request that waits, the receive
 * queue filling up, and a frame cut short by a client that went away. The test is the
 * transport and the clock, and adds two ops of its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <triad/log.h>
#include <triad/mem.h>
#include <triad/mgmt.h>
#include <triad/util.h>

/* ---- what core/mgmt.c calls ---- */

void log_msg(enum log_level level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

uint64_t page_alloc(uint64_t npages, uint64_t align)
{
	(void)align;
	return npages > 4096 ? 0
			     : (uint64_t)(uintptr_t)aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE);
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

static uint64_t now_ms;
uint64_t host_read_sysreg(const char *name)
{
	return strcmp(name, "cntfrq_el0") ? now_ms : 1000;
}

static unsigned detached;
void vm_console_detach_all(void)
{
	detached++;
}

/* ---- the transport: keeps the replies, offers held-back bytes again ---- */

struct sent {
	uint16_t op;
	uint32_t seq;
	int32_t status;
	uint8_t data[64];
	uint32_t len; /* of data (after the status) */
};
static struct sent sent[64];
static unsigned nsent;
static const uint8_t *held;
static size_t nheld;

static void take_frame(const void *buf, size_t len)
{
	struct mgmt_frame_header h;
	assert_true(len >= sizeof(h) + 4);
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.magic, MGMT_MAGIC);
	assert_int_equal(h.len, len - sizeof(h));
	assert_true(nsent < ARRAY_SIZE(sent));
	struct sent *s = &sent[nsent++];
	s->op = h.op;
	s->seq = h.seq;
	memcpy(&s->status, (const uint8_t *)buf + sizeof(h), 4);
	s->len = h.len - 4;
	memcpy(s->data, (const uint8_t *)buf + sizeof(h) + 4, MIN(s->len, sizeof(s->data)));
}

static void t_send(const void *head, size_t head_len, const void *body, size_t body_len)
{
	static uint8_t frame[sizeof(struct mgmt_frame_header) + MGMT_MAX_PAYLOAD];
	assert_true(head_len + body_len <= sizeof(frame));
	memcpy(frame, head, head_len);
	if (body_len)
		memcpy(frame + head_len, body, body_len);
	take_frame(frame, head_len + body_len);
}

static bool t_try_send(const void *buf, size_t len)
{
	take_frame(buf, len);
	return true;
}

static void t_poll(void)
{
	size_t n = mgmt_receive(held, nheld);
	held += n;
	nheld -= n;
}

static const struct mgmt_transport transport = {"test", t_send, t_try_send, t_poll};

/* Hands bytes over `chunk` at a time, as a transport would, polling in between. */
static void deliver(const void *buf, size_t len, size_t chunk)
{
	const uint8_t *b = buf;
	while (len) {
		size_t n = MIN(len, chunk);
		size_t took = mgmt_receive(b, n);
		b += took;
		len -= took;
		mgmt_poll();
	}
}

static size_t frame(uint8_t *out, uint16_t op, uint32_t seq, const void *payload, uint32_t len)
{
	struct mgmt_frame_header h = {MGMT_MAGIC, op, 0, seq, len};
	memcpy(out, &h, sizeof(h));
	if (len)
		memcpy(out + sizeof(h), payload, len);
	return sizeof(h) + len;
}

static void request(uint16_t op, uint32_t seq, const void *payload, uint32_t len)
{
	static uint8_t buf[sizeof(struct mgmt_frame_header) + 70000];
	deliver(buf, frame(buf, op, seq, payload, len), 4096);
}

/* ---- ops of the test's own ---- */

#define OP_TAKE 0x7e00 /* takes the input; replies its first 16 bytes */
#define OP_OUT	0x7e01 /* u32 n: hands over an output of n bytes: byte i is i * 7 */
#define OP_WAIT 0x7e02 /* pending for payload[0] polls */
static unsigned wait_polls;

static int take(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	(void)req;
	uint64_t len;
	uint8_t *b = mgmt_input_take(&len);
	if (!b)
		return mgmt_fail(rep, MGMT_ENOENT, "no input");
	memcpy(rep->data, b, MIN(len, 16));
	rep->len = (uint32_t)MIN(len, 16);
	page_free((uint64_t)(uintptr_t)b, ALIGN_UP(len, PAGE_SIZE) / PAGE_SIZE);
	return MGMT_OK;
}
MGMT_OP(test_take) = {OP_TAKE, "TAKE", 0, 0, take, NULL};

static int out(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	(void)rep;
	uint32_t n;
	memcpy(&n, req->payload, 4);
	uint8_t *b =
	    (uint8_t *)(uintptr_t)page_alloc(ALIGN_UP(n, PAGE_SIZE) / PAGE_SIZE, PAGE_SIZE);
	if (!b)
		return mgmt_fail(rep, MGMT_ENOMEM, "no memory for %u bytes", n);
	for (uint32_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 7);
	mgmt_set_output(b, n);
	return MGMT_OK;
}
MGMT_OP(test_out) = {OP_OUT, "OUT", 4, 4, out, NULL};

static int wait_poll(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	(void)req;
	(void)rep;
	return wait_polls-- ? MGMT_PENDING : MGMT_OK;
}

static int wait_handle(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	wait_polls = req->payload[0];
	return wait_poll(req, rep);
}
MGMT_OP(test_wait) = {OP_WAIT, "WAIT", 1, 1, wait_handle, wait_poll};

#define OP_STREAM 0x7e03 /* u32 n: a streamed output of n bytes: byte i is i * 3 */
static struct {
	struct mgmt_stream ms;
	uint64_t pos;
	unsigned closes;
	uint8_t buf[256];
} stream;

static long stream_read(struct mgmt_stream *st, uint64_t off, uint32_t max, const uint8_t **out,
			char *why, size_t whylen)
{
	if (off != stream.pos) {
		snprintf(why, whylen, "out of order");
		return MGMT_EINVAL;
	}
	uint64_t n = MIN(MIN((uint64_t)max, sizeof(stream.buf)), st->size - off);
	for (uint64_t i = 0; i < n; i++)
		stream.buf[i] = (uint8_t)((off + i) * 3);
	stream.pos += n;
	*out = stream.buf;
	return (long)n;
}

static void stream_close(struct mgmt_stream *st)
{
	(void)st;
	stream.closes++;
}

static int stream_op(const struct mgmt_request *req, struct mgmt_reply *rep)
{
	(void)rep;
	uint32_t n;
	memcpy(&n, req->payload, 4);
	stream.ms = (struct mgmt_stream){n, stream_read, stream_close};
	stream.pos = 0;
	mgmt_set_stream(&stream.ms);
	return MGMT_OK;
}
MGMT_OP(test_stream) = {OP_STREAM, "STREAM", 4, 4, stream_op, NULL};

/* ---- tests ---- */

static void hello(void)
{
	uint16_t v[2] = {MGMT_VERSION_MAJOR, MGMT_VERSION_MINOR};
	request(MGMT_OP_HELLO, 1, v, 4);
}

static int setup(void **state)
{
	(void)state;
	if (!mgmt_enabled())
		mgmt_register_transport(&transport);
	hello();
	nsent = 0;
	return 0;
}

static void session_order_and_version(void **state)
{
	(void)state;
	uint16_t v2[2] = {MGMT_VERSION_MAJOR + 1, 0};
	request(MGMT_OP_HELLO, 5, v2, 4);
	assert_int_equal(sent[0].status, MGMT_EVERSION);
	assert_int_equal(sent[0].op, MGMT_OP_HELLO | MGMT_REPLY);
	assert_int_equal(sent[0].seq, 5);
	request(OP_TAKE, 6, NULL, 0); /* no session after a refused HELLO */
	assert_int_equal(sent[1].status, MGMT_EPROTO);
	assert_string_equal((char *)sent[1].data, "HELLO must come first");
	unsigned before = detached;
	hello();
	assert_int_equal(sent[2].status, MGMT_OK);
	assert_int_equal(sent[2].len, 8);
	uint32_t max;
	memcpy(&max, sent[2].data + 4, 4);
	assert_int_equal(max, MGMT_MAX_PAYLOAD);
	assert_int_equal(detached, before + 1); /* a new session: consoles detached */
}

static void frames_arrive_in_any_pieces(void **state)
{
	(void)state;
	uint8_t buf[256];
	size_t n = 0;
	uint8_t one = 0;
	for (uint32_t seq = 10; seq < 14; seq++)
		n += frame(buf + n, OP_WAIT, seq, &one, 1);
	deliver(buf, n, 1); /* a byte at a time */
	deliver(buf, n, n); /* all at once */
	assert_int_equal(nsent, 8);
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(sent[i].seq, 10 + i % 4);
		assert_int_equal(sent[i].status, MGMT_OK);
	}
}

static void bad_bytes_are_skipped_up_to_the_next_frame(void **state)
{
	(void)state;
	uint8_t buf[256] = "TGM garbage TG";
	uint8_t one = 0;
	size_t n = 14 + frame(buf + 14, OP_WAIT, 20, &one, 1);
	/* An oversized header: refused with its seq; what follows is searched again. */
	struct mgmt_frame_header big = {MGMT_MAGIC, OP_WAIT, 0, 21, MGMT_MAX_PAYLOAD + 1};
	memcpy(buf + n, &big, sizeof(big));
	n += sizeof(big);
	n += frame(buf + n, OP_WAIT, 22, &one, 1);
	deliver(buf, n, 3);
	assert_int_equal(nsent, 4);
	assert_int_equal(sent[0].seq, 0);
	assert_int_equal(sent[0].status, MGMT_EPROTO);
	assert_int_equal(sent[1].seq, 20);
	assert_int_equal(sent[1].status, MGMT_OK);
	assert_int_equal(sent[2].seq, 21);
	assert_int_equal(sent[2].status, MGMT_EPROTO);
	assert_int_equal(sent[3].seq, 22);
	assert_int_equal(sent[3].status, MGMT_OK);
}

static void payload_bounds_flags_and_unknown_ops(void **state)
{
	(void)state;
	uint8_t two[2] = {0};
	request(OP_WAIT, 30, two, 2);			  /* WAIT takes 1 byte */
	request(0x1234, 31, NULL, 0);			  /* no such op */
	request(MGMT_OP_HELLO | MGMT_REPLY, 32, NULL, 0); /* a reply is no request */
	uint8_t buf[64];
	size_t n = frame(buf, OP_WAIT, 33, two, 1);
	buf[6] = 1; /* flags */
	deliver(buf, n, n);
	assert_int_equal(nsent, 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(sent[i].seq, 30 + i);
		assert_int_equal(sent[i].status, MGMT_EPROTO);
	}
	assert_string_equal((char *)sent[0].data, "WAIT: payload of 2 bytes, expected 1..1");
	assert_string_equal((char *)sent[1].data, "unknown op 0x1234");
	assert_string_equal((char *)sent[3].data, "flags 0x1: must be 0");
}

static void upload(uint64_t off, const uint8_t *data, uint32_t len, uint32_t seq)
{
	static uint8_t p[8 + 70000];
	memcpy(p, &off, 8);
	memcpy(p + 8, data, len);
	request(MGMT_OP_UPLOAD, seq, p, 8 + len);
}

static void upload_fills_the_input_in_order(void **state)
{
	(void)state;
	static uint8_t data[150000 + 1]; /* one more, for the chunk that is too long */
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 1);
	uint64_t size = 150000, len;
	upload(0, data, 10, 40); /* before UPLOAD_BEGIN */
	assert_int_equal(sent[0].status, MGMT_EPROTO);
	request(MGMT_OP_UPLOAD_BEGIN, 41, &size, 8);
	assert_int_equal(sent[1].status, MGMT_OK);
	upload(0, data, 60000, 42);
	assert_null(mgmt_input(&len)); /* not all there yet */
	upload(0, data, 10, 43);       /* not where the last ended */
	assert_int_equal(sent[3].status, MGMT_EINVAL);
	assert_string_equal((char *)sent[3].data, "offset 0: expected 60000");
	upload(60000, data + 60000, 60000, 44);
	upload(120000, data + 120000, 30001, 45); /* one byte too many */
	assert_int_equal(sent[5].status, MGMT_EINVAL);
	upload(120000, data + 120000, 30000, 46);
	const uint8_t *in_buf = mgmt_input(&len);
	assert_non_null(in_buf);
	assert_int_equal(len, size);
	assert_memory_equal(in_buf, data, size);
	request(OP_TAKE, 47, NULL, 0);
	assert_int_equal(sent[7].status, MGMT_OK);
	assert_memory_equal(sent[7].data, data, 16);
	assert_null(mgmt_input(&len)); /* taken */
	request(OP_TAKE, 48, NULL, 0);
	assert_int_equal(sent[8].status, MGMT_ENOENT);
	uint64_t zero = 0, huge = 1ULL << 40, big = 1ULL << 30;
	request(MGMT_OP_UPLOAD_BEGIN, 49, &zero, 8);
	request(MGMT_OP_UPLOAD_BEGIN, 50, &huge, 8);
	request(MGMT_OP_UPLOAD_BEGIN, 51, &big, 8); /* more than the test's allocator gives */
	assert_int_equal(sent[9].status, MGMT_EINVAL);
	assert_int_equal(sent[10].status, MGMT_EINVAL);
	assert_int_equal(sent[11].status, MGMT_ENOMEM);
}

/* The last reply's DOWNLOAD answer: the output's size, and the bytes' count. */
static void download(uint64_t off, uint32_t len, uint32_t seq)
{
	uint8_t p[12];
	memcpy(p, &off, 8);
	memcpy(p + 8, &len, 4);
	request(MGMT_OP_DOWNLOAD, seq, p, 12);
}

static void download_reads_the_output_in_pieces(void **state)
{
	(void)state;
	download(0, 100, 60);
	assert_int_equal(sent[0].status, MGMT_ENOENT);
	uint32_t n = 10000;
	request(OP_OUT, 61, &n, 4);
	download(0, 40, 62);
	assert_int_equal(sent[2].status, MGMT_OK);
	assert_int_equal(sent[2].len, 8 + 40);
	uint64_t size;
	memcpy(&size, sent[2].data, 8);
	assert_int_equal(size, 10000);
	for (unsigned i = 0; i < 40; i++)
		assert_int_equal(sent[2].data[8 + i], (uint8_t)(i * 7));
	download(9990, 100, 63); /* fewer at its end */
	assert_int_equal(sent[3].len, 8 + 10);
	assert_int_equal(sent[3].data[8], (uint8_t)(9990 * 7));
	download(10000, 100, 64); /* at its end: none */
	assert_int_equal(sent[4].status, MGMT_OK);
	assert_int_equal(sent[4].len, 8);
	download(10001, 1, 65);
	assert_int_equal(sent[5].status, MGMT_EINVAL);
	hello(); /* a new session: the output goes */
	download(0, 1, 66);
	assert_int_equal(sent[7].status, MGMT_ENOENT);
}

/* A streamed output: read in order, its bytes in the reply after the size, closed when the
 * next output replaces it or the session ends, and after a failed read. */
static void download_reads_a_stream_in_order(void **state)
{
	(void)state;
	uint32_t n = 1000;
	stream.closes = 0;
	request(OP_STREAM, 80, &n, 4);
	download(0, 100, 81);
	assert_int_equal(sent[1].status, MGMT_OK);
	assert_int_equal(sent[1].len, 8 + 100);
	uint64_t size;
	memcpy(&size, sent[1].data, 8);
	assert_int_equal(size, 1000);
	for (unsigned i = 0; i < 40; i++)
		assert_int_equal(sent[1].data[8 + i], (uint8_t)(i * 3));
	download(100, 50, 82);
	assert_int_equal(sent[2].len, 8 + 50);
	assert_int_equal(sent[2].data[8], (uint8_t)(100 * 3));
	download(5000, 1, 83); /* past its end: refused before it is asked */
	assert_int_equal(sent[3].status, MGMT_EINVAL);
	assert_int_equal(stream.closes, 0);
	request(OP_OUT, 84, &n, 4); /* another output: the stream is closed */
	assert_int_equal(stream.closes, 1);
	request(OP_STREAM, 85, &n, 4);
	download(7, 1, 86); /* out of order: the stream fails, and goes */
	assert_int_equal(sent[6].status, MGMT_EINVAL);
	assert_int_equal(stream.closes, 2);
	download(0, 1, 87);
	assert_int_equal(sent[7].status, MGMT_ENOENT);
	request(OP_STREAM, 88, &n, 4);
	hello(); /* a new session */
	assert_int_equal(stream.closes, 3);
}

static void a_waiting_request_holds_the_next(void **state)
{
	(void)state;
	uint8_t buf[128], three = 3, zero = 0;
	size_t n = frame(buf, OP_WAIT, 70, &three, 1);
	n += frame(buf + n, OP_WAIT, 71, &zero, 1);
	deliver(buf, n, n);
	assert_int_equal(nsent, 0);
	assert_true(mgmt_busy());
	mgmt_poll();
	mgmt_poll();
	assert_int_equal(nsent, 0);
	mgmt_poll(); /* the third poll ends it; then the next request runs */
	assert_int_equal(nsent, 2);
	assert_int_equal(sent[0].seq, 70);
	assert_int_equal(sent[1].seq, 71);
	assert_false(mgmt_busy());
}

static void a_full_queue_keeps_the_rest_with_the_transport(void **state)
{
	(void)state;
	/* More than the receive queue holds, offered while a request waits. */
	static uint8_t buf[200000];
	uint8_t two = 2, zero = 0;
	size_t n = frame(buf, OP_WAIT, 80, &two, 1);
	static uint8_t data[65000];
	uint64_t size = 2 * sizeof(data);
	n += frame(buf + n, MGMT_OP_UPLOAD_BEGIN, 81, &size, 8);
	for (uint64_t off = 0; off < size; off += sizeof(data)) {
		uint8_t p[8 + sizeof(data)];
		memcpy(p, &off, 8);
		memset(p + 8, (int)off, sizeof(data));
		n += frame(buf + n, MGMT_OP_UPLOAD, 82, p, sizeof(p));
	}
	n += frame(buf + n, OP_WAIT, 83, &zero, 1);
	held = buf;
	nheld = n;
	t_poll();
	assert_true(nheld > 0); /* refused: the queue is full */
	for (unsigned polls = 0; (mgmt_busy() || nheld) && polls < 1000; polls++)
		mgmt_poll();
	assert_int_equal(nheld, 0); /* every byte taken, once there was room */
	assert_int_equal(nsent, 5);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(sent[i].status, MGMT_OK);
	uint64_t len;
	assert_non_null(mgmt_input(&len));
	assert_int_equal(len, size);
}

static void a_frame_cut_short_goes_when_bytes_come_again(void **state)
{
	(void)state;
	uint8_t buf[64], zero = 0;
	struct mgmt_frame_header cut = {MGMT_MAGIC, OP_WAIT, 0, 89, 100};
	memcpy(buf, &cut, sizeof(cut));
	deliver(buf, sizeof(cut) + 10, 64); /* a client goes away 10 bytes into its payload */
	now_ms += 4000;
	deliver(buf, 5, 5); /* taken as more of it: too soon to drop it */
	assert_int_equal(nsent, 0);
	now_ms += 6000;
	size_t n = frame(buf, OP_WAIT, 90, &zero, 1);
	deliver(buf, n, n); /* the next client */
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0].seq, 90);
	assert_int_equal(sent[0].status, MGMT_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(session_order_and_version, setup),
	    cmocka_unit_test_setup(frames_arrive_in_any_pieces, setup),
	    cmocka_unit_test_setup(bad_bytes_are_skipped_up_to_the_next_frame, setup),
	    cmocka_unit_test_setup(payload_bounds_flags_and_unknown_ops, setup),
	    cmocka_unit_test_setup(upload_fills_the_input_in_order, setup),
	    cmocka_unit_test_setup(download_reads_the_output_in_pieces, setup),
	    cmocka_unit_test_setup(download_reads_a_stream_in_order, setup),
	    cmocka_unit_test_setup(a_waiting_request_holds_the_next, setup),
	    cmocka_unit_test_setup(a_full_queue_keeps_the_rest_with_the_transport, setup),
	    cmocka_unit_test_setup(a_frame_cut_short_goes_when_bytes_come_again, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
