/*===- abi_v2.c - a test plugin from a future, incompatible ABI -----------===*
 *
 * `abi_v2`: answers any host with a table claiming abi_major 2 (minor 3).
 * A 1.x host must refuse it with a message naming both versions and the
 * file, and must not call anything in it.
 *
 *===----------------------------------------------------------------------===*/
#include "kiln/kiln_plugin.h"

static kiln_status never_create(const kiln_plugin_options *options, kiln_plugin *out) {
  (void)options;
  (void)out;
  return KILN_ERROR_INTERNAL; /* a 1.x host must not get this far */
}

static const kiln_plugin_api g_api = {
    .struct_size = sizeof(kiln_plugin_api),
    .abi_major = 2u,
    .abi_minor = 3u,
    .name = "abi_v2",
    .version = "2.3.0",
    .device_kind = "cpu",
    .memory_space = KILN_MEMORY_HOST,
    .priority = 0,
    .create = never_create,
};

__attribute__((visibility("default"))) const kiln_plugin_api *
kiln_plugin_get(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
  return &g_api; /* deliberately ignores the host's version */
}
