/*===- kiln_plugin.h - kiln's backend plugin ABI ------------------*- C -*-===*
 *
 * The contract between kiln's runtime (the host) and a backend plugin (a
 * shared library). Self-contained plain C: no C++ types, no MLIR, no other
 * header than <stddef.h> and <stdint.h>.
 *
 * A plugin exports one symbol, KILN_PLUGIN_ENTRY_SYMBOL ("kiln_plugin_get"):
 *
 *   const kiln_plugin_api *kiln_plugin_get(uint32_t host_abi_major,
 *                                          uint32_t host_abi_minor);
 *
 * It returns its function table, or NULL if it cannot serve a host of that
 * ABI major version. The host refuses a table whose abi_major differs from
 * its own.
 *
 * Compatibility (the struct_size rule): every struct that crosses the
 * boundary starts with `size_t struct_size`, set by whoever fills the struct
 * to sizeof() of the version it was compiled against. Minor versions only
 * append fields at the end. A reader uses a field only when struct_size
 * covers it (KILN_HAS_FIELD), so an old plugin works with a new host and a
 * new plugin with an old host, as long as the features used exist on both.
 *
 * Lifecycle:
 *   api->create(options) -> plugin instance (kiln_plugin)
 *   api->query(instance, graph, ...)   which nodes can you run, at what cost
 *   api->compile(instance, graph, partition, ...) -> kiln_executable
 *   api->execute(executable, inputs, outputs, stream)   (maybe asynchronous)
 *   api->stream_synchronize(instance, stream)
 *   api->serialize / api->deserialize   (optional: AOT partitions in artifacts)
 *   api->executable_destroy, api->destroy
 * Errors: functions return a kiln_status; the message of the last error on
 * an instance is api->last_error(instance), owned by the plugin and valid
 * until the next call on that instance. last_error(NULL) must be safe and
 * gives the reason of the last failed create (or "").
 *
 *===----------------------------------------------------------------------===*/
#ifndef KILN_PLUGIN_H
#define KILN_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KILN_PLUGIN_ABI_MAJOR 1u
#define KILN_PLUGIN_ABI_MINOR 4u
#define KILN_PLUGIN_ENTRY_SYMBOL "kiln_plugin_get"

/* True when a struct filled by the other side contains `field`. */
#define KILN_HAS_FIELD(ptr, type, field)                                       \
  ((ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

typedef enum kiln_status {
  KILN_OK = 0,
  KILN_ERROR_INVALID_ARGUMENT = 1, /* malformed graph, bad shapes/attributes */
  KILN_ERROR_UNSUPPORTED = 2,      /* op, dtype or feature not supported */
  KILN_ERROR_OUT_OF_MEMORY = 3,
  KILN_ERROR_DEVICE = 4,           /* device or driver failure */
  KILN_ERROR_CORRUPT = 5,          /* a serialized executable is damaged */
  KILN_ERROR_INTERNAL = 6
} kiln_status;

/* Element types use ONNX's TensorProto numbering. */
typedef enum kiln_dtype {
  KILN_DTYPE_UNDEFINED = 0,
  KILN_DTYPE_F32 = 1,
  KILN_DTYPE_U8 = 2,
  KILN_DTYPE_I8 = 3,
  KILN_DTYPE_U16 = 4,
  KILN_DTYPE_I16 = 5,
  KILN_DTYPE_I32 = 6,
  KILN_DTYPE_I64 = 7,
  KILN_DTYPE_BOOL = 9, /* one byte per element, 0 or 1 */
  KILN_DTYPE_F16 = 10,
  KILN_DTYPE_F64 = 11,
  KILN_DTYPE_U32 = 12,
  KILN_DTYPE_U64 = 13,
  KILN_DTYPE_BF16 = 16
} kiln_dtype;

typedef enum kiln_memory_space {
  KILN_MEMORY_HOST = 0,   /* ordinary host memory: no copies needed */
  KILN_MEMORY_DEVICE = 1  /* plugin-owned memory: the host copies through
                             the plugin's memory functions */
} kiln_memory_space;

#define KILN_DIM_DYNAMIC (-1)

/*--- The graph a plugin sees -----------------------------------------------*/

typedef enum kiln_attr_kind {
  KILN_ATTR_INT = 1,
  KILN_ATTR_FLOAT = 2,
  KILN_ATTR_STRING = 3,
  KILN_ATTR_INTS = 4,
  KILN_ATTR_FLOATS = 5,
  KILN_ATTR_DTYPE = 6,  /* `i` holds a kiln_dtype */
  KILN_ATTR_TENSOR = 7  /* a small constant: `tensor` */
} kiln_attr_kind;

typedef struct kiln_tensor_desc {
  size_t struct_size;
  int32_t dtype;        /* kiln_dtype */
  int32_t rank;
  const int64_t *shape; /* rank entries; KILN_DIM_DYNAMIC when unknown */
} kiln_tensor_desc;

typedef struct kiln_attr {
  size_t struct_size;
  const char *name;
  int32_t kind;             /* kiln_attr_kind */
  int64_t i;                /* INT, DTYPE */
  double f;                 /* FLOAT */
  const char *s;            /* STRING (NUL-terminated) */
  const int64_t *ints;      /* INTS */
  const double *floats;     /* FLOATS */
  int64_t count;            /* INTS, FLOATS */
  kiln_tensor_desc tensor;  /* TENSOR: its type ... */
  const void *tensor_data;  /* ... and its bytes */
} kiln_attr;

typedef struct kiln_value {
  size_t struct_size;
  const char *name;
  kiln_tensor_desc type;
  /* Constants (weights): the bytes, in host memory, 64-byte aligned when
     they come from an artifact; NULL for computed values. */
  const void *constant_data;
  uint64_t constant_size;
} kiln_value;

typedef struct kiln_node {
  size_t struct_size;
  const char *op;        /* kiln op name without "kiln.", e.g. "conv" */
  const char *name;      /* the model's node name, for messages */
  const int32_t *inputs; /* value indices; -1 for an absent optional input */
  int32_t num_inputs;
  const int32_t *outputs;
  int32_t num_outputs;
  const kiln_attr *attrs;
  int32_t num_attrs;
} kiln_node;

typedef struct kiln_graph {
  size_t struct_size;
  const kiln_value *values;
  int32_t num_values;
  const kiln_node *nodes; /* in a valid execution order */
  int32_t num_nodes;
} kiln_graph;

/* A partition: the nodes a plugin is asked to compile, with the values that
   enter it (computed elsewhere or graph inputs) and leave it. Constants used
   by the partition's nodes need not be listed as inputs. */
typedef struct kiln_partition {
  size_t struct_size;
  const int32_t *nodes;
  int32_t num_nodes;
  const int32_t *inputs;
  int32_t num_inputs;
  const int32_t *outputs;
  int32_t num_outputs;
} kiln_partition;

/*--- Execution ---------------------------------------------------------------*/

/* A tensor in the plugin's memory space. */
typedef struct kiln_buffer {
  size_t struct_size;
  void *data;
  uint64_t size;      /* bytes */
  kiln_tensor_desc type;
} kiln_buffer;

/* Output allocation for outputs whose shape is only known while running:
   the plugin calls allocate(user, bytes, &data) in its own memory space. */
typedef struct kiln_allocator {
  size_t struct_size;
  void *user;
  kiln_status (*allocate)(void *user, uint64_t bytes, uint64_t alignment, void **data);
} kiln_allocator;

/* A stream orders work on a plugin; execute may return before the work is
   done, stream_synchronize waits for it. Host-synchronous plugins return
   completed work and a no-op synchronize. NULL is the plugin's default
   stream. */
typedef struct kiln_stream_t *kiln_stream;

typedef struct kiln_plugin_t *kiln_plugin;        /* a plugin instance */
typedef struct kiln_executable_t *kiln_executable; /* a compiled partition */

typedef struct kiln_plugin_options {
  size_t struct_size;
  int32_t num_threads;  /* 0: the plugin's choice */
  int32_t device_index; /* device plugins */
} kiln_plugin_options;

/* ABI 1.1: memory use of an executable, as of its last run. */
typedef struct kiln_executable_stats {
  size_t struct_size;
  uint64_t arena_bytes;        /* planned arena for intermediates */
  uint64_t intermediate_bytes; /* the sum of all intermediates' sizes */
  uint64_t num_intermediates;
  uint64_t plans_cached;       /* distinct input shapes planned so far */
  /* ABI 1.3 (a host reads these only when the returned struct_size covers
     them, see KILN_HAS_FIELD): */
  uint64_t layout_reorders;    /* layout conversions per run in the last
                                  run's plan (e.g. blocked <-> plain) */
  uint64_t portable_nodes;     /* nodes of that plan on the plugin's portable
                                  fallback kernels instead of its own fast path */
  uint64_t weight_reorders;    /* constants repacked at run time so far
                                  (0 when an AOT blob supplied them) */
  /* ABI 1.4: */
  uint64_t batch_slices;       /* threads the last run's plan split dim 0
                                  across, each running its share with
                                  one-thread kernels (0: not split; 1:
                                  one thread, image by image) */
} kiln_executable_stats;

/* ABI 1.2: per-node timing of an executable (`kiln bench --per-op`). One
   entry per node, or per piece of work that belongs to no node (node = -1,
   e.g. a layout conversion between two nodes). Times are wall-clock
   nanoseconds summed over the runs since profiling was switched on. */
typedef struct kiln_profile_entry {
  size_t struct_size;
  int32_t node;       /* graph node index, or -1 */
  const char *kernel; /* what ran it, e.g. "onednn:jit:avx2", "reference",
                         "reorder"; plugin-owned */
  uint64_t calls;     /* times it ran */
  uint64_t total_ns;
} kiln_profile_entry;

typedef enum kiln_profile_mode {
  KILN_PROFILE_OFF = 0,  /* stop timing (the default) */
  KILN_PROFILE_ON = 1,   /* clear the entries and time every run from now on */
  KILN_PROFILE_READ = 2  /* return the entries */
} kiln_profile_mode;

typedef struct kiln_plugin_api {
  size_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  const char *name;        /* e.g. "reference", "cpu", "cuda" */
  const char *version;     /* the plugin's own version */
  const char *device_kind; /* "cpu", "cuda", ... */
  int32_t memory_space;    /* kiln_memory_space */
  int32_t priority;        /* default partitioning priority: higher first */

  kiln_status (*create)(const kiln_plugin_options *options, kiln_plugin *out);
  void (*destroy)(kiln_plugin plugin);
  const char *(*last_error)(kiln_plugin plugin);

  /* Phase 1: for each node of the graph, supported[i] = 1 if the plugin can
     run it, and cost[i] an estimate (arbitrary units, lower is better). */
  kiln_status (*query)(kiln_plugin plugin, const kiln_graph *graph, int32_t *supported,
                       float *cost);
  /* Phase 2: compile a partition into an executable the plugin owns. */
  kiln_status (*compile)(kiln_plugin plugin, const kiln_graph *graph,
                         const kiln_partition *partition, kiln_executable *out);
  void (*executable_destroy)(kiln_plugin plugin, kiln_executable executable);

  /* Runs a compiled partition. inputs/outputs follow the partition's order.
     An output whose data is NULL is allocated through `allocator` with the
     shape the plugin computes (written to outputs[i].type.shape, which the
     host points at rank writable int64s). */
  kiln_status (*execute)(kiln_plugin plugin, kiln_executable executable,
                         const kiln_buffer *inputs, int32_t num_inputs, kiln_buffer *outputs,
                         int32_t num_outputs, const kiln_allocator *allocator,
                         kiln_stream stream);

  /* Streams (NULL functions: the plugin is synchronous). */
  kiln_status (*stream_create)(kiln_plugin plugin, kiln_stream *out);
  void (*stream_destroy)(kiln_plugin plugin, kiln_stream stream);
  kiln_status (*stream_synchronize)(kiln_plugin plugin, kiln_stream stream);

  /* Memory of a DEVICE plugin (NULL for HOST plugins). Copies issued on
     the NULL stream are complete when they return; on another stream they
     are ordered on it. memory_free may be called while work that uses the
     block is still queued: the plugin must wait or defer the release. */
  kiln_status (*memory_allocate)(kiln_plugin plugin, uint64_t bytes, void **out);
  void (*memory_free)(kiln_plugin plugin, void *data);
  kiln_status (*memory_copy_to_device)(kiln_plugin plugin, void *dst, const void *src,
                                       uint64_t bytes, kiln_stream stream);
  kiln_status (*memory_copy_to_host)(kiln_plugin plugin, void *dst, const void *src,
                                     uint64_t bytes, kiln_stream stream);

  /* Optional AOT: serialize a compiled partition into plugin-owned bytes
     (valid until the next call) and rebuild it at load time. */
  kiln_status (*serialize)(kiln_plugin plugin, kiln_executable executable,
                           const void **data, uint64_t *size);
  kiln_status (*deserialize)(kiln_plugin plugin, const kiln_graph *graph,
                             const kiln_partition *partition, const void *data,
                             uint64_t size, kiln_executable *out);

  /* --- ABI 1.1 ------------------------------------------------------------
     Optional: memory statistics of an executable (NULL: not reported). */
  kiln_status (*executable_stats)(kiln_plugin plugin, kiln_executable executable,
                                  kiln_executable_stats *stats);

  /* --- ABI 1.2 ------------------------------------------------------------
     Optional: per-node timing (NULL: not supported). `mode` is a
     kiln_profile_mode; for KILN_PROFILE_READ, *entries (plugin-owned, valid
     until the next call on the executable) and *count receive the entries,
     and the other modes may pass NULL for both. Timing may add a little
     overhead to every run while it is on. */
  kiln_status (*executable_profile)(kiln_plugin plugin, kiln_executable executable, int32_t mode,
                                    const kiln_profile_entry **entries, int32_t *count);
} kiln_plugin_api;

typedef const kiln_plugin_api *(*kiln_plugin_get_fn)(uint32_t host_abi_major,
                                                     uint32_t host_abi_minor);

#ifdef __cplusplus
}
#endif

#endif /* KILN_PLUGIN_H */
