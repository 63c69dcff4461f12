# Static analysis (docs/testing.md): cppcheck and the clang static analyzer (scan-build)
# over the four images (each built as it is, cross, for AArch64) and the host build (the
# sources the unit tests and fuzzers link, with tests/unit/host first, and the tests
# themselves). Zero findings: a false positive is suppressed in the source, on the line
# before it, with the reason. Debian's libfdt and mbedTLS are left out (VENDOR_CC).
ANALYZE_DIR := $(BUILD)/analyze
ANALYZE_INC := -Ilib/libc/include -Ilib/include -Iinclude -Iarch/arm64/include -Iplat/qemu-virt \
	-I$(LIBFDT) -I. -I.cache/src/mbedtls/include '-DMBEDTLS_CONFIG_FILE="security/rmm/mbedtls_config.h"'
CPPCHECK := cppcheck -q --std=c11 --enable=warning,portability,performance --inline-suppr \
	--error-exitcode=1 -j2 --platform=unix64 --suppress=missingIncludeSystem -D__GNUC__
ours = $(sort $(filter-out .cache/%,$(filter %.c,$(1))))
IMAGE_C_SRCS := $(call ours,$(HV_SRCS) $(MON_SRCS) $(SEL2_SRCS) $(RMM_SRCS))
HOST_C_SRCS := $(call ours,$(wildcard $(shell sed -n 's|^// sources: ||p' tests/unit/test_*.c)) \
	$(wildcard tests/unit/test_*.c tests/fuzz/*.c))
IMAGES := triad.bin monitor.bin triad-sel2.bin triad-rmm.bin
SCAN_BUILD := scan-build --status-bugs --exclude .cache -o $(ANALYZE_DIR)/reports

.PHONY: analyze analyze-cppcheck analyze-scan-build analyze-host-objs
analyze: analyze-cppcheck analyze-scan-build

analyze-cppcheck: | $(LIBFDT)/libfdt.h
	$(CPPCHECK) -D__aarch64__ -DRMM_LOG_RMI=0 $(ANALYZE_INC) $(IMAGE_C_SRCS)
	$(CPPCHECK) -D__x86_64__ -DRMM_LOG_RMI=1 -Itests/unit/host $(ANALYZE_INC) $(HOST_C_SRCS)

# From scratch, since scan-build only sees what it compiles; the images with the cross
# compiler and AArch64 as the analyzer's target, then the host objects.
analyze-scan-build: | $(LIBFDT)/libfdt.h
	rm -rf $(ANALYZE_DIR)
	$(SCAN_BUILD) --analyzer-target=aarch64-linux-gnu --use-cc=$(CC) \
		$(MAKE) -j2 BUILD=$(ANALYZE_DIR)/images $(addprefix $(ANALYZE_DIR)/images/,$(IMAGES))
	$(SCAN_BUILD) --use-cc=$(HOSTCC) sh -c \
		'$(MAKE) -j2 BUILD=$(ANALYZE_DIR)/host HOSTCC="$$CC" analyze-host-objs'

# Each host source once, compiled as the unit tests compile it.
HOST_ANALYZE_OBJS := $(patsubst %.c,$(BUILD)/hostobj/%.o,$(HOST_C_SRCS))
analyze-host-objs: $(HOST_ANALYZE_OBJS)
$(HOST_ANALYZE_OBJS): $(BUILD)/hostobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -c $< -o $@
