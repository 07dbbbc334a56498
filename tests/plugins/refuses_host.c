/*===- refuses_host.c - a plugin that declines every host -----------------===*
 *
 * `refuses_host`: kiln_plugin_get returns NULL (as a plugin does for a host
 * ABI major it cannot serve). The host must say so, naming the file.
 *
 *===----------------------------------------------------------------------===*/
#include "kiln/kiln_plugin.h"

static int g_calls;

__attribute__((visibility("default"))) const kiln_plugin_api *
kiln_plugin_get(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
  ++g_calls;
  return NULL;
}
