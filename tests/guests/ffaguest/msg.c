/*
 * The FF-A guest's indirect message checks. "ffa=msg-vm" (two such VMs, IDs 1 and 2, with
 * or without the secure world): FFA_MSG_SEND2 between them through Normal EL2.
 * VM 1 sends "ping" to VM 2, then the hostile messages (no TX buffer, before it maps one;
 * a forged w1 or header sender, a message to itself, to a VM or partition that does not
 * exist, a payload inside the header, past the buffer or wrapping: each refused before
 * the receiver's BUSY, nothing written), takes VM 2's "pong" (the
 * NPI, GET's hypervisor framework bit "RX buffer full", the header and payload in its RX
 * buffer), finds VM 2's buffer still full (BUSY: VM 2 has not released "ping"), releases
 * its own and takes VM 2's third message (then a second release is DENIED).
 * VM 2 takes "ping", answers "pong", then sends its third message once VM 1 has released
 * its buffer, finds "ping" still intact in its own (VM 1's BUSY send wrote nothing) and
 * releases it.
 */
#include "../../../include/triad/ffa.h"
#include "../lib/check.h"
#include "msg.h"
#include "notif.h"

#define HDR	     40 /* FF-A 1.2's partition message header */
#define WAIT_SECONDS 30 /* a hang detector only */

static uint8_t tx[4096] __attribute__((aligned(4096)));
static uint8_t rx[4096] __attribute__((aligned(4096)));

static void call(uint64_t r[FFA_NREGS], uint64_t fid, uint64_t w1, uint64_t w2, uint64_t w3)
{
	for (int i = 0; i < FFA_NREGS; i++)
		r[i] = 0;
	r[0] = fid;
	r[1] = w1;
	r[2] = w2;
	r[3] = w3;
	hvc18(r);
}

static bool is_error(const uint64_t r[FFA_NREGS], uint32_t code)
{
	return (uint32_t)r[0] == FFA_ERROR && (uint32_t)r[2] == code;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Writes a message into the TX buffer: text at offset, the header saying size bytes. */
static void compose(uint16_t sender, uint16_t receiver, uint32_t offset, uint32_t size,
		    const char *text)
{
	for (unsigned i = 0; i < HDR; i++)
		tx[i] = 0;
	put32(tx + 8, offset);
	put32(tx + 12, (uint32_t)sender << 16 | receiver);
	put32(tx + 16, size);
	for (unsigned i = 0; text[i] && offset + i < sizeof(tx); i++)
		tx[offset + i] = (uint8_t)text[i];
}

static void send(uint64_t r[FFA_NREGS])
{
	call(r, FFA_MSG_SEND2, 0, 0, 0);
}

/* Whether the RX buffer holds text from sender to me, as the header says. */
static bool received(uint16_t sender, uint16_t me, const char *text)
{
	unsigned n = 0;
	while (text[n])
		n++;
	if (get32(rx) || get32(rx + 8) != HDR || get32(rx + 12) != ((uint32_t)sender << 16 | me) ||
	    get32(rx + 16) != n)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (rx[HDR + i] != (uint8_t)text[i])
			return false;
	return true;
}

/* Waits for the NPI, then GET must show exactly Triad's "RX buffer full". */
static bool rx_full_told(uint16_t me, unsigned seen)
{
	uint64_t r[FFA_NREGS];
	if (!wait_npi(0, seen))
		return false;
	call(r, FFA_NOTIFICATION_GET, me, FFA_NOTIF_GET_FROM_HYP | FFA_NOTIF_GET_FROM_VM, 0);
	return r[0] == FFA_SUCCESS && (uint32_t)r[7] == FFA_NOTIF_FW_RX_FULL && !r[4] && !r[5];
}

/* Sends until the receiver is ready (err: what it says meanwhile); the last answer in r. */
static void send_when_ready(uint64_t r[FFA_NREGS], uint32_t err)
{
	uint64_t freq = read_sysreg(cntfrq_el0), t0 = counter();
	do
		send(r);
	while (is_error(r, err) && counter() - t0 < WAIT_SECONDS * freq);
}

static void hostile(uint16_t me, uint16_t other)
{
	uint64_t r[FFA_NREGS];
	compose(me, other, HDR, 4, "evil");
	call(r, FFA_MSG_SEND2, (uint64_t)other << 16, 0, 0);
	check(is_error(r, FFA_INVALID_PARAMETERS), "MSG_SEND2 with another's ID in w1 is refused",
	      r[2]);
	call(r, FFA_MSG_SEND2, 0, 1, 0);
	check(is_error(r, FFA_INVALID_PARAMETERS), "... with unknown flags in w2", r[2]);
	compose(other, other, HDR, 4, "evil");
	send(r);
	check(is_error(r, FFA_INVALID_PARAMETERS), "... with a forged sender in the header", r[2]);
	compose(me, me, HDR, 4, "self");
	send(r);
	check(is_error(r, FFA_INVALID_PARAMETERS), "... to itself", r[2]);
	compose(me, 7, HDR, 4, "nobody");
	send(r);
	check(is_error(r, FFA_INVALID_PARAMETERS), "... to a VM that does not exist", r[2]);
	compose(me, 0x8001, HDR, 4, "nobody");
	send(r);
	check(is_error(r, FFA_INVALID_PARAMETERS), "... to a partition that does not exist", r[2]);
	compose(me, other, HDR - 8, 4, "evil");
	send(r);
	check(is_error(r, FFA_INVALID_PARAMETERS), "... with the payload inside the header", r[2]);
	compose(me, other, HDR, sizeof(tx) - HDR + 1, "evil");
	send(r);
	check(is_error(r, FFA_INVALID_PARAMETERS), "... with a payload past the buffer", r[2]);
	compose(me, other, 0xfffffff0U, 0x20, "");
	send(r);
	check(is_error(r, FFA_INVALID_PARAMETERS), "... with offset + size wrapping", r[2]);
}

void msg_vm_tests(uint16_t me)
{
	uint16_t other = me == 1 ? 2 : 1;
	uint64_t r[FFA_NREGS];
	notif_mode = true;
	npi_on(0);
	call(r, FFA_VERSION, FFA_VERSION_1_2, 0, 0);
	call(r, FFA_FEATURES, FFA_MSG_SEND2, 0, 0);
	check(r[0] == FFA_SUCCESS, "FFA_FEATURES(MSG_SEND2) is supported", r[0]);
	if (me == 1) {
		send(r);
		check(is_error(r, FFA_DENIED), "MSG_SEND2 without a TX buffer is DENIED", r[2]);
	}
	call(r, FFA_RXTX_MAP | FFA_SMC64, (uint64_t)tx, (uint64_t)rx, 1);
	check(r[0] == FFA_SUCCESS, "RXTX_MAP", r[2]);
	if (me == 1) {
		compose(me, other, HDR, 4, "ping");
		send_when_ready(r, FFA_INVALID_PARAMETERS); /* until VM 2 has its buffers */
		check(r[0] == FFA_SUCCESS, "VM 1 sends \"ping\" to VM 2", r[2]);
		hostile(me, other); /* VM 2 has its buffers now: refused for what they are */
		check(rx_full_told(me, 0), "... the NPI comes, GET has the RX-full framework bit",
		      0);
		check(received(other, me, "pong"), "... its RX buffer holds VM 2's \"pong\"", 0);
		compose(me, other, HDR, 4, "late");
		send(r);
		check(is_error(r, FFA_BUSY), "a message to VM 2 before it released is BUSY", r[2]);
		call(r, FFA_RX_RELEASE, 0, 0, 0);
		check(r[0] == FFA_SUCCESS, "VM 1 releases its RX buffer", r[2]);
		check(rx_full_told(me, 1) && received(other, me, "third"),
		      "... then VM 2's third message comes", 0);
		call(r, FFA_RX_RELEASE, 0, 0, 0);
		check(r[0] == FFA_SUCCESS, "... and is released", r[2]);
		/* VM 2 sends nothing more: the buffer is empty now. */
		call(r, FFA_RX_RELEASE, 0, 0, 0);
		check(is_error(r, FFA_DENIED), "... a second release is DENIED", r[2]);
	} else {
		check(rx_full_told(me, 0), "VM 2: the NPI comes, GET has the RX-full bit", 0);
		check(received(other, me, "ping"), "... its RX buffer holds VM 1's \"ping\"", 0);
		compose(me, other, HDR, 4, "pong");
		send(r);
		check(r[0] == FFA_SUCCESS, "VM 2 answers \"pong\"", r[2]);
		compose(me, other, HDR, 5, "third");
		send_when_ready(r, FFA_BUSY); /* until VM 1 released "pong" */
		check(r[0] == FFA_SUCCESS, "... its third message goes once VM 1 released", r[2]);
		check(received(other, me, "ping"), "... \"ping\" is intact (BUSY wrote nothing)",
		      0);
		call(r, FFA_RX_RELEASE, 0, 0, 0);
		check(r[0] == FFA_SUCCESS, "VM 2 releases its RX buffer", r[2]);
	}
}
