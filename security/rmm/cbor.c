/* CBOR writer (cbor.h). */
#include "cbor.h"

#include <string.h>

void cbor_init(struct cbor *c, uint8_t *buf, size_t cap)
{
	c->buf = buf;
	c->cap = cap;
	c->len = 0;
	c->overflow = false;
}

void cbor_raw(struct cbor *c, const void *data, size_t len)
{
	if (c->overflow || len > c->cap - c->len) {
		c->overflow = true;
		return;
	}
	if (len) {
		memcpy(c->buf + c->len, data, len);
		c->len += len;
	}
}

void cbor_head(struct cbor *c, unsigned major, uint64_t arg)
{
	uint8_t h[9];
	size_t n;
	h[0] = (uint8_t)(major << 5);
	if (arg < 24) {
		h[0] |= (uint8_t)arg;
		n = 1;
	} else {
		/* 1, 2, 4 or 8 bytes of argument, big-endian: additional info 24-27 */
		unsigned ai = arg <= 0xff	     ? 24
			      : arg <= 0xffff	     ? 25
			      : arg <= 0xffffffffULL ? 26
						     : 27;
		n = 1 + (1U << (ai - 24));
		h[0] |= (uint8_t)ai;
		for (size_t i = 1; i < n; i++)
			h[i] = (uint8_t)(arg >> (8 * (n - 1 - i)));
	}
	cbor_raw(c, h, n);
}

void cbor_int(struct cbor *c, int64_t v)
{
	if (v >= 0)
		cbor_head(c, CBOR_UINT, (uint64_t)v);
	else
		cbor_head(c, CBOR_NINT, (uint64_t)(-(v + 1)));
}

void cbor_bytes(struct cbor *c, const void *data, size_t len)
{
	cbor_head(c, CBOR_BSTR, len);
	cbor_raw(c, data, len);
}

void cbor_text(struct cbor *c, const char *s)
{
	size_t len = strlen(s);
	cbor_head(c, CBOR_TSTR, len);
	cbor_raw(c, s, len);
}
