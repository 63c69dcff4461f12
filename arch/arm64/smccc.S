/* SMC to the firmware below us (PSCI etc.): x0..x3 in, x0 out. */
	.text
	.globl smc_call
smc_call:
	smc	#0
	ret
