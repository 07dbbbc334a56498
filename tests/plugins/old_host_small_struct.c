/*===- old_host_small_struct.c - an "ABI 1.0, first draft" test plugin ----===*
 *
 * `old_host_small_struct`: a plain-C host-memory plugin built as if against
 * an older kiln_plugin.h whose table ended after `execute`: its struct_size
 * is offsetof(kiln_plugin_api, stream_create). A host must treat everything
 * past struct_size as absent (KILN_HAS_FIELD).
 *
 * To catch a host that does not, the bytes past struct_size are not left
 * zero: they hold trap functions that record the call and fail with a
 * message. kiln_test_old_plugin_trap_hits() / _trap_what() report them.
 *
 * Runs "relu", "add" and "mul" on f32 (add/mul: equal element counts, or one
 * side with a single element), synchronously, in host memory. Also proves
 * that kiln_plugin.h compiles as C.
 *
 *===----------------------------------------------------------------------===*/
#include "kiln/kiln_plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

enum { OP_RELU = 1, OP_ADD = 2, OP_MUL = 3 };

typedef struct instance {
  char error[512];
} instance;

typedef struct cnode {
  int op;
  int32_t in[2];
  int32_t num_in;
  int32_t out;
} cnode;

typedef struct executable {
  const kiln_graph *graph; /* the host keeps it alive while executables live */
  cnode *nodes;
  int32_t num_nodes;
  int32_t *inputs, *outputs;
  int32_t num_inputs, num_outputs;
} executable;

static int g_trap_hits;
static char g_trap_what[128];

static kiln_status fail(kiln_plugin p, kiln_status st, const char *msg) {
  if (p)
    snprintf(((instance *)p)->error, sizeof ((instance *)p)->error, "old_host_small_struct: %s",
             msg);
  return st;
}

static int op_of(const char *name) {
  if (!name) return 0;
  if (!strcmp(name, "relu")) return OP_RELU;
  if (!strcmp(name, "add")) return OP_ADD;
  if (!strcmp(name, "mul")) return OP_MUL;
  return 0;
}

static int64_t count_of(const kiln_tensor_desc *t) {
  int64_t n = 1;
  for (int32_t i = 0; i < t->rank; ++i)
    n *= t->shape[i];
  return n;
}

static kiln_status create(const kiln_plugin_options *options, kiln_plugin *out) {
  (void)options;
  instance *in = (instance *)calloc(1, sizeof(instance));
  if (!in) return KILN_ERROR_OUT_OF_MEMORY;
  *out = (kiln_plugin)in;
  return KILN_OK;
}

static void destroy(kiln_plugin p) { free(p); }

static const char *last_error(kiln_plugin p) { return p ? ((instance *)p)->error : ""; }

static kiln_status query(kiln_plugin p, const kiln_graph *g, int32_t *supported, float *cost) {
  (void)p;
  for (int32_t i = 0; i < g->num_nodes; ++i) {
    const kiln_node *n = &g->nodes[i];
    int ok = op_of(n->op) != 0 && n->num_outputs == 1;
    for (int32_t k = 0; ok && k < n->num_inputs; ++k)
      ok = n->inputs[k] >= 0 && g->values[n->inputs[k]].type.dtype == KILN_DTYPE_F32;
    if (ok)
      ok = g->values[n->outputs[0]].type.dtype == KILN_DTYPE_F32;
    supported[i] = ok;
    cost[i] = 10.f;
  }
  return KILN_OK;
}

static void executable_destroy(kiln_plugin p, kiln_executable e) {
  (void)p;
  executable *x = (executable *)e;
  if (!x) return;
  free(x->nodes);
  free(x->inputs);
  free(x->outputs);
  free(x);
}

static kiln_status compile(kiln_plugin p, const kiln_graph *g, const kiln_partition *part,
                           kiln_executable *out) {
  executable *x = (executable *)calloc(1, sizeof(executable));
  if (!x) return fail(p, KILN_ERROR_OUT_OF_MEMORY, "out of memory");
  x->graph = g;
  x->nodes = (cnode *)calloc((size_t)part->num_nodes + 1, sizeof(cnode));
  x->inputs = (int32_t *)calloc((size_t)part->num_inputs + 1, sizeof(int32_t));
  x->outputs = (int32_t *)calloc((size_t)part->num_outputs + 1, sizeof(int32_t));
  if (!x->nodes || !x->inputs || !x->outputs) {
    executable_destroy(p, (kiln_executable)x);
    return fail(p, KILN_ERROR_OUT_OF_MEMORY, "out of memory");
  }
  for (int32_t k = 0; k < part->num_nodes; ++k) {
    const kiln_node *n = &g->nodes[part->nodes[k]];
    cnode *c = &x->nodes[k];
    c->op = op_of(n->op);
    c->num_in = n->num_inputs;
    if (!c->op || n->num_outputs != 1 || n->num_inputs != (c->op == OP_RELU ? 1 : 2)) {
      char msg[256];
      snprintf(msg, sizeof msg, "node '%s' (%s) is not supported", n->name ? n->name : "",
               n->op ? n->op : "");
      executable_destroy(p, (kiln_executable)x);
      return fail(p, KILN_ERROR_UNSUPPORTED, msg);
    }
    for (int32_t i = 0; i < n->num_inputs; ++i)
      c->in[i] = n->inputs[i];
    c->out = n->outputs[0];
  }
  x->num_nodes = part->num_nodes;
  memcpy(x->inputs, part->inputs, sizeof(int32_t) * (size_t)part->num_inputs);
  memcpy(x->outputs, part->outputs, sizeof(int32_t) * (size_t)part->num_outputs);
  x->num_inputs = part->num_inputs;
  x->num_outputs = part->num_outputs;
  *out = (kiln_executable)x;
  return KILN_OK;
}

typedef struct slot {
  float *data;
  int64_t count;
  const int64_t *shape;
  int32_t rank;
  int owned; /* an intermediate this plugin malloc'd */
} slot;

static kiln_status execute(kiln_plugin p, kiln_executable e, const kiln_buffer *inputs,
                           int32_t num_inputs, kiln_buffer *outputs, int32_t num_outputs,
                           const kiln_allocator *allocator, kiln_stream stream) {
  (void)stream;
  executable *x = (executable *)e;
  const kiln_graph *g = x->graph;
  kiln_status st = KILN_OK;
  if (num_inputs != x->num_inputs || num_outputs != x->num_outputs)
    return fail(p, KILN_ERROR_INVALID_ARGUMENT, "wrong number of inputs or outputs");
  slot *slots = (slot *)calloc((size_t)g->num_values, sizeof(slot));
  if (!slots) return fail(p, KILN_ERROR_OUT_OF_MEMORY, "out of memory");
  for (int32_t v = 0; v < g->num_values; ++v)
    if (g->values[v].constant_data) {
      slots[v].data = (float *)g->values[v].constant_data;
      slots[v].count = count_of(&g->values[v].type);
      slots[v].shape = g->values[v].type.shape;
      slots[v].rank = g->values[v].type.rank;
    }
  for (int32_t i = 0; i < num_inputs; ++i) {
    slot *s = &slots[x->inputs[i]];
    s->data = (float *)inputs[i].data;
    s->count = count_of(&inputs[i].type);
    s->shape = inputs[i].type.shape;
    s->rank = inputs[i].type.rank;
  }
  for (int32_t k = 0; k < x->num_nodes && st == KILN_OK; ++k) {
    const cnode *c = &x->nodes[k];
    slot *a = &slots[c->in[0]], *b = c->num_in > 1 ? &slots[c->in[1]] : NULL;
    if (!a->data || (b && !b->data)) {
      st = fail(p, KILN_ERROR_INVALID_ARGUMENT, "an input is not available");
      break;
    }
    slot *big = (b && a->count == 1 && b->count != 1) ? b : a;
    if (b && a->count != b->count && a->count != 1 && b->count != 1) {
      st = fail(p, KILN_ERROR_INVALID_ARGUMENT, "shapes do not match");
      break;
    }
    int64_t n = big->count;
    slot *o = &slots[c->out];
    int32_t out_index = -1;
    for (int32_t i = 0; i < num_outputs; ++i)
      if (x->outputs[i] == c->out) out_index = i;
    if (out_index >= 0) {
      kiln_buffer *ob = &outputs[out_index];
      if (ob->type.rank != big->rank) {
        st = fail(p, KILN_ERROR_INVALID_ARGUMENT, "output rank differs from the graph's");
        break;
      }
      if (!ob->data) {
        void *data = NULL;
        if (!allocator ||
            allocator->allocate(allocator->user, (uint64_t)n * 4u, 64, &data) != KILN_OK) {
          st = fail(p, KILN_ERROR_OUT_OF_MEMORY, "cannot allocate an output");
          break;
        }
        ob->data = data;
        ob->size = (uint64_t)n * 4u;
      }
      ob->type.dtype = KILN_DTYPE_F32;
      for (int32_t d = 0; d < big->rank; ++d)
        ((int64_t *)ob->type.shape)[d] = big->shape[d];
      o->data = (float *)ob->data;
      o->shape = ob->type.shape;
    } else {
      o->data = (float *)malloc((size_t)(n ? n : 1) * 4u);
      o->owned = 1;
      o->shape = big->shape;
      if (!o->data) {
        st = fail(p, KILN_ERROR_OUT_OF_MEMORY, "out of memory");
        break;
      }
    }
    o->count = n;
    o->rank = big->rank;
    for (int64_t i = 0; i < n; ++i) {
      float va = a->data[a->count == 1 ? 0 : i];
      float r = 0;
      switch (c->op) {
      case OP_RELU: r = va > 0 ? va : 0; break;
      case OP_ADD: r = va + b->data[b->count == 1 ? 0 : i]; break;
      case OP_MUL: r = va * b->data[b->count == 1 ? 0 : i]; break;
      }
      o->data[i] = r;
    }
  }
  for (int32_t v = 0; v < g->num_values; ++v)
    if (slots[v].owned) free(slots[v].data);
  free(slots);
  return st;
}

/*--- Traps: what lies past struct_size ------------------------------------*/

static kiln_status trap(kiln_plugin p, const char *what) {
  ++g_trap_hits;
  snprintf(g_trap_what, sizeof g_trap_what, "%s", what);
  char msg[256];
  snprintf(msg, sizeof msg,
           "the host called %s, which lies beyond this plugin's struct_size (an ABI 1.0 "
           "table that ends after execute)",
           what);
  return fail(p, KILN_ERROR_INTERNAL, msg);
}
static kiln_status trap_stream_create(kiln_plugin p, kiln_stream *out) {
  (void)out;
  return trap(p, "stream_create");
}
static void trap_stream_destroy(kiln_plugin p, kiln_stream s) {
  (void)s;
  trap(p, "stream_destroy");
}
static kiln_status trap_stream_synchronize(kiln_plugin p, kiln_stream s) {
  (void)s;
  return trap(p, "stream_synchronize");
}
static kiln_status trap_memory_allocate(kiln_plugin p, uint64_t bytes, void **out) {
  (void)bytes;
  (void)out;
  return trap(p, "memory_allocate");
}
static void trap_memory_free(kiln_plugin p, void *data) {
  (void)data;
  trap(p, "memory_free");
}
static kiln_status trap_copy(kiln_plugin p, void *dst, const void *src, uint64_t bytes,
                             kiln_stream s) {
  (void)dst;
  (void)src;
  (void)bytes;
  (void)s;
  return trap(p, "memory_copy_to_device/memory_copy_to_host");
}
static kiln_status trap_serialize(kiln_plugin p, kiln_executable e, const void **data,
                                  uint64_t *size) {
  (void)e;
  (void)data;
  (void)size;
  return trap(p, "serialize");
}
static kiln_status trap_deserialize(kiln_plugin p, const kiln_graph *g,
                                    const kiln_partition *part, const void *data, uint64_t size,
                                    kiln_executable *out) {
  (void)g;
  (void)part;
  (void)data;
  (void)size;
  (void)out;
  return trap(p, "deserialize");
}

static kiln_plugin_api g_api;

EXPORT const kiln_plugin_api *kiln_plugin_get(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_minor;
  if (host_abi_major != 1u)
    return NULL;
  if (!g_api.struct_size) {
    g_api.abi_major = 1;
    g_api.abi_minor = 0;
    g_api.name = "old_host_small_struct";
    g_api.version = "0.0.1-old";
    g_api.device_kind = "cpu";
    g_api.memory_space = KILN_MEMORY_HOST;
    g_api.priority = 5;
    g_api.create = create;
    g_api.destroy = destroy;
    g_api.last_error = last_error;
    g_api.query = query;
    g_api.compile = compile;
    g_api.executable_destroy = executable_destroy;
    g_api.execute = execute;
    /* Past the end of the old table: traps, not zeros. */
    g_api.stream_create = trap_stream_create;
    g_api.stream_destroy = trap_stream_destroy;
    g_api.stream_synchronize = trap_stream_synchronize;
    g_api.memory_allocate = trap_memory_allocate;
    g_api.memory_free = trap_memory_free;
    g_api.memory_copy_to_device = trap_copy;
    g_api.memory_copy_to_host = trap_copy;
    g_api.serialize = trap_serialize;
    g_api.deserialize = trap_deserialize;
    g_api.struct_size = offsetof(kiln_plugin_api, stream_create);
  }
  return &g_api;
}

EXPORT int kiln_test_old_plugin_trap_hits(void) { return g_trap_hits; }
EXPORT const char *kiln_test_old_plugin_trap_what(void) { return g_trap_what; }
