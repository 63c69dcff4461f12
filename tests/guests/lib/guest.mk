# How a bare-metal test guest is built: the including Makefile sets NAME and SRCS (its own
# sources); the guest library (entry, vectors, console) and link script come from here.
CROSS  := aarch64-linux-gnu-
O      ?= .
LIB    := $(dir $(lastword $(MAKEFILE_LIST)))
CFLAGS := -O2 -Wall -Wextra -Werror -ffreestanding -nostdlib -mgeneral-regs-only -mstrict-align \
	-fno-stack-protector -fno-pic -fno-tree-loop-distribute-patterns -I$(LIB)../../../arch/arm64/include
# A guest that runs in the hypervisor's place or as a realm powers off through SMC.
OFF_BY_SMC ?= false
CFLAGS += -DGUEST_NAME='"$(NAME)"' -DGUEST_OFF_BY_SMC=$(OFF_BY_SMC)
ALL_SRCS := $(LIB)start.S $(LIB)console.c $(LIB)exceptions.c $(LIB)gic.c $(LIB)string.c $(SRCS)

$(O)/$(NAME).bin: $(O)/$(NAME).elf
	$(CROSS)objcopy -O binary $< $@

$(O)/$(NAME).elf: $(ALL_SRCS) $(LIB)guest.h $(LIB)check.h $(LIB)guest.ld
	@mkdir -p $(O)
	$(CROSS)gcc $(CFLAGS) -static -T $(LIB)guest.ld -Wl,--build-id=none \
		-Wl,--no-warn-rwx-segments -o $@ $(ALL_SRCS)

clean:
	rm -f $(O)/$(NAME).elf $(O)/$(NAME).bin

.PHONY: clean
