/*===- scale_shift_kernel.c - a kernel plugin serving a custom op ---------===*
 *
 * A complete kiln kernel plugin in plain C against the one public header
 * <kiln/kiln_plugin.h>. It serves the custom ONNX op com.example::ScaleShift
 * (y = x * scale + shift, float32, attributes `scale` and `shift`), which the
 * ONNX frontend imports as `kiln.custom`:
 *
 *   query    claims the nodes whose op is "custom" with domain "com.example"
 *            and op_type "ScaleShift" on f32 tensors, and nothing else;
 *   compile  records, for each node of the partition, its scale and shift
 *            and which partition value it reads and writes;
 *   execute  runs the nodes in order on host memory.
 *
 * The host partitions the rest of the model across the other plugins (the
 * oneDNN cpu plugin, the reference plugin) and copies nothing: this plugin
 * declares host memory.
 *===----------------------------------------------------------------------===*/
#include <kiln/kiln_plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

struct kiln_plugin_t {
  char error[256];
};

/* One ScaleShift node: reads slot `in`, writes slot `out`. Slots number the
   partition's inputs, then its outputs, then its intermediates. */
typedef struct step {
  float scale, shift;
  int32_t in, out;
} step;

struct kiln_executable_t {
  step *steps;
  int32_t num_steps;
  int32_t num_inputs, num_outputs, num_slots;
  int32_t *slot_value; /* graph value index of each slot */
};

static kiln_status fail(kiln_plugin p, kiln_status s, const char *msg, const char *node) {
  if (p)
    snprintf(p->error, sizeof p->error, "example_scale_shift: %s%s%s", msg,
             node ? " in node " : "", node ? node : "");
  return s;
}

static const kiln_attr *find_attr(const kiln_node *n, const char *name) {
  for (int32_t i = 0; i < n->num_attrs; ++i)
    if (strcmp(n->attrs[i].name, name) == 0)
      return &n->attrs[i];
  return NULL;
}

static int is_scale_shift(const kiln_graph *g, const kiln_node *n) {
  const kiln_attr *domain = find_attr(n, "domain"), *type = find_attr(n, "op_type");
  if (strcmp(n->op, "custom") != 0 || !domain || !type || domain->kind != KILN_ATTR_STRING ||
      type->kind != KILN_ATTR_STRING || strcmp(domain->s, "com.example") != 0 ||
      strcmp(type->s, "ScaleShift") != 0 || n->num_inputs != 1 || n->num_outputs != 1 ||
      n->inputs[0] < 0)
    return 0;
  return g->values[n->inputs[0]].type.dtype == KILN_DTYPE_F32 &&
         g->values[n->outputs[0]].type.dtype == KILN_DTYPE_F32;
}

static float float_attr(const kiln_node *n, const char *name, float fallback) {
  const kiln_attr *a = find_attr(n, name);
  if (!a)
    return fallback;
  if (a->kind == KILN_ATTR_FLOAT)
    return (float)a->f;
  if (a->kind == KILN_ATTR_INT)
    return (float)a->i;
  return fallback;
}

static kiln_status create(const kiln_plugin_options *options, kiln_plugin *out) {
  (void)options;
  *out = calloc(1, sizeof(struct kiln_plugin_t));
  return *out ? KILN_OK : KILN_ERROR_OUT_OF_MEMORY;
}

static void destroy(kiln_plugin p) { free(p); }

static const char *last_error(kiln_plugin p) { return p ? p->error : "example_scale_shift"; }

static kiln_status query(kiln_plugin p, const kiln_graph *g, int32_t *supported, float *cost) {
  (void)p;
  for (int32_t i = 0; i < g->num_nodes; ++i) {
    supported[i] = is_scale_shift(g, &g->nodes[i]);
    cost[i] = 1.0f;
  }
  return KILN_OK;
}

/* The slot of graph value v, adding it as an intermediate when new. */
static int32_t slot_of(struct kiln_executable_t *e, int32_t v, int32_t capacity) {
  for (int32_t s = 0; s < e->num_slots; ++s)
    if (e->slot_value[s] == v)
      return s;
  if (e->num_slots == capacity)
    return -1;
  e->slot_value[e->num_slots] = v;
  return e->num_slots++;
}

static void executable_destroy(kiln_plugin p, kiln_executable e) {
  (void)p;
  if (!e)
    return;
  free(e->steps);
  free(e->slot_value);
  free(e);
}

static kiln_status compile(kiln_plugin p, const kiln_graph *g, const kiln_partition *part,
                           kiln_executable *out) {
  struct kiln_executable_t *e = calloc(1, sizeof *e);
  int32_t capacity = part->num_inputs + part->num_outputs + 2 * part->num_nodes;
  if (!e)
    return fail(p, KILN_ERROR_OUT_OF_MEMORY, "out of memory", NULL);
  e->steps = calloc((size_t)part->num_nodes + 1, sizeof(step));
  e->slot_value = calloc((size_t)capacity + 1, sizeof(int32_t));
  if (!e->steps || !e->slot_value) {
    executable_destroy(p, e);
    return fail(p, KILN_ERROR_OUT_OF_MEMORY, "out of memory", NULL);
  }
  e->num_inputs = part->num_inputs;
  e->num_outputs = part->num_outputs;
  for (int32_t i = 0; i < part->num_inputs; ++i)
    e->slot_value[e->num_slots++] = part->inputs[i];
  for (int32_t i = 0; i < part->num_outputs; ++i)
    e->slot_value[e->num_slots++] = part->outputs[i];
  for (int32_t k = 0; k < part->num_nodes; ++k) {
    const kiln_node *n = &g->nodes[part->nodes[k]];
    if (!is_scale_shift(g, n)) {
      executable_destroy(p, e);
      return fail(p, KILN_ERROR_UNSUPPORTED, "not a com.example::ScaleShift on f32", n->name);
    }
    step *s = &e->steps[e->num_steps++];
    s->scale = float_attr(n, "scale", 1.0f);
    s->shift = float_attr(n, "shift", 0.0f);
    s->in = slot_of(e, n->inputs[0], capacity);
    s->out = slot_of(e, n->outputs[0], capacity);
    if (s->in < 0 || s->out < 0) {
      executable_destroy(p, e);
      return fail(p, KILN_ERROR_INVALID_ARGUMENT, "malformed partition", n->name);
    }
  }
  *out = e;
  return KILN_OK;
}

static kiln_status execute(kiln_plugin p, kiln_executable e, const kiln_buffer *inputs,
                           int32_t num_inputs, kiln_buffer *outputs, int32_t num_outputs,
                           const kiln_allocator *allocator, kiln_stream stream) {
  (void)stream;
  if (num_inputs != e->num_inputs || num_outputs != e->num_outputs)
    return fail(p, KILN_ERROR_INVALID_ARGUMENT, "wrong number of buffers", NULL);
  /* Each slot: its data and element count; intermediates are malloc'ed. */
  float **data = calloc((size_t)e->num_slots + 1, sizeof(float *));
  uint64_t *count = calloc((size_t)e->num_slots + 1, sizeof(uint64_t));
  char *owned = calloc((size_t)e->num_slots + 1, 1);
  kiln_status status = KILN_OK;
  if (!data || !count || !owned) {
    status = fail(p, KILN_ERROR_OUT_OF_MEMORY, "out of memory", NULL);
    goto done;
  }
  for (int32_t i = 0; i < num_inputs; ++i) {
    data[i] = (float *)inputs[i].data;
    count[i] = inputs[i].size / sizeof(float);
  }
  for (int32_t k = 0; k < e->num_steps; ++k) {
    const step *s = &e->steps[k];
    uint64_t n = count[s->in];
    if (!data[s->out]) {
      int32_t o = s->out - e->num_inputs;
      if (o >= 0 && o < num_outputs && outputs[o].data) {
        data[s->out] = (float *)outputs[o].data;
        if (outputs[o].size < n * sizeof(float)) {
          status = fail(p, KILN_ERROR_INVALID_ARGUMENT, "output buffer too small", NULL);
          goto done;
        }
      } else if (o >= 0 && o < num_outputs) {
        /* The host left the output to us: its shape is the input's. */
        void *block = NULL;
        if (allocator->allocate(allocator->user, n * sizeof(float), 64, &block) != KILN_OK) {
          status = fail(p, KILN_ERROR_OUT_OF_MEMORY, "output allocation failed", NULL);
          goto done;
        }
        outputs[o].data = block;
        outputs[o].size = n * sizeof(float);
        const kiln_buffer *src = s->in < num_inputs ? &inputs[s->in] : NULL;
        if (src && outputs[o].type.shape && src->type.rank == outputs[o].type.rank)
          memcpy((int64_t *)outputs[o].type.shape, src->type.shape,
                 sizeof(int64_t) * (size_t)src->type.rank);
        data[s->out] = (float *)block;
      } else {
        data[s->out] = malloc(n * sizeof(float) + 1);
        owned[s->out] = 1;
        if (!data[s->out]) {
          status = fail(p, KILN_ERROR_OUT_OF_MEMORY, "out of memory", NULL);
          goto done;
        }
      }
      count[s->out] = n;
    }
    const float *x = data[s->in];
    float *y = data[s->out];
    for (uint64_t i = 0; i < n; ++i)
      y[i] = x[i] * s->scale + s->shift;
  }
done:
  if (owned)
    for (int32_t s = 0; s < e->num_slots; ++s)
      if (owned[s])
        free(data[s]);
  free(data);
  free(count);
  free(owned);
  return status;
}

static const kiln_plugin_api api = {
    .struct_size = sizeof(kiln_plugin_api),
    .abi_major = KILN_PLUGIN_ABI_MAJOR,
    .abi_minor = KILN_PLUGIN_ABI_MINOR,
    .name = "example_scale_shift",
    .version = "1.0",
    .device_kind = "cpu",
    .memory_space = KILN_MEMORY_HOST,
    .priority = 50,
    .create = create,
    .destroy = destroy,
    .last_error = last_error,
    .query = query,
    .compile = compile,
    .executable_destroy = executable_destroy,
    .execute = execute,
};

EXPORT const kiln_plugin_api *kiln_plugin_get(uint32_t host_major, uint32_t host_minor) {
  (void)host_minor;
  return host_major == KILN_PLUGIN_ABI_MAJOR ? &api : NULL;
}
