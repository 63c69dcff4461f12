/* Decoding virtio-blk requests (virtio 1.2, 5.2.6). The driver may frame a request any way
 * it likes (5.2.6.2): the header is the first 16 bytes the device reads, the status the
 * last byte it writes, and the data whatever lies between, so segments are cut at those
 * byte positions rather than taken one per buffer. */
#include <string.h>
#include <triad/virtio_blk.h>

#define HDR_LEN 16

int vblk_plan(const struct virtq_chain *c, uint64_t sectors, bool read_only, struct vblk_plan *p)
{
	p->ndata = 0;
	p->data_len = 0;
	p->status = NULL;
	/* The status byte: the last byte of the last device-writable buffer. */
	unsigned last_in = c->nseg;
	for (unsigned i = c->nseg; i-- > 0;)
		if (c->seg[i].device_writes) {
			last_in = i;
			break;
		}
	if (last_in == c->nseg)
		return -1;
	p->status = c->seg[last_in].ptr + c->seg[last_in].len - 1;
	if (c->out_len < HDR_LEN)
		return VIRTIO_BLK_S_IOERR;
	uint8_t hdr[HDR_LEN];
	unsigned got = 0, i = 0;
	uint32_t skip = 0; /* bytes of seg[i] the header used */
	while (got < HDR_LEN) {
		uint32_t n = c->seg[i].len < HDR_LEN - got ? c->seg[i].len : HDR_LEN - got;
		memcpy(hdr + got, c->seg[i].ptr, n);
		got += n;
		if (n == c->seg[i].len) {
			i++;
		} else {
			skip = n;
		}
	}
	memcpy(&p->type, hdr, 4);
	memcpy(&p->sector, hdr + 8, 8);
	/* The type before the framing: a request Triad does not offer (DISCARD, WRITE_ZEROES,
	 * ...) has its own layout after the header, and is answered UNSUPP whatever it is. */
	if (p->type != VIRTIO_BLK_T_IN && p->type != VIRTIO_BLK_T_OUT &&
	    p->type != VIRTIO_BLK_T_FLUSH && p->type != VIRTIO_BLK_T_GET_ID)
		return VIRTIO_BLK_S_UNSUPP;
	/* The data: device-readable bytes after the header for a write, device-writable
	 * bytes before the status for a read. */
	bool write = p->type == VIRTIO_BLK_T_OUT;
	bool read = p->type == VIRTIO_BLK_T_IN || p->type == VIRTIO_BLK_T_GET_ID;
	if ((write && c->in_len != 1) || (!write && c->out_len != HDR_LEN))
		return VIRTIO_BLK_S_IOERR;
	for (; i < c->nseg; i++, skip = 0) {
		const struct virtq_seg *s = &c->seg[i];
		uint32_t len = s->len - skip;
		if (s->device_writes && i == last_in)
			len--; /* all but the status byte */
		if (!len)
			continue;
		if (s->device_writes != read)
			continue; /* only the status, checked above by the lengths */
		p->data[p->ndata++] = (struct blk_seg){(uint64_t)(uintptr_t)(s->ptr + skip), len};
		p->data_len += len;
	}
	switch (p->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		if (write && read_only)
			return VIRTIO_BLK_S_IOERR;
		if (!p->data_len || p->data_len % BLK_SECTOR || p->sector > sectors ||
		    p->data_len / BLK_SECTOR > sectors - p->sector)
			return VIRTIO_BLK_S_IOERR;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_FLUSH:
		return p->data_len ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	default: /* GET_ID */
		return VIRTIO_BLK_S_OK;
	}
}
