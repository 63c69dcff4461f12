# Host unit tests (cmocka) for the pure-logic parts, under AddressSanitizer and UBSan.
MBEDTLS := .cache/src/mbedtls
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Itests/unit/host -Ilib/include -Iinclude -Iarch/arm64/include -Iplat/qemu-virt -I$(LIBFDT) \
	-I$(MBEDTLS)/include '-DMBEDTLS_CONFIG_FILE="security/rmm/mbedtls_config.h"' -I. -DRMM_LOG_RMI=1 \
	-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# The pure half of each device type: what the bundle parser needs on the host.
DEVICE_TYPE_SRCS := $(wildcard devices/*_config.c)
UNIT_FDT := $(patsubst $(LIBFDT)/%.c,$(BUILD)/host/libfdt/%.o,$(FDT_SRCS))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/host/%,$(wildcard tests/unit/test_*.c))

$(BUILD)/host/libfdt/%.o: $(LIBFDT)/%.c
	@mkdir -p $(dir $@)
	$(VENDOR_HOSTCC) -std=gnu11 -O1 -g -I$(LIBFDT) -fsanitize=address,undefined -fno-sanitize-recover=all -w -c $< -o $@

# Each test names the Triad sources it links in a "// sources:" line.
$(BUILD)/host/%: tests/unit/%.c $(UNIT_FDT) $(HV_SRCS) $(wildcard security/*/*.[ch] include/triad/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -o $@ $< $$(sed -n 's|^// sources: ||p' $<) $(UNIT_FDT) -lcmocka

unit-test: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done
	/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/unit
.SECONDARY: $(UNIT_FDT)

# Fuzzing (libFuzzer, clang): `make fuzz FUZZ_SECONDS=600` for a real campaign; `make test`
# runs each target briefly as a smoke test.
FUZZ_SECONDS ?= 10
FUZZ_CFLAGS := -std=gnu11 -O1 -g -Itests/unit/host -Ilib/include -Iinclude -Iarch/arm64/include -Iplat/qemu-virt -I$(LIBFDT) \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_FDT := $(FDT_SRCS)
$(BUILD)/fuzz/fuzz_config: tests/fuzz/fuzz_config.c core/config.c core/security_mode.c $(DEVICE_TYPE_SRCS) $(FDT_SRCS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -w -o $@ $^
$(BUILD)/fuzz/fuzz_vcfi: tests/fuzz/fuzz_vcfi.c devices/vcfi.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $^

$(BUILD)/fuzz/fuzz_vgic: tests/fuzz/fuzz_vgic.c irq/vgic.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $^

$(BUILD)/fuzz/fuzz_vits: tests/fuzz/fuzz_vits.c irq/vits.c irq/vgic.c tests/unit/guest_ram.h
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

$(BUILD)/fuzz/fuzz_virtq: tests/fuzz/fuzz_virtq.c devices/virtq.c devices/virtio_mmio.c \
		devices/virtio_blk_req.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $^

$(BUILD)/fuzz/fuzz_snapshot: tests/fuzz/fuzz_snapshot.c core/snapshot_format.c core/snapshot_mem.c \
		core/snapshot_mte.c core/snapshot_state.c core/snapshot_its.c irq/vgic.c irq/vits.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $^

$(BUILD)/fuzz/fuzz_spmc: tests/fuzz/fuzz_spmc.c security/ffa/spmc.c security/ffa/notif_spmc.c security/ffa/notif.c \
		security/ffa/sp_manifest.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -I. -o $@ $^

$(BUILD)/fuzz/fuzz_ffa_mem_desc: tests/fuzz/fuzz_ffa_mem_desc.c security/ffa/mem_desc.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $^
$(BUILD)/fuzz/fuzz_ffa_msg: tests/fuzz/fuzz_ffa_msg.c security/ffa/msg.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -I. -o $@ $^
$(BUILD)/fuzz/fuzz_spmc_mem: tests/fuzz/fuzz_spmc_mem.c security/ffa/mem_spmc.c security/ffa/mem_desc.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -I. -o $@ $^

# The management API's parser and session: core/mgmt.c, included by the target. Seeds
# (tests/fuzz/seeds-NAME/, a whole session) start a target's corpus deep in its protocol.
$(BUILD)/fuzz/fuzz_mgmt: tests/fuzz/fuzz_mgmt.c core/mgmt.c include/triad/mgmt.h
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $<

.PHONY: fuzz
fuzz: $(BUILD)/fuzz/fuzz_config $(BUILD)/fuzz/fuzz_vgic $(BUILD)/fuzz/fuzz_vits $(BUILD)/fuzz/fuzz_virtq \
	$(BUILD)/fuzz/fuzz_spmc $(BUILD)/fuzz/fuzz_mgmt $(BUILD)/fuzz/fuzz_snapshot $(BUILD)/fuzz/fuzz_vcfi \
	$(BUILD)/fuzz/fuzz_ffa_mem_desc $(BUILD)/fuzz/fuzz_spmc_mem $(BUILD)/fuzz/fuzz_ffa_msg
	@set -e; for f in $^; do n=$$(basename $$f); echo "== $$f ($(FUZZ_SECONDS) s)"; \
		mkdir -p $(BUILD)/fuzz/corpus-$$n; \
		if [ -d tests/fuzz/seeds-$$n ]; then cp tests/fuzz/seeds-$$n/* $(BUILD)/fuzz/corpus-$$n/; fi; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 -artifact_prefix=$(BUILD)/fuzz/ \
			$(BUILD)/fuzz/corpus-$$n >$(BUILD)/fuzz/$$n.log 2>&1 || \
			{ tail -n 60 $(BUILD)/fuzz/$$n.log; echo "fuzz: $$n found a bug" >&2; exit 1; }; \
		tail -n 1 $(BUILD)/fuzz/$$n.log; done
