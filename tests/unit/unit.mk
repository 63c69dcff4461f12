# Host unit tests (cmocka) for the pure-logic parts, under AddressSanitizer and UBSan.
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Iinclude -Iarch/arm64/include -I$(LIBFDT) \
	-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT_FDT := $(patsubst $(LIBFDT)/%.c,$(BUILD)/host/libfdt/%.o,$(FDT_SRCS))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/host/%,$(wildcard tests/unit/test_*.c))

$(BUILD)/host/libfdt/%.o: $(LIBFDT)/%.c
	@mkdir -p $(dir $@)
	$(HOSTCC) -std=gnu11 -O1 -g -I$(LIBFDT) -fsanitize=address,undefined -w -c $< -o $@

# Each test names the Triad sources it links in a "// sources:" line.
$(BUILD)/host/%: tests/unit/%.c $(UNIT_FDT) $(HV_SRCS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -o $@ $< $$(sed -n 's|^// sources: ||p' $<) $(UNIT_FDT) -lcmocka

unit-test: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done
