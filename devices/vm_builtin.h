/* The devices every VM has, each in its own file, created by vm_devices_create(): their
 * state and lock are theirs, the VM only holds them as vdevs. */
#ifndef DEVICES_VM_BUILTIN_H
#define DEVICES_VM_BUILTIN_H

struct vm;

int vm_uart_create(struct vm *vm);	  /* vm_uart.c: the PL011 */
int vm_rtc_create(struct vm *vm);	  /* vm_rtc.c: the PL031 */
int vm_gpio_create(struct vm *vm);	  /* vm_gpio.c: the PL061 and its power key */
int virtio_console_create(struct vm *vm); /* virtio_console.c: hvc0, virtio-mmio window 0 */
int vm_its_create(struct vm *vm);	  /* vm_its.c: the ITS and the vGIC's LPIs */
int vm_flash_create(struct vm *vm);	  /* vm_flash.c: a UEFI VM's variable store */

#endif
