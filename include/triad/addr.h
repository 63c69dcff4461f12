/* Guest-physical (IPA) and host-physical (PA) addresses as distinct types, used where the
 * two kinds meet (stage-2 mappings, a stage-2 abort's address): passing one for the other
 * does not compile. Each is one register wide, so it costs nothing on a call. */
#ifndef TRIAD_ADDR_H
#define TRIAD_ADDR_H

#include <stdint.h>

typedef struct {
	uint64_t bits;
} ipa_t;
typedef struct {
	uint64_t bits;
} paddr_t;
#define IPA(x) ((ipa_t){(x)})
#define PA(x)  ((paddr_t){(x)})

/* The IPA a stage-2 abort reports: HPFAR_EL2's page number and FAR_EL2's page offset. */
static inline ipa_t stage2_abort_ipa(uint64_t hpfar, uint64_t far)
{
	return IPA(((hpfar >> 4) << 12) | (far & 0xfff));
}

#endif
