/* The development attestation material tools/ccatoken.py makes at build time (the build
 * passes its directory to the assembler with -I): the Realm Attestation Key's private
 * scalar, its public key's SHA-256, and the platform token that binds it. In the monitor's
 * image, so in QEMU's secure flash, out of the normal world's reach. */
	.section .rodata
	.globl attest_rak, attest_rak_hash, attest_token_blob, attest_token_blob_end
attest_rak:
	.incbin "rak.bin"
attest_rak_hash:
	.incbin "rak_hash.bin"
attest_token_blob:
	.incbin "platform_token.cbor"
attest_token_blob_end:
