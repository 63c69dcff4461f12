# Machine-checked properties (docs/testing.md, "make verify"): each tests/verify/*.c is a
# Frama-C harness that Eva must prove without one alarm or unproved assertion. The harness
# names the Triad sources it analyses (`// sources:`) and its Eva options (`// eva:`).
# The harnesses run side by side, one per CPU (each takes 1 to 15 s of CPU and < 200 MB).
VERIFY_HARNESSES := $(wildcard tests/verify/*.c)
VERIFY_JOBS ?= $(shell nproc)
VERIFY_CPP := -include tests/verify/fc_prelude.h -Itests/unit/host -Ilib/include -Iinclude \
	-Iarch/arm64/include -Iplat/qemu-virt -I. -I.cache/src/mbedtls/include

.PHONY: verify
verify:
	@mkdir -p $(BUILD)/verify
	@printf '%s\n' $(VERIFY_HARNESSES) | xargs -P $(VERIFY_JOBS) -I HARNESS sh -c \
		'tools/verify-harness HARNESS $(BUILD)/verify/$$(basename HARNESS .c).log $(VERIFY_CPP)'
