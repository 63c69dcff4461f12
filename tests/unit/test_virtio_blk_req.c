// sources: devices/virtio_blk_req.c
/* Host tests for virtio-blk request decoding: the usual framings, any framing, and every
 * request a guest could use to reach outside its disk or write a read-only one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <triad/virtio_blk.h>

#define SECTORS 1000 /* the VM's disk */

static uint8_t mem[8192];
static struct virtq_chain c;

static void chain_reset(void)
{
	memset(&c, 0, sizeof(c));
	memset(mem, 0, sizeof(mem));
}

static void add(unsigned off, uint32_t len, bool device_writes)
{
	c.seg[c.nseg++] = (struct virtq_seg){mem + off, len, device_writes};
	if (device_writes)
		c.in_len += len;
	else
		c.out_len += len;
}

static void header(unsigned off, uint32_t type, uint64_t sector)
{
	memcpy(mem + off, &type, 4);
	memcpy(mem + off + 8, &sector, 8);
}

/* The usual framing: a 16-byte header at 0 (and `out` bytes of data after it, for the
 * device to read), `in` bytes at 512 for the device to write (none if 0), the status at
 * 4000. */
static void frame(uint32_t type, uint64_t sector, uint32_t out, uint32_t in)
{
	chain_reset();
	header(0, type, sector);
	add(0, 16 + out, false);
	if (in)
		add(512, in, true);
	add(4000, 1, true);
}

static void read_request(void **state)
{
	(void)state;
	struct vblk_plan p;
	frame(VIRTIO_BLK_T_IN, 10, 0, 1024);
	assert_int_equal(vblk_plan(&c, SECTORS, false, &p), VIRTIO_BLK_S_OK);
	assert_int_equal(p.type, VIRTIO_BLK_T_IN);
	assert_int_equal(p.sector, 10);
	assert_int_equal(p.ndata, 1);
	assert_ptr_equal((void *)(uintptr_t)p.data[0].addr, mem + 512);
	assert_int_equal(p.data[0].len, 1024);
	assert_int_equal(p.data_len, 1024);
	assert_ptr_equal(p.status, mem + 4000);
}

/* Header, data and status in one readable and one writable buffer: cut at the bytes. */
static void write_with_header_and_data_in_one_buffer(void **state)
{
	(void)state;
	struct vblk_plan p;
	frame(VIRTIO_BLK_T_OUT, 998, 1024, 0);
	assert_int_equal(vblk_plan(&c, SECTORS, false, &p), VIRTIO_BLK_S_OK);
	assert_int_equal(p.ndata, 1);
	assert_ptr_equal((void *)(uintptr_t)p.data[0].addr, mem + 16);
	assert_int_equal(p.data_len, 1024);
}

/* The header split over two buffers, the data of a read sharing a buffer with the status. */
static void read_with_split_header_and_status_in_the_data_buffer(void **state)
{
	(void)state;
	struct vblk_plan p;
	chain_reset();
	header(100, VIRTIO_BLK_T_IN, 3);
	memmove(mem + 200, mem + 110, 6); /* bytes 10..15 of the header elsewhere */
	add(100, 10, false);
	add(200, 6, false);
	add(1024, 513, true);
	assert_int_equal(vblk_plan(&c, SECTORS, false, &p), VIRTIO_BLK_S_OK);
	assert_int_equal(p.sector, 3);
	assert_int_equal(p.ndata, 1);
	assert_int_equal(p.data[0].len, 512);
	assert_ptr_equal(p.status, mem + 1024 + 512);
}

static void reaching_past_the_disk_is_an_io_error(void **state)
{
	(void)state;
	struct vblk_plan p;
	uint64_t sectors[] = {999, 1000, UINT64_MAX, UINT64_MAX - 1};
	for (unsigned i = 0; i < 4; i++) {
		frame(VIRTIO_BLK_T_IN, sectors[i], 0, 1024);
		assert_int_equal(vblk_plan(&c, SECTORS, false, &p), VIRTIO_BLK_S_IOERR);
		assert_ptr_equal(p.status, mem + 4000); /* answered there */
	}
}

static void bad_lengths_are_io_errors(void **state)
{
	(void)state;
	struct vblk_plan p;
	/* Not whole sectors. */
	frame(VIRTIO_BLK_T_IN, 0, 0, 100);
	assert_int_equal(vblk_plan(&c, SECTORS, false, &p), VIRTIO_BLK_S_IOERR);
	/* No data at all. */
	frame(VIRTIO_BLK_T_OUT, 0, 0, 0);
	assert_int_equal(vblk_plan(&c, SECTORS, false, &p), VIRTIO_BLK_S_IOERR);
	/* A short header. */
	chain_reset();
	add(0, 8, false);
	add(4000, 1, true);
	assert_int_equal(vblk_plan(&c, SECTORS, false, &p), VIRTIO_BLK_S_IOERR);
	/* A write whose device-writable part is more than the status. */
	chain_reset();
	header(0, VIRTIO_BLK_T_OUT, 0);
	add(0, 16 + 512, false);
	add(4000, 2, true);
	assert_int_equal(vblk_plan(&c, SECTORS, false, &p), VIRTIO_BLK_S_IOERR);
	/* A read with data for the device to read. */
	frame(VIRTIO_BLK_T_IN, 0, 512, 0);
	assert_int_equal(vblk_plan(&c, SECTORS, false, &p), VIRTIO_BLK_S_IOERR);
}

static void no_status_byte_breaks_the_queue(void **state)
{
	(void)state;
	struct vblk_plan p;
	chain_reset();
	header(0, VIRTIO_BLK_T_OUT, 0);
	add(0, 16 + 512, false);
	assert_int_equal(vblk_plan(&c, SECTORS, false, &p), -1);
}

static void read_only_disk_refuses_writes_only(void **state)
{
	(void)state;
	struct vblk_plan p;
	frame(VIRTIO_BLK_T_OUT, 0, 512, 0);
	assert_int_equal(vblk_plan(&c, SECTORS, true, &p), VIRTIO_BLK_S_IOERR);
	frame(VIRTIO_BLK_T_IN, 0, 0, 512);
	assert_int_equal(vblk_plan(&c, SECTORS, true, &p), VIRTIO_BLK_S_OK);
}

static void flush_get_id_and_unknown_types(void **state)
{
	(void)state;
	struct vblk_plan p;
	frame(VIRTIO_BLK_T_FLUSH, 0, 0, 0);
	assert_int_equal(vblk_plan(&c, SECTORS, false, &p), VIRTIO_BLK_S_OK);
	assert_int_equal(p.type, VIRTIO_BLK_T_FLUSH);
	frame(VIRTIO_BLK_T_GET_ID, 0, 0, 20);
	assert_int_equal(vblk_plan(&c, SECTORS, false, &p), VIRTIO_BLK_S_OK);
	assert_int_equal(p.data_len, 20);
	frame(11 /* discard: not offered */, 0, 0, 0);
	assert_int_equal(vblk_plan(&c, SECTORS, false, &p), VIRTIO_BLK_S_UNSUPP);
}

/* DISCARD and WRITE_ZEROES as a driver frames them (virtio 1.2, 5.2.6): the header, then
 * 16-byte segment descriptors the device reads, then the status. Not offered, so
 * UNSUPP, not the IOERR their unfamiliar framing would otherwise earn. */
static void discard_and_write_zeroes_are_unsupported(void **state)
{
	(void)state;
	struct vblk_plan p;
	const uint32_t types[] = {11 /* DISCARD */, 13 /* WRITE_ZEROES */};
	for (unsigned i = 0; i < 2; i++) {
		chain_reset();
		header(0, types[i], 0);
		add(0, 16, false);
		add(64, 32, false); /* two {sector, num_sectors, flags} segments */
		add(4000, 1, true);
		assert_int_equal(vblk_plan(&c, SECTORS, false, &p), VIRTIO_BLK_S_UNSUPP);
		assert_ptr_equal(p.status, mem + 4000);
		/* On a read-only disk too: the type is what is refused. */
		assert_int_equal(vblk_plan(&c, SECTORS, true, &p), VIRTIO_BLK_S_UNSUPP);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(read_request),
	    cmocka_unit_test(write_with_header_and_data_in_one_buffer),
	    cmocka_unit_test(read_with_split_header_and_status_in_the_data_buffer),
	    cmocka_unit_test(reaching_past_the_disk_is_an_io_error),
	    cmocka_unit_test(bad_lengths_are_io_errors),
	    cmocka_unit_test(no_status_byte_breaks_the_queue),
	    cmocka_unit_test(read_only_disk_refuses_writes_only),
	    cmocka_unit_test(flush_get_id_and_unknown_types),
	    cmocka_unit_test(discard_and_write_zeroes_are_unsupported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
