/* Checks a secure partition's manifest (include/triad/sp_manifest.h) before anything of it
 * is believed: the image comes from the host's files, not from Triad. Pure logic. */
#include <triad/ffa.h>
#include <triad/sp_manifest.h>

#define PAGE 4096U

const char *sp_manifest_check(const void *image, uint64_t loaded, uint64_t base, uint64_t region,
			      struct sp_manifest *out)
{
	if (loaded < sizeof(*out))
		return "image smaller than its manifest";
	const uint8_t *src = image;
	uint8_t *dst = (uint8_t *)out;
	for (unsigned i = 0; i < sizeof(*out); i++)
		dst[i] = src[i];
	const struct sp_manifest *m = out;
	if (m->magic != SP_MANIFEST_MAGIC)
		return "no manifest (magic)";
	if (m->version != SP_MANIFEST_VERSION)
		return "manifest version not 2";
	if (m->load_base != base)
		return "linked for another region than the one it was loaded in";
	if (!FFA_ID_IS_SECURE(m->id) || m->id == FFA_SPMC_ID || m->id == 0xffff)
		return "partition ID not in 0x8001-0xfffe";
	if (m->exec_ctx != 1 && m->exec_ctx != SP_MAX_EXEC_CTX)
		return "execution-context count not 1 or 8 (one per CPU)";
	uint32_t known = FFA_PROP_DIRECT_REQ_RECV | FFA_PROP_DIRECT_REQ2_RECV |
			 FFA_PROP_DIRECT_REQ_SEND | FFA_PROP_DIRECT_REQ2_SEND | FFA_PROP_AARCH64;
	if ((m->props & ~known) || !(m->props & FFA_PROP_AARCH64))
		return "properties: only direct messages in and out, AArch64";
	if (!(m->props & (FFA_PROP_DIRECT_REQ_RECV | FFA_PROP_DIRECT_REQ2_RECV)))
		return "properties: it takes no messages";
	if ((m->ffa_version >> 16) != 1 || (m->ffa_version & 0x80000000U))
		return "FF-A version not 1.x";
	if (m->image_size < sizeof(*m) || m->image_size > loaded)
		return "image size past the loaded file";
	if (m->mem_size % PAGE || m->mem_size < m->image_size || m->mem_size > region)
		return "memory size not whole pages, smaller than its image or past its region";
	if (m->entry % 4 || m->entry < sizeof(*m) || m->entry >= m->image_size)
		return "entry point not in its image";
	return 0;
}
