# Machine-checked properties (docs/testing.md, "make verify"): each tests/verify/*.c is a
# Frama-C harness that Eva must prove without one alarm or unproved assertion. The harness
# names the Triad sources it analyses (`// sources:`) and its Eva options (`// eva:`).
VERIFY_HARNESSES := $(wildcard tests/verify/*.c)
VERIFY_CPP := -include tests/verify/fc_prelude.h -Itests/unit/host -Ilib/include -Iinclude \
	-Iarch/arm64/include -Iplat/qemu-virt -I.

.PHONY: verify
verify:
	@mkdir -p $(BUILD)/verify
	@set -e; for h in $(VERIFY_HARNESSES); do \
		tools/verify-harness $$h $(BUILD)/verify/$$(basename $$h .c).log $(VERIFY_CPP); done
