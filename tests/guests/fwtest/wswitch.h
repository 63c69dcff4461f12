/* The world-switch test's register lists (wswitch.c, and the realm's code in
 * wswitch_realm.S, which this header is also assembled with). */
#ifndef WSWITCH_H
#define WSWITCH_H

/* Normal EL2's registers: X(name, register, pattern, feature, kept by REC_ENTER). The
 * pattern is what is written (readback keeps what the CPU implements); where a register
 * steers EL2 itself the pattern leaves it working (HCR_EL2.RW, no E2H/TGE/VM; SCTLR_EL2's
 * MMU off; CPTR_EL2 without TFP; VBAR_EL2 a second copy of the vectors). The last column
 * is 0 for the GIC list registers, priorities and VMCR, which RMM 1.0 hands to the host in
 * RmiRecExit instead (docs/world-switch.md). */
#define F_ALL	0
#define F_PAUTH 1 /* FEAT_PAuth */
#define F_HCX	2 /* FEAT_HCX: HCRX_EL2 */
#define F_FGT	3 /* FEAT_FGT: the fine-grained trap registers */
#define F_SCXT	4 /* FEAT_CSV2_2: SCXTNUM_ELx */
#define F_MTE	5 /* FEAT_MTE2 (QEMU's mte=on): the tag registers */

// clang-format off
#define WS_EL1_REGS(X)                                                                             \
	X("SCTLR_EL1", sctlr_el1, 0x30d01804, F_ALL, 1)                                            \
	X("CPACR_EL1", cpacr_el1, 0x00330000, F_ALL, 1)                                            \
	X("TTBR0_EL1", ttbr0_el1, 0xa5a51234a5a5e000, F_ALL, 1)                                    \
	X("TTBR1_EL1", ttbr1_el1, 0x5a5a43215a5a1000, F_ALL, 1)                                    \
	X("TCR_EL1", tcr_el1, 0x00000032b5193519, F_ALL, 1)                                        \
	X("MAIR_EL1", mair_el1, 0x44ff040ca4bb1144, F_ALL, 1)                                      \
	X("AMAIR_EL1", amair_el1, 0xa5a5a5a5a5a5a5a5, F_ALL, 1)                                    \
	X("VBAR_EL1", vbar_el1, 0xa5a5a5a5a5a5a800, F_ALL, 1)                                      \
	X("CONTEXTIDR_EL1", contextidr_el1, 0xa5c3, F_ALL, 1)                                      \
	X("TPIDR_EL0", tpidr_el0, 0x6e73000000000001, F_ALL, 1)                                    \
	X("TPIDRRO_EL0", tpidrro_el0, 0x6e73000000000002, F_ALL, 1)                                \
	X("TPIDR_EL1", tpidr_el1, 0x6e73000000000003, F_ALL, 1)                                    \
	X("SP_EL0", sp_el0, 0x6e73000000000040, F_ALL, 1)                                          \
	X("SP_EL1", sp_el1, 0x6e73000000000050, F_ALL, 1)                                          \
	X("ELR_EL1", elr_el1, 0x6e73000000000064, F_ALL, 1)                                        \
	X("SPSR_EL1", spsr_el1, 0x200003c5, F_ALL, 1)                                              \
	X("ESR_EL1", esr_el1, 0x92000046, F_ALL, 1)                                                \
	X("FAR_EL1", far_el1, 0x6e73000000000007, F_ALL, 1)                                        \
	X("AFSR0_EL1", afsr0_el1, 0xa5a5a5a5, F_ALL, 1)                                            \
	X("AFSR1_EL1", afsr1_el1, 0x5a5a5a5a, F_ALL, 1)                                            \
	X("PAR_EL1", par_el1, 0x0000a5a5a5a5a000, F_ALL, 1)                                        \
	X("CNTKCTL_EL1", cntkctl_el1, 0x000000a3, F_ALL, 1)                                        \
	X("CSSELR_EL1", csselr_el1, 0x2, F_ALL, 1)                                                 \
	X("MDSCR_EL1", mdscr_el1, 0x1000, F_ALL, 1)                                                \
	X("CNTP_CVAL_EL0", cntp_cval_el0, 0x6e73a5a5a5a5a5a5, F_ALL, 1)                            \
	X("CNTP_CTL_EL0", cntp_ctl_el0, 0x2, F_ALL, 1)                                             \
	X("CNTV_CVAL_EL0", cntv_cval_el0, 0x6e735a5a5a5a5a5a, F_ALL, 1)                            \
	X("CNTV_CTL_EL0", cntv_ctl_el0, 0x2, F_ALL, 1)                                             \
	X("ICC_PMR_EL1", s3_0_c4_c6_0, 0xf8, F_ALL, 1)                                             \
	X("DBGBVR0_EL1", dbgbvr0_el1, 0x00006e7300001000, F_ALL, 1)                                \
	X("DBGBCR0_EL1", dbgbcr0_el1, 0x1e6, F_ALL, 1)                                             \
	X("DBGWVR0_EL1", dbgwvr0_el1, 0x00006e7300002000, F_ALL, 1)                                \
	X("DBGWCR0_EL1", dbgwcr0_el1, 0x1ff6, F_ALL, 1)                                            \
	X("PMCR_EL0", pmcr_el0, 0x48, F_ALL, 1)                                                    \
	X("PMSELR_EL0", pmselr_el0, 0x3, F_ALL, 1)                                                 \
	X("PMUSERENR_EL0", pmuserenr_el0, 0xd, F_ALL, 1)                                           \
	X("PMCCFILTR_EL0", pmccfiltr_el0, 0xa8000000, F_ALL, 1)                                    \
	X("PMEVTYPER0_EL0", pmevtyper0_el0, 0x28000011, F_ALL, 1)                                  \
	X("APIAKEYLO_EL1", s3_0_c2_c1_0, 0x6e73a1a1a1a1a1a1, F_PAUTH, 1)                           \
	X("APIAKEYHI_EL1", s3_0_c2_c1_1, 0x6e73a2a2a2a2a2a2, F_PAUTH, 1)                           \
	X("APIBKEYLO_EL1", s3_0_c2_c1_2, 0x6e73b1b1b1b1b1b1, F_PAUTH, 1)                           \
	X("APIBKEYHI_EL1", s3_0_c2_c1_3, 0x6e73b2b2b2b2b2b2, F_PAUTH, 1)                           \
	X("APDAKEYLO_EL1", s3_0_c2_c2_0, 0x6e73d1d1d1d1d1d1, F_PAUTH, 1)                           \
	X("APDAKEYHI_EL1", s3_0_c2_c2_1, 0x6e73d2d2d2d2d2d2, F_PAUTH, 1)                           \
	X("APDBKEYLO_EL1", s3_0_c2_c2_2, 0x6e73e1e1e1e1e1e1, F_PAUTH, 1)                           \
	X("APDBKEYHI_EL1", s3_0_c2_c2_3, 0x6e73e2e2e2e2e2e2, F_PAUTH, 1)                           \
	X("APGAKEYLO_EL1", s3_0_c2_c3_0, 0x6e73f1f1f1f1f1f1, F_PAUTH, 1)                           \
	X("APGAKEYHI_EL1", s3_0_c2_c3_1, 0x6e73f2f2f2f2f2f2, F_PAUTH, 1)                           \
	X("SCXTNUM_EL0", s3_3_c13_c0_7, 0x6e73000000005c00, F_SCXT, 1)                             \
	X("SCXTNUM_EL1", s3_0_c13_c0_7, 0x6e73000000005c01, F_SCXT, 1)                             \
	X("GCR_EL1", s3_0_c1_c0_6, 0xa5a5, F_MTE, 1)                                               \
	X("RGSR_EL1", s3_0_c1_c0_5, 0xa5c300, F_MTE, 1)                                            \
	X("TFSR_EL1", s3_0_c5_c6_0, 0x3, F_MTE, 1)                                                 \
	X("TFSRE0_EL1", s3_0_c5_c6_1, 0x3, F_MTE, 1)

#define WS_EL2_REGS(X)                                                                             \
	X("HCR_EL2", hcr_el2, 0x00000300c40c6000, F_ALL, 1)                                        \
	X("SCTLR_EL2", sctlr_el2, 0x30cd1834, F_ALL, 1)                                            \
	X("VBAR_EL2", vbar_el2, WS_VBAR_EL2_ALT, F_ALL, 1)                                            \
	X("TTBR0_EL2", ttbr0_el2, 0x0000a5a51234f000, F_ALL, 1)                                    \
	X("TCR_EL2", tcr_el2, 0x80823519, F_ALL, 1)                                                \
	X("MAIR_EL2", mair_el2, 0xbb44ff0400a40c11, F_ALL, 1)                                      \
	X("TPIDR_EL2", tpidr_el2, 0x6e73000000000e02, F_ALL, 1)                                    \
	X("ELR_EL2", elr_el2, 0x6e73000000000e04, F_ALL, 1)                                        \
	X("SPSR_EL2", spsr_el2, 0x200003c9, F_ALL, 1)                                              \
	X("ESR_EL2", esr_el2, 0x5a000012, F_ALL, 1)                                                \
	X("FAR_EL2", far_el2, 0x6e73000000000e08, F_ALL, 1)                                        \
	X("HPFAR_EL2", hpfar_el2, 0x00000a5a5a5a5a50, F_ALL, 1)                                    \
	X("CPTR_EL2", cptr_el2, 0x801032ff, F_ALL, 1)                                              \
	X("MDCR_EL2", mdcr_el2, 0x0e62, F_ALL, 1)                                                  \
	X("CNTHCTL_EL2", cnthctl_el2, 0xa3, F_ALL, 1)                                              \
	X("CNTVOFF_EL2", cntvoff_el2, 0x00000a5a5a5a5a5a, F_ALL, 1)                                \
	X("VTTBR_EL2", vttbr_el2, 0x00a5000012345000, F_ALL, 1)                                    \
	X("VTCR_EL2", vtcr_el2, 0x80023558, F_ALL, 1)                                              \
	X("VMPIDR_EL2", vmpidr_el2, 0x81a5c3d2, F_ALL, 1)                                          \
	X("VPIDR_EL2", vpidr_el2, 0x410fa5c0, F_ALL, 1)                                            \
	X("CNTHP_CVAL_EL2", cnthp_cval_el2, 0x6e73c0c0c0c0c0c0, F_ALL, 1)                          \
	X("CNTHP_CTL_EL2", cnthp_ctl_el2, 0x2, F_ALL, 1)                                           \
	X("ICH_HCR_EL2", s3_4_c12_c11_0, 0x5c1e, F_ALL, 1)                                         \
	X("ICH_VMCR_EL2", s3_4_c12_c11_7, 0xa8000003, F_ALL, 0)                                    \
	X("ICH_AP0R0_EL2", s3_4_c12_c8_0, 0x5, F_ALL, 0)                                           \
	X("ICH_AP1R0_EL2", s3_4_c12_c9_0, 0xa, F_ALL, 0)                                           \
	X("ICH_LR0_EL2", s3_4_c12_c12_0, 0x10a5000000000029, F_ALL, 0)                             \
	X("ICH_LR1_EL2", s3_4_c12_c12_1, 0x10a500000000002a, F_ALL, 0)                             \
	X("ICH_LR2_EL2", s3_4_c12_c12_2, 0x10a500000000002b, F_ALL, 0)                             \
	X("ICH_LR3_EL2", s3_4_c12_c12_3, 0x10a500000000002c, F_ALL, 0)                             \
	X("HCRX_EL2", s3_4_c1_c2_2, 0x62d, F_HCX, 1)                                               \
	X("HFGRTR_EL2", s3_4_c1_c1_4, 0xb, F_FGT, 1)                                               \
	X("HFGWTR_EL2", s3_4_c1_c1_5, 0xb, F_FGT, 1)                                               \
	X("TFSR_EL2", s3_4_c5_c6_0, 0x3, F_MTE, 1)
// clang-format on

/* The realm's registers (wswitch_realm.S): X(name, register, pattern), then its keys if the
 * CPU has FEAT_PAuth (the host says so in its x0 at REC_CREATE), then V0-V31 (low and high
 * halves), FPSR and FPCR, each word's readback compared after the host's turn. */
// clang-format off
#define WS_REALM_REGS(X)                                                                           \
	X("SCTLR_EL1", sctlr_el1, 0x30d01804) X("TTBR0_EL1", ttbr0_el1, 0x0000726561000000)         \
	X("TTBR1_EL1", ttbr1_el1, 0x00006c6d00001000) X("TCR_EL1", tcr_el1, 0x0000001a25103510)     \
	X("MAIR_EL1", mair_el1, 0x7265ff04bb440c00) X("VBAR_EL1", vbar_el1, 0x7265616c6d000800)     \
	X("CONTEXTIDR_EL1", contextidr_el1, 0x7e41) X("TPIDR_EL0", tpidr_el0, 0x7265616c6d000001)  \
	X("TPIDRRO_EL0", tpidrro_el0, 0x7265616c6d000002)                                          \
	X("TPIDR_EL1", tpidr_el1, 0x7265616c6d000003) X("SP_EL0", sp_el0, 0x7265616c6d000040)      \
	X("ELR_EL1", elr_el1, 0x7265616c6d000064) X("SPSR_EL1", spsr_el1, 0x100003c5)               \
	X("ESR_EL1", esr_el1, 0x5a000045) X("FAR_EL1", far_el1, 0x7265616c6d000007)                \
	X("PAR_EL1", par_el1, 0x0000aaaa5555e000) X("CNTKCTL_EL1", cntkctl_el1, 0x2a3)             \
	X("CSSELR_EL1", csselr_el1, 0x2) X("MDSCR_EL1", mdscr_el1, 0x1000)                          \
	X("CNTP_CVAL_EL0", cntp_cval_el0, 0x7265616c6d0000aa)                                      \
	X("CNTV_CVAL_EL0", cntv_cval_el0, 0x7265616c6d0000bb)                                      \
	X("AFSR0_EL1", afsr0_el1, 0x72650a50) X("AMAIR_EL1", amair_el1, 0x7265a3a3a3a3a3a3)        \
	X("DBGBVR0_EL1", dbgbvr0_el1, 0x0000726500003000)                                          \
	X("DBGWVR0_EL1", dbgwvr0_el1, 0x0000726500004000)
#define WS_REALM_PAUTH(X)                                                                          \
	X("APIAKEYLO_EL1", s3_0_c2_c1_0, 0x7265a1a1a1a1a1a1)                                       \
	X("APIAKEYHI_EL1", s3_0_c2_c1_1, 0x7265a2a2a2a2a2a2)                                       \
	X("APIBKEYLO_EL1", s3_0_c2_c1_2, 0x7265b1b1b1b1b1b1)                                       \
	X("APIBKEYHI_EL1", s3_0_c2_c1_3, 0x7265b2b2b2b2b2b2)                                       \
	X("APDAKEYLO_EL1", s3_0_c2_c2_0, 0x7265d1d1d1d1d1d1)                                       \
	X("APDAKEYHI_EL1", s3_0_c2_c2_1, 0x7265d2d2d2d2d2d2)                                       \
	X("APDBKEYLO_EL1", s3_0_c2_c2_2, 0x7265e1e1e1e1e1e1)                                       \
	X("APDBKEYHI_EL1", s3_0_c2_c2_3, 0x7265e2e2e2e2e2e2)                                       \
	X("APGAKEYLO_EL1", s3_0_c2_c3_0, 0x7265f1f1f1f1f1f1)                                       \
	X("APGAKEYHI_EL1", s3_0_c2_c3_1, 0x7265f2f2f2f2f2f2)
// clang-format on

/* The realm's reports (stores to its unprotected report address): a mismatching word's
 * index (WS_REPORT_WORD | i), a general register's (WS_REPORT_GPR | n), then WS_REPORT_END
 * with the number of words compared. */
#define WS_REPORT_WORD 0x5753000000000000
#define WS_REPORT_GPR  0x5747000000000000
#define WS_REPORT_END  0x5745000000000000
#define WS_REALM_GPR   0x7265616c00000000 /* x1-x30 are this | n */

#endif
