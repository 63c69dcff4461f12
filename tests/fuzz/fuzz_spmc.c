/* libFuzzer target: a partition manifest from arbitrary bytes, then any sequence of calls
 * from the normal world and from the partition (as Triad at S-EL2 makes them: the partition
 * only calls while it runs). The SPMC never runs a partition that is not waiting, never
 * passes on an answer that does not match the request, never restarts a crashed partition
 * more than SPMC_MAX_RESTARTS times, and never leaves its state machine. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "security/ffa/spmc.h"

#define REGS_BYTES (FFA_NREGS * 8)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spmc s = {0};
	struct spmc_target to; /* where answers go: not looked at (one partition) */
	struct sp_manifest m;
	if (size < 64)
		return 0;
	uint8_t image[64];
	memcpy(image, data, 64);
	if (!sp_manifest_check(image, 64 + (data[0] % 4) * 0x1000, 0x0e0a0000, 0x20000, &m)) {
		assert(m.entry < m.image_size && m.mem_size <= 0x20000);
	}
	/* Whatever the bytes said, go on with a good partition. */
	struct sp_manifest good = {.magic = SP_MANIFEST_MAGIC,
				   .version = SP_MANIFEST_VERSION,
				   .id = 0x8001,
				   .exec_ctx = 1,
				   .props = 0x301,
				   .uuid = {1, 2, 3, 4},
				   .entry = 0x40,
				   .image_size = 0x100,
				   .mem_size = 0x1000,
				   .ffa_version = 0x10002};
	assert(spmc_add(&s, &good, 0x0e0a0000));
	data += 64;
	size -= 64;
	bool running = true; /* it boots first */
	uint32_t req = 0;
	while (size >= 1 + REGS_BYTES) {
		uint8_t op = data[0];
		uint64_t r[FFA_NREGS];
		memcpy(r, data + 1, REGS_BYTES);
		data += 1 + REGS_BYTES;
		size -= 1 + REGS_BYTES;
		int before = s.sp[0].ec[0].state;
		assert(before >= SP_BOOTING && before <= SP_ABORTED);
		if (op % 8 == 7) {
			/* It crashes (only while it runs, as in Triad), and is restarted at once
			 * (it boots again) while it may be, or stays aborted. */
			if (running) {
				bool serving = spmc_sp_abort(&s, 0, 0, r, &to) != SPMC_ABORT_IDLE;
				assert(serving == (before == SP_RUNNING));
				unsigned restarts = s.sp[0].restarts;
				enum spmc_restart how = spmc_sp_restart(&s, 0, op & 8);
				if (how == SPMC_RESTARTED) {
					assert(restarts < SPMC_MAX_RESTARTS &&
					       s.sp[0].restarts == restarts + 1);
					assert(s.sp[0].ec[0].state == SP_BOOTING);
				} else {
					assert(how == (op & 8 ? SPMC_GIVEN_UP : SPMC_STOPPED));
					assert(s.sp[0].ec[0].state == SP_ABORTED);
					running = false;
				}
			}
			continue;
		}
		if (!running) {
			struct spmc_target which = {99, 99};
			/* Make a well-formed request likely: the fuzzer picks the fields. */
			if (op & 1)
				r[0] =
				    (op & 2) ? FFA_MSG_SEND_DIRECT_REQ2 : FFA_MSG_SEND_DIRECT_REQ;
			if (op & 4) {
				r[1] = (r[1] & 0xffff0000) | 0x8001;
				r[2] = r[3] = 0;
			}
			uint32_t fid = (uint32_t)r[0];
			if (spmc_ns_call(&s, 0, r, &which) == SPMC_RUN_SP) {
				assert(before == SP_WAITING && which.sp == 0 && which.ec == 0);
				assert(s.sp[0].ec[0].state == SP_RUNNING);
				running = true;
				req = fid;
			} else {
				assert(s.sp[0].ec[0].state == before);
			}
			continue;
		}
		if (op & 1)
			r[0] = (op & 2) ? FFA_MSG_WAIT : ffa_resp_for(req);
		if (op & 4) {
			r[1] = 0x8001U << 16 | s.sp[0].ec[0].requester;
			r[2] = r[3] = 0;
		}
		switch (spmc_sp_call(&s, 0, 0, 0, r, &to)) {
		case SPMC_SP_RESUME:
			assert(s.sp[0].ec[0].state == before);
			break;
		case SPMC_SP_BOOTED:
			assert(before == SP_BOOTING);
			spmc_sp_idle(&s, 0, 0);
			running = false;
			break;
		case SPMC_SP_REPLY:
			assert(before == SP_RUNNING);
			assert((uint32_t)r[0] == ffa_resp_for(req));
			assert((uint16_t)r[1] == s.sp[0].ec[0].requester && (r[1] >> 16) == 0x8001);
			spmc_sp_idle(&s, 0, 0);
			running = false;
			break;
		case SPMC_SP_CALL_SP:
		case SPMC_SP_REPLY_SP:
			assert(!"one partition: no other to ask or answer");
		}
	}
	return 0;
}
