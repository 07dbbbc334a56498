/*===- kiln_runtime.h - kiln's C runtime API ----------------------*- C -*-===*
 *
 * A plain C interface to kiln's runtime, for embedding kiln from C and from
 * other languages (Python ctypes/cffi, Rust, Go, C#, Java FFM, ...).
 * Self-contained: no C++ types, no other kiln header, only <stddef.h> and
 * <stdint.h>. The implementation lives in libkiln_runtime.so (no MLIR).
 *
 *   kiln_runtime_t *rt;  kiln_model_t *model;  kiln_session_t *session;
 *   kiln_runtime_create(NULL, &rt);                  // NULL: default options
 *   if (kiln_model_load(rt, "model.kiln", &model, NULL) != KILN_RT_OK)
 *     fprintf(stderr, "%s\n", kiln_last_error());
 *   kiln_session_create(model, &session);
 *
 *   int64_t shape[4] = {1, 1, 28, 28};
 *   kiln_tensor_t *x;                                 // no copy: kiln reads
 *   kiln_tensor_wrap(KILN_RT_DTYPE_F32, shape, 4,     // `pixels` in place
 *                    pixels, sizeof pixels, &x);
 *   const char *names[1] = {"input"};
 *   const kiln_tensor_t *inputs[1] = {x};
 *   kiln_tensor_t *outputs[1];                        // owned by the caller
 *   kiln_session_run(session, names, inputs, 1, outputs, 1);
 *   const float *logits = (const float *)kiln_tensor_data(outputs[0]);
 *   ...
 *   kiln_tensor_free(outputs[0]);  kiln_tensor_free(x);
 *   kiln_session_destroy(session); kiln_model_destroy(model);
 *   kiln_runtime_destroy(rt);
 *
 * Errors: every function that can fail returns a kiln_runtime_status. The
 * message of the last failure on the calling thread is kiln_last_error()
 * (thread-local; a successful call leaves it unchanged, like errno). Output
 * parameters are set to NULL/0 when a call fails. Passing NULL where a
 * handle or pointer is required gives KILN_RT_ERROR_INVALID_ARGUMENT, never
 * a crash. No C++ exception ever crosses this interface.
 *
 * Lifetimes: handles are reference-counted internally, so they may be
 * destroyed in any order: a model keeps its runtime alive, a session and
 * the tensors a model produced keep their model alive. Strings and arrays
 * returned by accessors (names, shapes, labels) live as long as the handle
 * they came from. Every *_destroy / kiln_tensor_free accepts NULL.
 *
 * Threads: kiln_last_error() is per thread. Do not call kiln_session_run on
 * the same session from two threads at once; use one session per thread.
 *
 * Compatibility: structs passed in start with `size_t struct_size` (set it
 * to sizeof() of the struct you compiled against, or use the *_init
 * functions). Minor versions only append fields at the end and only add
 * functions; an incompatible change bumps KILN_RUNTIME_ABI_VERSION. Check
 * kiln_runtime_abi_version() == KILN_RUNTIME_ABI_VERSION at start-up.
 *
 *===----------------------------------------------------------------------===*/
#ifndef KILN_RUNTIME_C_H
#define KILN_RUNTIME_C_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#if defined(KILN_RUNTIME_BUILDING)
#define KILN_RT_API __declspec(dllexport)
#else
#define KILN_RT_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define KILN_RT_API __attribute__((visibility("default")))
#else
#define KILN_RT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on every incompatible change to this header. */
#define KILN_RUNTIME_ABI_VERSION 1u

typedef enum kiln_runtime_status {
  KILN_RT_OK = 0,
  KILN_RT_ERROR_INVALID_ARGUMENT = 1, /* NULL/bad argument; unknown or missing
                                         input name; wrong input dtype/shape */
  KILN_RT_ERROR_NOT_FOUND = 2,        /* the artifact file does not exist */
  KILN_RT_ERROR_LOAD = 3,             /* the artifact cannot be read, is not
                                         valid, or a partition's plugin is
                                         missing or failed to compile it */
  KILN_RT_ERROR_EXECUTION = 4,        /* a plugin failed while running */
  KILN_RT_ERROR_OUT_OF_MEMORY = 5,
  KILN_RT_ERROR_INTERNAL = 6
} kiln_runtime_status;

/* Element types: ONNX's TensorProto numbering, the same values as
 * kiln_dtype in kiln_plugin.h. */
typedef enum kiln_runtime_dtype {
  KILN_RT_DTYPE_UNDEFINED = 0,
  KILN_RT_DTYPE_F32 = 1,
  KILN_RT_DTYPE_U8 = 2,
  KILN_RT_DTYPE_I8 = 3,
  KILN_RT_DTYPE_U16 = 4,
  KILN_RT_DTYPE_I16 = 5,
  KILN_RT_DTYPE_I32 = 6,
  KILN_RT_DTYPE_I64 = 7,
  KILN_RT_DTYPE_BOOL = 9, /* one byte per element, 0 or 1 */
  KILN_RT_DTYPE_F16 = 10,
  KILN_RT_DTYPE_F64 = 11,
  KILN_RT_DTYPE_U32 = 12,
  KILN_RT_DTYPE_U64 = 13,
  KILN_RT_DTYPE_BF16 = 16
} kiln_runtime_dtype;

/* A dimension whose size is only known at run time (in kiln_tensor_info). */
#define KILN_RT_DIM_DYNAMIC (-1)

/* Opaque handles. */
typedef struct kiln_runtime kiln_runtime_t;
typedef struct kiln_model kiln_model_t;
typedef struct kiln_session kiln_session_t;
typedef struct kiln_tensor kiln_tensor_t;

/*--- Version and errors ----------------------------------------------------*/

/* kiln's version, e.g. "0.1.0". Static storage. */
KILN_RT_API const char *kiln_version(void);
/* The KILN_RUNTIME_ABI_VERSION the library was built with. */
KILN_RT_API uint32_t kiln_runtime_abi_version(void);
/* The message of the last failed call on this thread ("" if none). Valid
 * until the next failing call on this thread. Never NULL. */
KILN_RT_API const char *kiln_last_error(void);
/* "KILN_RT_OK", "KILN_RT_ERROR_INVALID_ARGUMENT", ... Static storage. */
KILN_RT_API const char *kiln_status_string(kiln_runtime_status status);
/* "f32", "i64", ... ("unknown" when unknown) and bytes per element (0 when
 * unknown). */
KILN_RT_API const char *kiln_dtype_name(int32_t dtype);
KILN_RT_API size_t kiln_dtype_size(int32_t dtype);

/*--- Runtime ----------------------------------------------------------------*/

typedef struct kiln_runtime_options {
  size_t struct_size;              /* sizeof(kiln_runtime_options) */
  const char *const *plugin_paths; /* directories searched for plugins before
                                      KILN_PLUGIN_PATH and the install dir */
  size_t num_plugin_paths;
  int32_t num_threads;             /* 0: the plugins' choice */
} kiln_runtime_options;

/* Zeroes `options` and sets struct_size. */
KILN_RT_API void kiln_runtime_options_init(kiln_runtime_options *options);

/* A runtime: the plugin host. `options` may be NULL (defaults). */
KILN_RT_API kiln_runtime_status kiln_runtime_create(const kiln_runtime_options *options,
                                                    kiln_runtime_t **runtime);
KILN_RT_API void kiln_runtime_destroy(kiln_runtime_t *runtime);

/*--- Model ------------------------------------------------------------------*/

typedef struct kiln_model_load_options {
  size_t struct_size;     /* sizeof(kiln_model_load_options) */
  int32_t verify_weights; /* nonzero: check every weight's checksum at load */
} kiln_model_load_options;

KILN_RT_API void kiln_model_load_options_init(kiln_model_load_options *options);

/* Maps and verifies the .kiln artifact at `path` and compiles its partitions
 * on their plugins. `options` may be NULL. On failure the message names the
 * file: KILN_RT_ERROR_NOT_FOUND when it does not exist, KILN_RT_ERROR_LOAD
 * otherwise. */
KILN_RT_API kiln_runtime_status kiln_model_load(kiln_runtime_t *runtime, const char *path,
                                                kiln_model_t **model,
                                                const kiln_model_load_options *options);
KILN_RT_API void kiln_model_destroy(kiln_model_t *model);

/* Number of graph inputs / outputs (0 for NULL). */
KILN_RT_API size_t kiln_model_num_inputs(const kiln_model_t *model);
KILN_RT_API size_t kiln_model_num_outputs(const kiln_model_t *model);

/* A graph input's or output's signature. Pointers live as long as the model. */
typedef struct kiln_tensor_info {
  size_t struct_size;            /* set by the caller: sizeof(kiln_tensor_info) */
  const char *name;
  int32_t dtype;                 /* kiln_runtime_dtype */
  int32_t rank;
  const int64_t *shape;          /* rank entries; KILN_RT_DIM_DYNAMIC if unknown */
  const char *const *dim_names;  /* rank entries; "" for an unnamed dim */
} kiln_tensor_info;

/* Fills `info` (the fields its struct_size covers) for input/output `index`
 * (0-based, in the model's order). */
KILN_RT_API kiln_runtime_status kiln_model_input_info(const kiln_model_t *model, size_t index,
                                                      kiln_tensor_info *info);
KILN_RT_API kiln_runtime_status kiln_model_output_info(const kiln_model_t *model, size_t index,
                                                       kiln_tensor_info *info);

/* The class labels stored in the artifact (kiln compile --labels): their
 * number, and label `index` (NULL when out of range). */
KILN_RT_API size_t kiln_model_num_labels(const kiln_model_t *model);
KILN_RT_API const char *kiln_model_label(const kiln_model_t *model, size_t index);

/* The artifact's metadata properties (kiln compile --metadata KEY=VALUE),
 * plus "model_version", "producer", "source_name" and "kiln_version" when
 * set. The value for `key`, or NULL when absent. */
KILN_RT_API const char *kiln_model_metadata(const kiln_model_t *model, const char *key);

/*--- Session ----------------------------------------------------------------*/

KILN_RT_API kiln_runtime_status kiln_session_create(kiln_model_t *model,
                                                    kiln_session_t **session);
KILN_RT_API void kiln_session_destroy(kiln_session_t *session);

/* Runs the model. Inputs by name: `input_names[i]` is bound to `inputs[i]`,
 * i < num_inputs; every model input must be given exactly once, with the
 * model's dtype and a shape matching its signature (any size for a dynamic
 * dim). Inputs are read in place (wrapped memory is not copied on the host
 * and never written). `num_outputs` must equal kiln_model_num_outputs; on
 * success outputs[i] is a new tensor owned by the caller (kiln_tensor_free),
 * in the model's output order; on failure every outputs[i] is NULL. */
KILN_RT_API kiln_runtime_status kiln_session_run(kiln_session_t *session,
                                                 const char *const *input_names,
                                                 const kiln_tensor_t *const *inputs,
                                                 size_t num_inputs, kiln_tensor_t **outputs,
                                                 size_t num_outputs);

/*--- Tensors ----------------------------------------------------------------*/

/* A tensor over caller-owned memory, WITHOUT a copy: kiln uses `data` as
 * given, so it must stay valid (and unchanged while a run reads it) until
 * the tensor is freed. `byte_size` is the size of the buffer and must cover
 * the shape (product of dims x dtype size). `shape` is copied; all dims must
 * be >= 0; rank 0 is a scalar (`shape` may then be NULL). */
KILN_RT_API kiln_runtime_status kiln_tensor_wrap(int32_t dtype, const int64_t *shape,
                                                 int32_t rank, void *data, size_t byte_size,
                                                 kiln_tensor_t **tensor);
/* A tensor whose memory kiln allocates (64-byte aligned, uninitialized);
 * fill it through kiln_tensor_data. */
KILN_RT_API kiln_runtime_status kiln_tensor_create(int32_t dtype, const int64_t *shape,
                                                   int32_t rank, kiln_tensor_t **tensor);
/* Reads a NumPy .npy file (little-endian, C order) into a new tensor. */
KILN_RT_API kiln_runtime_status kiln_tensor_read_npy(const char *path, kiln_tensor_t **tensor);
/* Frees the tensor (not wrapped user memory). NULL is ignored. */
KILN_RT_API void kiln_tensor_free(kiln_tensor_t *tensor);

/* Accessors; 0/NULL for a NULL tensor. The shape lives as long as the tensor. */
KILN_RT_API int32_t kiln_tensor_dtype(const kiln_tensor_t *tensor);
KILN_RT_API int32_t kiln_tensor_rank(const kiln_tensor_t *tensor);
KILN_RT_API const int64_t *kiln_tensor_shape(const kiln_tensor_t *tensor);
KILN_RT_API int64_t kiln_tensor_num_elements(const kiln_tensor_t *tensor);
KILN_RT_API size_t kiln_tensor_byte_size(const kiln_tensor_t *tensor);
/* The element bytes (C order). For a wrapped tensor: the caller's pointer. */
KILN_RT_API void *kiln_tensor_data(kiln_tensor_t *tensor);
KILN_RT_API const void *kiln_tensor_data_const(const kiln_tensor_t *tensor);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_RUNTIME_C_H */
