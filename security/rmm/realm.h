/* A realm as the RMM keeps it: its descriptor (in the RD granule) and the commands on its
 * translation tables and memory (rtt.c). */
#ifndef RMM_REALM_H
#define RMM_REALM_H

#include "measurement.h"
#include "rmm.h"

#define REALM_NEW	 0
#define REALM_ACTIVE	 1
#define REALM_SYSTEM_OFF 2 /* it called PSCI SYSTEM_OFF or SYSTEM_RESET: RECs stay out */

/* The Realm Descriptor, in its own (Realm PAS) granule. */
struct rd {
	uint64_t state;
	uint64_t s2sz;
	int64_t rtt_level_start;
	uint64_t rtt_num_start, rtt_base;
	uint64_t vmid;
	uint64_t nr_recs;
	uint64_t nr_rtts;	  /* tables below the starting level */
	uint32_t meas_lock;	  /* RSI reads and extensions from RECs on several CPUs */
	uint8_t num_bps, num_wps; /* its breakpoints and watchpoints, minus one */
	uint8_t sve, sve_vl;	  /* flags.sve; its vectors: (sve_vl + 1) * 16 bytes */
	struct measurement rim, rem[4];
	uint8_t rpv[64];
};
_Static_assert(sizeof(struct rd) <= GRANULE_SIZE, "RD larger than a granule");

/* rtt.c: RMI_RTT_CREATE, _DESTROY, _READ_ENTRY, _INIT_RIPAS; RMI_DATA_CREATE,
 * _CREATE_UNKNOWN, _DESTROY. */
void rmi_rtt_create(const uint64_t *in, uint64_t *out);
void rmi_rtt_destroy(const uint64_t *in, uint64_t *out);
void rmi_rtt_read_entry(const uint64_t *in, uint64_t *out);
void rmi_rtt_init_ripas(const uint64_t *in, uint64_t *out);
void rmi_rtt_map_unprotected(const uint64_t *in, uint64_t *out);
void rmi_rtt_unmap_unprotected(const uint64_t *in, uint64_t *out);
void rmi_data_create(const uint64_t *in, uint64_t *out);
void rmi_data_create_unknown(const uint64_t *in, uint64_t *out);
void rmi_data_destroy(const uint64_t *in, uint64_t *out);
/* rtt.c: RMI_RTT_FOLD and RMI_RTT_SET_RIPAS (the latter for a REC's RSI_IPA_STATE_SET) */
void rmi_rtt_fold(const uint64_t *in, uint64_t *out);
void rmi_rtt_set_ripas(const uint64_t *in, uint64_t *out);
/* rec.c: RMI_REC_CREATE, _DESTROY, _AUX_COUNT */
void rmi_rec_create(const uint64_t *in, uint64_t *out);
void rmi_rec_destroy(const uint64_t *in, uint64_t *out);
void rmi_rec_aux_count(const uint64_t *in, uint64_t *out);
/* The RIPAS at a protected ipa (the RD locked) and the size of the entry that holds it;
 * ram_pa: the granule of an ASSIGNED RAM page there, else 0. */
uint64_t rtt_ripas(const struct rd *rd, uint64_t ipa, uint64_t *size, uint64_t *ram_pa);
/* The realm's RAM page at ipa with the RD locked, so that the host cannot take it away
 * meanwhile (NULL: not an assigned RAM page of the realm). Unlock with GRANULE_RD. */
granule_t *realm_lock_ram_page(struct rd *rd, uint64_t ipa, uint64_t *pa);
/* Every CPU's TLBs forget the realm's stage-2 translations. */
void realm_tlbi(const struct rd *rd);
/* Whether a table at `level` has anything assigned or a table below it. */
bool rtt_live(const uint64_t *table, int64_t level);

#endif
