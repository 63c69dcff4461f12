/* A small CBOR (RFC 8949) writer for the attestation token: definite lengths only, into a
 * caller's buffer. Writing past the end sets `overflow` and writes nothing more, so a
 * token is built without a check per item and checked once. */
#ifndef RMM_CBOR_H
#define RMM_CBOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cbor {
	uint8_t *buf;
	size_t cap, len;
	bool overflow;
};

#define CBOR_UINT  0
#define CBOR_NINT  1
#define CBOR_BSTR  2
#define CBOR_TSTR  3
#define CBOR_ARRAY 4
#define CBOR_MAP   5
#define CBOR_TAG   6

void cbor_init(struct cbor *c, uint8_t *buf, size_t cap);
/* A major type with its argument (a length, a count, a value or a tag). */
void cbor_head(struct cbor *c, unsigned major, uint64_t arg);
void cbor_int(struct cbor *c, int64_t v);
void cbor_bytes(struct cbor *c, const void *data, size_t len);
void cbor_text(struct cbor *c, const char *s);
/* Raw bytes already encoded (e.g. a nested token inside a bstr). */
void cbor_raw(struct cbor *c, const void *data, size_t len);

#endif
