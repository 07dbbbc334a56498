/*===- no_entry.c - a shared library that is not a kiln plugin ------------===*
 *
 * `no_entry`: loads fine but exports no kiln_plugin_get (only a look-alike).
 *
 *===----------------------------------------------------------------------===*/
#include "kiln/kiln_plugin.h"

__attribute__((visibility("default"))) const kiln_plugin_api *
kiln_plugin_get_v0(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
  return NULL;
}
