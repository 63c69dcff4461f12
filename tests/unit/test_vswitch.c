// sources: devices/vswitch_route.c
/* Host tests for the switch's forwarding: VM ports, the uplink, learning, flooding, and
 * VMs that lie about their address. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <triad/vswitch.h>

static struct vswitch_port vm_a = {.name = "a", .mac = {2, 0, 0, 0, 0, 1}};
static struct vswitch_port vm_b = {.name = "b", .mac = {2, 0, 0, 0, 0, 2}};
static struct vswitch_port up = {.name = "uplink", .uplink = true};
static struct vswitch_port *const ports[] = {&vm_a, &vm_b, &up};
static struct mac_table t;

static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t GATEWAY[6] = {0x52, 0x55, 0x0a, 0, 2, 2};
static const uint8_t UNKNOWN[6] = {0x52, 0x55, 0x0a, 0, 9, 9};

static uint32_t route(unsigned in, const uint8_t *dst, const uint8_t *src)
{
	uint8_t f[60] = {0};
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	return vswitch_route(&t, ports, 3, in, f, sizeof(f), 100);
}

static int setup(void **state)
{
	(void)state;
	memset(&t, 0, sizeof(t));
	vm_a.spoofed = 0;
	return 0;
}

static void broadcast_floods_all_other_ports(void **state)
{
	(void)state;
	assert_int_equal(route(0, BCAST, vm_a.mac), 0x6);
	assert_int_equal(route(2, BCAST, GATEWAY), 0x3);
}

static void vm_to_vm_goes_straight(void **state)
{
	(void)state;
	assert_int_equal(route(0, vm_b.mac, vm_a.mac), 0x2);
	assert_int_equal(route(1, vm_a.mac, vm_b.mac), 0x1);
}

static void the_uplink_side_is_learned(void **state)
{
	(void)state;
	assert_int_equal(route(0, GATEWAY, vm_a.mac), 0x6); /* unknown yet: flooded */
	assert_int_equal(route(2, vm_a.mac, GATEWAY), 0x1);
	assert_int_equal(route(0, GATEWAY, vm_a.mac), 0x4); /* learned */
	assert_int_equal(route(0, UNKNOWN, vm_a.mac), 0x6);
	/* Frames from the uplink to an address behind the uplink go nowhere. */
	assert_int_equal(route(2, GATEWAY, UNKNOWN), 0);
}

static void a_vm_cannot_send_as_someone_else(void **state)
{
	(void)state;
	assert_int_equal(route(0, BCAST, vm_b.mac), 0);
	assert_int_equal(route(0, vm_b.mac, GATEWAY), 0);
	assert_int_equal(vm_a.spoofed, 2);
	/* Nor poison the table: the gateway is still unknown, so it floods. */
	assert_int_equal(mac_table_lookup(&t, GATEWAY), -1);
	/* A multicast source is never valid, from any port. */
	assert_int_equal(route(2, vm_a.mac, BCAST), 0);
}

static void runt_and_giant_frames_are_dropped(void **state)
{
	(void)state;
	uint8_t f[ETH_FRAME_MAX + 1] = {0};
	memcpy(f, BCAST, 6);
	memcpy(f + 6, vm_a.mac, 6);
	assert_int_equal(vswitch_route(&t, ports, 3, 0, f, ETH_HLEN - 1, 0), 0);
	assert_int_equal(vswitch_route(&t, ports, 3, 0, f, ETH_FRAME_MAX + 1, 0), 0);
	assert_int_equal(vswitch_route(&t, ports, 3, 0, f, ETH_FRAME_MAX, 0), 0x6);
}

static void a_full_table_forgets_the_stalest(void **state)
{
	(void)state;
	uint8_t mac[6] = {0x52, 0, 0, 0, 0, 0};
	for (unsigned i = 0; i < MAC_TABLE_SIZE; i++) {
		mac[5] = (uint8_t)i;
		mac_table_learn(&t, mac, 2, 10 + i);
	}
	mac[5] = 0;
	assert_int_equal(mac_table_lookup(&t, mac), 2);
	mac[5] = 200;
	mac_table_learn(&t, mac, 1, 1000);
	assert_int_equal(mac_table_lookup(&t, mac), 1);
	mac[5] = 0; /* the oldest entry made room */
	assert_int_equal(mac_table_lookup(&t, mac), -1);
	mac[5] = 1;
	assert_int_equal(mac_table_lookup(&t, mac), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(broadcast_floods_all_other_ports, setup),
	    cmocka_unit_test_setup(vm_to_vm_goes_straight, setup),
	    cmocka_unit_test_setup(the_uplink_side_is_learned, setup),
	    cmocka_unit_test_setup(a_vm_cannot_send_as_someone_else, setup),
	    cmocka_unit_test_setup(runt_and_giant_frames_are_dropped, setup),
	    cmocka_unit_test_setup(a_full_table_forgets_the_stalest, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
