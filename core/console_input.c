/* Keyboard input: the physical UART's receive interrupt feeds the focused VM's console. */
#include <lib/early_console.h>
#include <triad/cpu.h>
#include <triad/log.h>
#include <triad/vm.h>
#include <triad/feature.h>

#include "../irq/gicv3.h"
#include "el2.h"

void console_input_init(void)
{
	if (!plat.uart_intid)
		return;
	gic_enable_spi(plat.uart_intid, cpus[0].mpidr, 0xa0);
	pl011_enable_rx_irq();
}

void console_input_irq(void)
{
	/* Acknowledge first, then drain: a byte arriving after the last read raises the
	 * interrupt again, where acknowledging after the drain could lose it for good. */
	pl011_ack_irq();
	int key;
	while ((key = pl011_getc()) >= 0) {
		char c = (char)key;
		unsigned focus;
		enum mux_action a = console_input_key(&c, &focus);
		if (a == MUX_STATS) {
			sched_print_stats();
			features_print_stats();
			continue;
		}
		vm_list_lock(); /* the VM is not destroyed while its device takes the key */
		struct vm *vm = vm_by_id(focus);
		if (a == MUX_DELIVER && vm && vm->state == VM_RUNNING && vm->console_input)
			vm->console_input(vm->console_dev, c);
		else if (a == MUX_FOCUS && vm)
			pr_info("console input: VM '%s'", vm->name);
		else if (a == MUX_HELP)
			for (unsigned i = 0; i < nr_vms; i++)
				if (vm_by_id(i))
					pr_info("console: Ctrl-T %u: VM '%s'%s", i + 1,
						vm_by_id(i)->name,
						i == focus ? " (has the input)" : "");
		vm_list_unlock();
	}
}
