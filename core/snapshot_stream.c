/* A saved VM's snapshot file, produced as it is read (include/triad/snapshot_stream.h).
 * The file is a list of pieces: Triad's own buffers (the headers, the bundle's device
 * tree, the small sections), the VM's kernel and initrd where they are, runs of zeros, the
 * memory's page records, written from the RAM page by page, and last an MTE VM's tag
 * section, read from the RAM when the save began. */
#include <arch/mte.h>
#include <arch/sysreg.h>
#include <stdio.h>
#include <string.h>
#include <triad/config.h>
#include <triad/errno.h>
#include <triad/log.h>
#include <triad/mem.h>
#include <triad/mgmt.h>
#include <triad/snapshot.h>
#include <triad/snapshot_format.h>
#include <triad/snapshot_its.h>
#include <triad/snapshot_mem.h>
#include <triad/snapshot_mte.h>
#include <triad/snapshot_stream.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>
#include <triad/vm_manage.h>

#define DT_PAGES   16 /* the bundle's device tree: 64 KiB */
#define DEVS_BYTES (64u << 10)
#define DEVS_MAX   (4u << 20) /* a UEFI VM's 1 MiB variable store with the rest */
#define OUT_BYTES  MGMT_MAX_PAYLOAD
#define MAX_PIECES 8
#define BLOB_ALIGN 4096u

enum piece_kind { BYTES, ZEROS, MEMORY };

struct piece {
	enum piece_kind kind;
	const uint8_t *p; /* BYTES */
	uint64_t len;
};

static const uint8_t zeros[BLOB_ALIGN]; /* the longest run of zeros a piece needs */

static struct {
	struct mgmt_stream ms;
	struct vm *vm; /* NULL: no stream */
	bool paused_by_save;
	struct piece piece[MAX_PIECES];
	unsigned npieces, cur;
	uint64_t cur_off; /* into piece[cur] */
	uint64_t pos;	  /* into the file: where the next read starts */
	uint8_t *head, *mid;
	uint64_t head_pages, mid_pages;
	uint64_t *maps; /* each page's block map, from the measure: not tested again */
	uint64_t maps_pages;
	uint8_t *mte; /* an MTE VM's SNAP_SEC_MTE, whole */
	uint64_t mte_pages;
	/* Kept from one save to the next: the reply's bytes, and a page record that did not
	 * fit the last reply. */
	uint8_t *out, *carry;
	uint64_t carry_len, carry_off;
	uint64_t next_pfn; /* the next page the memory's records come from */
} st;

static uint64_t pages_of(uint64_t bytes)
{
	return ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE;
}

bool snap_stream_holds(const struct vm *vm)
{
	return vm && st.vm == vm;
}

static void add_piece(enum piece_kind kind, const uint8_t *p, uint64_t len)
{
	if (len)
		st.piece[st.npieces++] = (struct piece){kind, p, len};
}

/* A whole section (header, payload, padding) at buf + *at. */
static void put_section(uint8_t *buf, uint64_t *at, uint32_t type, uint32_t index, const void *data,
			uint64_t len)
{
	struct snap_section_header sh;
	snap_section_head(&sh, type, index, len, snap_sum32(data, len));
	memcpy(buf + *at, &sh, sizeof(sh));
	memcpy(buf + *at + sizeof(sh), data, len);
	uint64_t size = snap_section_size(len);
	memset(buf + *at + sizeof(sh) + len, 0, size - sizeof(sh) - len);
	*at += size;
}

/* Fills dst with the next n bytes of the memory's records; false if the RAM no longer
 * gives as many as were measured. */
static bool memory_bytes(uint8_t *dst, uint64_t n)
{
	const uint8_t *ram = (const uint8_t *)st.vm->ram_pa;
	uint64_t pages = st.vm->ram_size / SNAP_PAGE_SIZE;
	while (n) {
		if (st.carry_off < st.carry_len) {
			uint64_t k = MIN(n, st.carry_len - st.carry_off);
			memcpy(dst, st.carry + st.carry_off, k);
			st.carry_off += k;
			dst += k;
			n -= k;
			continue;
		}
		while (st.next_pfn < pages && !st.maps[st.next_pfn])
			st.next_pfn++;
		if (st.next_pfn == pages)
			return false;
		const uint8_t *page = ram + st.next_pfn * SNAP_PAGE_SIZE;
		uint64_t map = st.maps[st.next_pfn];
		uint32_t pfn = (uint32_t)st.next_pfn++;
		if (n >= SNAP_MEM_RECORD_MAX && ((uintptr_t)dst & 7) == 0) {
			uint64_t k = snap_mem_page_mapped(page, pfn, map, dst);
			dst += k;
			n -= k;
		} else {
			st.carry_len = snap_mem_page_mapped(page, pfn, map, st.carry);
			st.carry_off = 0;
		}
	}
	return true;
}

static void close_stream(struct mgmt_stream *ms)
{
	(void)ms;
	struct vm *vm = st.vm;
	if (!vm)
		return;
	st.vm = NULL;
	if (st.paused_by_save)
		vm_resume(vm);
	page_free((uint64_t)st.head, st.head_pages);
	page_free((uint64_t)st.mid, st.mid_pages);
	page_free((uint64_t)st.maps, st.maps_pages);
	if (st.mte)
		page_free((uint64_t)st.mte, st.mte_pages);
	st.head = st.mid = st.mte = NULL;
	st.maps = NULL;
}

static bool tags_zero(const uint8_t *t)
{
	for (unsigned i = 0; i < SNAP_TAGS_PAGE; i++)
		if (t[i])
			return false;
	return true;
}

/* An MTE VM's section (header and payload) in pages of its own: its vCPUs' tag registers
 * (they left the CPUs) and the tags of its pages that have any not 0 (it is paused: they
 * stay as read). Returns the section's bytes in the file, or a negative errno. */
static long mte_section(struct vm *vm, uint8_t **out, uint64_t *out_pages)
{
	uint64_t pages = vm->ram_size / SNAP_PAGE_SIZE, tagged = 0;
	uint8_t tags[SNAP_TAGS_PAGE] __attribute__((aligned(8)));
	for (uint64_t pfn = 0; pfn < pages; pfn++) {
		mte_page_tags_get(vm->ram_pa + pfn * SNAP_PAGE_SIZE, tags);
		tagged += !tags_zero(tags);
	}
	uint64_t len = snap_mte_len(vm->ncpus, tagged), size = snap_section_size(len);
	uint8_t *buf = (uint8_t *)page_alloc(pages_of(size), PAGE_SIZE);
	if (!buf)
		return -ENOMEM;
	struct mte_regs regs[MAX_VCPUS];
	for (unsigned i = 0; i < vm->ncpus; i++)
		regs[i] = vm->vcpu[i]->mte;
	struct snap_section_header sh;
	uint8_t *p = buf + sizeof(sh);
	uint64_t at = snap_mte_head(p, vm->ncpus, regs, vm->ram_size);
	for (uint64_t pfn = 0; pfn < pages && at < len; pfn++) {
		mte_page_tags_get(vm->ram_pa + pfn * SNAP_PAGE_SIZE, tags);
		if (!tags_zero(tags)) {
			snap_mte_record(p + at, (uint32_t)pfn, tags);
			at += SNAP_TAGS_RECORD;
		}
	}
	memset(p + len, 0, size - sizeof(sh) - len);
	snap_section_head(&sh, SNAP_SEC_MTE, 0, len, snap_sum32(p, len));
	memcpy(buf, &sh, sizeof(sh));
	*out = buf;
	*out_pages = pages_of(size);
	return (long)size;
}

static long read_stream(struct mgmt_stream *ms, uint64_t off, uint32_t max, const uint8_t **out,
			char *why, size_t whylen)
{
	if (!st.vm) { /* read to its end: its VM runs again */
		*out = st.out;
		if (off == ms->size)
			return 0;
		snprintf(why, whylen, "the snapshot was read to its end");
		return MGMT_EINVAL;
	}
	if (off != st.pos) {
		snprintf(why, whylen, "a snapshot is read in order: offset %llu, expected %llu",
			 (unsigned long long)off, (unsigned long long)st.pos);
		return MGMT_EINVAL;
	}
	uint64_t n = MIN((uint64_t)max, ms->size - off), done = 0;
	while (done < n) {
		const struct piece *pc = &st.piece[st.cur];
		uint64_t k = MIN(n - done, pc->len - st.cur_off);
		if (pc->kind == BYTES)
			memcpy(st.out + done, pc->p + st.cur_off, k);
		else if (pc->kind == ZEROS)
			memset(st.out + done, 0, k);
		else if (!memory_bytes(st.out + done, k)) {
			snprintf(why, whylen, "VM '%s': its memory changed while it was saved",
				 st.vm->name);
			return MGMT_EBUSY;
		}
		done += k;
		st.cur_off += k;
		if (st.cur_off == pc->len && st.cur + 1 < st.npieces) {
			st.cur++;
			st.cur_off = 0;
		}
	}
	st.pos += n;
	*out = st.out;
	if (st.pos == ms->size) {
		if (st.carry_off != st.carry_len) {
			snprintf(why, whylen, "VM '%s': its memory changed while it was saved",
				 st.vm->name);
			return MGMT_EBUSY;
		}
		pr_info("VM '%s': its snapshot was read%s", st.vm->name,
			st.paused_by_save ? "; it runs again" : "");
		close_stream(ms);
	}
	return (long)n;
}

long snap_stream_open(struct vm *vm, bool paused_by_save, char *err, size_t errlen)
{
	mgmt_set_output(NULL, 0); /* the last output, a stream of this very VM maybe */
	if (!st.out) {
		st.out = (uint8_t *)page_alloc(pages_of(OUT_BYTES), PAGE_SIZE);
		st.carry = (uint8_t *)page_alloc(pages_of(SNAP_MEM_RECORD_MAX), PAGE_SIZE);
		if (!st.out || !st.carry) {
			if (st.out)
				page_free((uint64_t)st.out, pages_of(OUT_BYTES));
			if (st.carry)
				page_free((uint64_t)st.carry, pages_of(SNAP_MEM_RECORD_MAX));
			st.out = st.carry = NULL;
			snprintf(err, errlen, "no memory for the snapshot's buffers");
			return -ENOMEM;
		}
	}
	/* The devices first: one with I/O in flight makes the save wait. A buffer that is too
	 * small for them (a UEFI VM's variable store) is tried again twice as large. */
	uint8_t *devs = NULL;
	uint64_t devs_pages = pages_of(DEVS_BYTES);
	long devs_size = -ENOSPC;
	for (; devs_size == -ENOSPC && devs_pages <= pages_of(DEVS_MAX); devs_pages *= 2) {
		devs = (uint8_t *)page_alloc(devs_pages, PAGE_SIZE);
		if (!devs) {
			snprintf(err, errlen, "no memory for the snapshot's device state");
			return -ENOMEM;
		}
		devs_size =
		    vdevs_save(vm->vdevs, vm->nvdevs, devs, devs_pages * PAGE_SIZE, err, errlen);
		if (devs_size < 0)
			page_free((uint64_t)devs, devs_pages);
	}
	if (devs_size < 0)
		return devs_size;
	devs_pages /= 2; /* the loop's last step doubled it */
	uint64_t mid_size = SNAP_SECTION_ALIGN + snap_section_size(sizeof(struct snap_vm)) +
			    vm->ncpus * snap_section_size(sizeof(struct snap_vcpu)) +
			    snap_section_size(sizeof(struct snap_vgic)) +
			    snap_section_size((uint64_t)devs_size) +
			    (vm->its ? snap_section_size(SNAP_ITS_MAX) : 0) +
			    sizeof(struct snap_section_header) + SNAP_MEM_HEAD;
	uint64_t head_size =
	    sizeof(struct snap_header) + sizeof(struct snap_section_header) + DT_PAGES * PAGE_SIZE;
	uint64_t maps_pages = pages_of(vm->ram_size / SNAP_PAGE_SIZE * sizeof(uint64_t));
	uint8_t *head = (uint8_t *)page_alloc(pages_of(head_size), PAGE_SIZE);
	uint8_t *mid = (uint8_t *)page_alloc(pages_of(mid_size), PAGE_SIZE);
	uint64_t *maps = (uint64_t *)page_alloc(maps_pages, PAGE_SIZE);
	uint8_t *mte = NULL;
	uint64_t mte_pages = 0;
	long r = -ENOMEM;
	if (!head || !mid || !maps) {
		snprintf(err, errlen, "no memory for the snapshot's buffers");
		goto fail;
	}
	/* The bundle: its device tree here, its kernel and initrd where they are, laid out as
	 * snap_bundle_copy() lays out a copy (the kernel padded to 4 KiB before an initrd). */
	uint8_t *dt = head + sizeof(struct snap_header) + sizeof(struct snap_section_header);
	uint64_t bundle_size;
	long dt_size = snap_bundle_dt(vm->bundle, vm->cfg, dt, DT_PAGES * PAGE_SIZE, &bundle_size);
	if (dt_size < 0) {
		snprintf(err, errlen, "the VM's bundle entry cannot be copied (%ld)", dt_size);
		r = dt_size;
		goto fail;
	}
	const struct vm_config *cfg = vm->cfg;
	uint64_t kernel_pad =
	    cfg->initrd.size ? ALIGN_UP(cfg->kernel.size, BLOB_ALIGN) - cfg->kernel.size : 0;
	struct snap_sum sum;
	snap_sum_init(&sum);
	snap_sum_update(&sum, dt, (uint64_t)dt_size);
	snap_sum_update(&sum, vm->bundle + cfg->kernel.offset, cfg->kernel.size);
	snap_sum_update(&sum, zeros, kernel_pad);
	snap_sum_update(&sum, vm->bundle + cfg->initrd.offset, cfg->initrd.size);
	struct snap_section_header sh;
	snap_section_head(&sh, SNAP_SEC_BUNDLE, 0, bundle_size, snap_sum_final(&sum));
	memcpy(head + sizeof(struct snap_header), &sh, sizeof(sh));
	/* The small sections, after the bundle's padding. */
	uint64_t bundle_pad = snap_section_size(bundle_size) - sizeof(sh) - bundle_size;
	memset(mid, 0, bundle_pad);
	uint64_t at = bundle_pad;
	uint64_t now = read_sysreg(cntpct_el0);
	struct snap_vm vmrec = {.ram_size = vm->ram_size,
				.ncpus = vm->ncpus,
				.cntfrq = read_sysreg(cntfrq_el0),
				.vcount = now - vm->cntvoff,
				.pcount = now};
	put_section(mid, &at, SNAP_SEC_VM, 0, &vmrec, sizeof(vmrec));
	for (unsigned i = 0; i < vm->ncpus; i++) {
		static struct snap_vcpu rec; /* 11 KB with SVE: not on the stack; one at a time */
		snap_vcpu_pack(vm->vcpu[i], vm->sve_vl, &rec);
		put_section(mid, &at, SNAP_SEC_VCPU, i, &rec, sizeof(rec));
	}
	static struct snap_vgic grec; /* 4 KiB: not on the stack; one request at a time */
	spin_lock(&vm->vgic.lock);
	snap_vgic_pack(&vm->vgic, &grec);
	spin_unlock(&vm->vgic.lock);
	put_section(mid, &at, SNAP_SEC_VGIC, 0, &grec, sizeof(grec));
	put_section(mid, &at, SNAP_SEC_DEVICES, 0, devs, (uint64_t)devs_size);
	page_free((uint64_t)devs, devs_pages);
	devs = NULL;
	if (vm->its) { /* its vCPUs' list registers were folded back when they left the CPUs */
		static uint8_t its_rec[SNAP_ITS_MAX]; /* 14 KB: one request at a time */
		spin_lock(&vm->vgic.lock);
		uint64_t its_len = snap_its_pack(vm->its, &vm->vgic, its_rec);
		spin_unlock(&vm->vgic.lock);
		put_section(mid, &at, SNAP_SEC_ITS, 0, its_rec, its_len);
	}
	/* The memory: measured now, written as it is read. */
	snap_sum_init(&sum);
	uint64_t mem_len = snap_mem_measure((const uint8_t *)vm->ram_pa, vm->ram_size, &sum, maps);
	snap_section_head(&sh, SNAP_SEC_MEMORY, 0, mem_len, snap_sum_final(&sum));
	memcpy(mid + at, &sh, sizeof(sh));
	at += sizeof(sh);
	snap_mem_head(vm->ram_size, mid + at);
	at += SNAP_MEM_HEAD;
	/* The memory section's length is a multiple of 8: no padding after it. */
	uint64_t hdr_len = sizeof(struct snap_header) + sizeof(sh) + (uint64_t)dt_size;
	long mte_size = vm->mte ? mte_section(vm, &mte, &mte_pages) : 0;
	if (mte_size < 0) {
		snprintf(err, errlen, "no memory for the snapshot's tag section");
		r = mte_size;
		goto fail;
	}
	uint64_t size = hdr_len + cfg->kernel.size + kernel_pad + cfg->initrd.size + at +
			(mem_len - SNAP_MEM_HEAD) + (uint64_t)mte_size;
	unsigned nsections = 5 + vm->ncpus + (vm->mte ? 1 : 0) + (vm->its ? 1 : 0);
	struct snap_header fh;
	snap_file_head(&fh, size, nsections, TRIAD_VERSION);
	memcpy(head, &fh, sizeof(fh));

	st = (typeof(st)){.ms = {size, read_stream, close_stream},
			  .vm = vm,
			  .paused_by_save = paused_by_save,
			  .head = head,
			  .mid = mid,
			  .head_pages = pages_of(head_size),
			  .mid_pages = pages_of(mid_size),
			  .maps = maps,
			  .maps_pages = maps_pages,
			  .mte = mte,
			  .mte_pages = mte_pages,
			  .out = st.out,
			  .carry = st.carry};
	add_piece(BYTES, head, hdr_len);
	add_piece(BYTES, vm->bundle + cfg->kernel.offset, cfg->kernel.size);
	add_piece(ZEROS, NULL, kernel_pad);
	add_piece(BYTES, vm->bundle + cfg->initrd.offset, cfg->initrd.size);
	add_piece(BYTES, mid, at);
	add_piece(MEMORY, NULL, mem_len - SNAP_MEM_HEAD);
	add_piece(BYTES, mte, (uint64_t)mte_size);
	mgmt_set_stream(&st.ms);
	return (long)size;
fail:
	if (devs)
		page_free((uint64_t)devs, devs_pages);
	if (head)
		page_free((uint64_t)head, pages_of(head_size));
	if (mid)
		page_free((uint64_t)mid, pages_of(mid_size));
	if (maps)
		page_free((uint64_t)maps, maps_pages);
	if (mte)
		page_free((uint64_t)mte, mte_pages);
	return r;
}
