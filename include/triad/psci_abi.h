/* SMCCC and PSCI function IDs and return codes (Arm DEN0028, DEN0022): shared by Triad's
 * PSCI for guests, its realm vCPUs and the RMM's PSCI for realms. 32-bit IDs; SMC64 marks
 * the 64-bit calling convention's. */
#ifndef TRIAD_PSCI_ABI_H
#define TRIAD_PSCI_ABI_H

#define SMCCC_VERSION	       0x80000000U
#define SMCCC_ARCH_FEATURES    0x80000001U
#define SMCCC_1_1	       0x10001U
#define SMCCC_1_2	       0x10002U
#define PSCI_VERSION	       0x84000000U
#define PSCI_CPU_SUSPEND       0x84000001U
#define PSCI_CPU_OFF	       0x84000002U
#define PSCI_CPU_ON	       0x84000003U
#define PSCI_AFFINITY_INFO     0x84000004U
#define PSCI_MIGRATE_INFO_TYPE 0x84000006U
#define PSCI_SYSTEM_OFF	       0x84000008U
#define PSCI_SYSTEM_RESET      0x84000009U
#define PSCI_FEATURES	       0x8400000aU
#define SMC64		       0x40000000U /* bit 30: the 64-bit calling convention */
#define PSCI_1_1	       0x10001U

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	-1
#define PSCI_INVALID_PARAMETERS -2
#define PSCI_DENIED		-3
#define PSCI_ALREADY_ON		-4
#define PSCI_ON_PENDING		-5
#define PSCI_INVALID_ADDRESS	-9
#define PSCI_AFFINITY_ON	0 /* AFFINITY_INFO's answers */
#define PSCI_AFFINITY_OFF	1

#endif
