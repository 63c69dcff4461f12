/*
 * The manifest of a secure partition Triad's SPMC runs: a fixed header at the start of the
 * partition's image, in place of FF-A's device-tree manifest (DEN0077 5.2 names the same
 * facts). Little-endian. The partition runs at Secure EL1 from the address it is loaded at
 * (its region, include/triad/sel2_abi.h: it is linked for it and names it), in mem_size
 * bytes there: its image, then zeroed memory.
 */
#ifndef TRIAD_SP_MANIFEST_H
#define TRIAD_SP_MANIFEST_H

#include <stdint.h>

#define SP_MANIFEST_MAGIC   0x4d505354U /* "TSPM" */
#define SP_MANIFEST_VERSION 2U
#define SP_MAX_EXEC_CTX	    8U /* one per CPU: Triad's limit */

struct sp_manifest {
	uint32_t magic;
	uint32_t version;
	uint16_t id;	      /* its FF-A ID: 0x8001-0xfffe */
	uint16_t exec_ctx;    /* execution contexts: 1 (it runs on any CPU, one request at a
			       * time) or SP_MAX_EXEC_CTX (one per CPU, in parallel) */
	uint32_t props;	      /* FFA_PROP_*: which messages it takes */
	uint32_t uuid[4];     /* its protocol UUID, in FF-A's four-word form */
	uint32_t entry;	      /* entry point, from the image's start */
	uint32_t image_size;  /* bytes of image, this header included */
	uint32_t mem_size;    /* bytes it runs in (image, zeroed data, stack): 4 KiB pages */
	uint32_t ffa_version; /* the FF-A version it speaks */
	uint32_t load_base;   /* the region it is linked for (version 2) */
};

/* security/ffa/sp_manifest.c: checks the manifest at the start of a loaded image of
 * `loaded` bytes, in the region of `region` bytes at `base`. NULL if fine (*out filled),
 * else why not. */
const char *sp_manifest_check(const void *image, uint64_t loaded, uint64_t base, uint64_t region,
			      struct sp_manifest *out);

#endif
