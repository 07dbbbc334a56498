/*===- classify.c - top-k classification with kiln's C API ----------------===*
 *
 *   kiln-classify-c model.kiln input.npy [--top-k N] [--plugin-path DIR]
 *
 * The same program as classify.cpp, written in C99 against kiln_runtime.h
 * alone: it is compiled as C, which keeps the header honest (plain C, no
 * C++ types).
 *
 *===----------------------------------------------------------------------===*/
#include "kiln/kiln_runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(const char *argv0) {
  fprintf(stderr,
          "usage: %s MODEL.kiln INPUT.npy [--top-k N] [--plugin-path DIR]\n"
          "Runs a single-input classifier and prints its N best classes (default 5).\n",
          argv0);
  return 2;
}

static double score_at(const kiln_tensor_t *t, int64_t k) {
  const void *data = kiln_tensor_data_const(t);
  if (kiln_tensor_dtype(t) == KILN_RT_DTYPE_F32)
    return ((const float *)data)[k];
  return ((const double *)data)[k];
}

int main(int argc, char **argv) {
  const char *model_path = NULL, *input_path = NULL;
  const char *plugin_paths[16];
  size_t num_plugin_paths = 0;
  long top_k = 5;
  int i, rc = 1;
  kiln_runtime_options options;
  kiln_runtime_t *runtime = NULL;
  kiln_model_t *model = NULL;
  kiln_session_t *session = NULL;
  kiln_tensor_t *input = NULL;
  kiln_tensor_t **outputs = NULL;
  size_t num_outputs = 0;
  kiln_tensor_info info;

  for (i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--top-k") == 0 && i + 1 < argc) {
      char *end = NULL;
      top_k = strtol(argv[++i], &end, 10);
      if (*end || top_k < 1) {
        fprintf(stderr, "kiln-classify-c: --top-k expects a positive number, got '%s'\n",
                argv[i]);
        return 2;
      }
    } else if (strcmp(argv[i], "--plugin-path") == 0 && i + 1 < argc) {
      if (num_plugin_paths == sizeof plugin_paths / sizeof plugin_paths[0])
        return usage(argv[0]);
      plugin_paths[num_plugin_paths++] = argv[++i];
    } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      usage(argv[0]);
      return 0;
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "kiln-classify-c: unknown option '%s'\n", argv[i]);
      return usage(argv[0]);
    } else if (!model_path) {
      model_path = argv[i];
    } else if (!input_path) {
      input_path = argv[i];
    } else {
      return usage(argv[0]);
    }
  }
  if (!model_path || !input_path)
    return usage(argv[0]);

  if (kiln_runtime_abi_version() != KILN_RUNTIME_ABI_VERSION) {
    fprintf(stderr, "kiln-classify-c: libkiln_runtime has ABI %u, this program expects %u\n",
            (unsigned)kiln_runtime_abi_version(), (unsigned)KILN_RUNTIME_ABI_VERSION);
    return 1;
  }

  kiln_runtime_options_init(&options);
  options.plugin_paths = plugin_paths;
  options.num_plugin_paths = num_plugin_paths;
  if (kiln_runtime_create(&options, &runtime) != KILN_RT_OK ||
      kiln_model_load(runtime, model_path, &model, NULL) != KILN_RT_OK)
    goto error;
  if (kiln_model_num_inputs(model) != 1 || kiln_model_num_outputs(model) == 0) {
    fprintf(stderr, "kiln-classify-c: %s has %zu inputs; a classifier needs exactly one\n",
            model_path, kiln_model_num_inputs(model));
    goto done;
  }
  info.struct_size = sizeof info;
  if (kiln_model_input_info(model, 0, &info) != KILN_RT_OK)
    goto error;

  if (kiln_tensor_read_npy(input_path, &input) != KILN_RT_OK ||
      kiln_session_create(model, &session) != KILN_RT_OK)
    goto error;
  num_outputs = kiln_model_num_outputs(model);
  outputs = (kiln_tensor_t **)calloc(num_outputs, sizeof *outputs);
  if (!outputs) {
    fprintf(stderr, "kiln-classify-c: out of memory\n");
    goto done;
  }
  {
    const char *names[1];
    const kiln_tensor_t *inputs[1];
    names[0] = info.name;
    inputs[0] = input;
    if (kiln_session_run(session, names, inputs, 1, outputs, num_outputs) != KILN_RT_OK)
      goto error;
  }

  {
    /* The first output holds the scores: [classes] or [batch, ..., classes]. */
    const kiln_tensor_t *scores = outputs[0];
    int32_t dtype = kiln_tensor_dtype(scores), rank = kiln_tensor_rank(scores);
    int64_t classes = rank ? kiln_tensor_shape(scores)[rank - 1] : 1;
    int64_t samples = classes ? kiln_tensor_num_elements(scores) / classes : 0;
    int64_t s, k, j, *order;
    if (dtype != KILN_RT_DTYPE_F32 && dtype != KILN_RT_DTYPE_F64) {
      kiln_tensor_info out_info;
      out_info.struct_size = sizeof out_info;
      kiln_model_output_info(model, 0, &out_info);
      fprintf(stderr, "kiln-classify-c: output '%s' is %s; expected f32 or f64 scores\n",
              out_info.name, kiln_dtype_name(dtype));
      goto done;
    }
    order = (int64_t *)malloc((size_t)(classes ? classes : 1) * sizeof *order);
    if (!order) {
      fprintf(stderr, "kiln-classify-c: out of memory\n");
      goto done;
    }
    for (s = 0; s < samples; ++s) {
      const int64_t base = s * classes;
      if (samples > 1)
        printf("sample %lld:\n", (long long)s);
      /* Stable insertion sort by descending score (ties: lower class first). */
      for (j = 0; j < classes; ++j) {
        int64_t c = j, p = j;
        while (p > 0 && score_at(scores, base + order[p - 1]) < score_at(scores, base + c)) {
          order[p] = order[p - 1];
          --p;
        }
        order[p] = c;
      }
      for (k = 0; k < top_k && k < classes; ++k) {
        int64_t c = order[k];
        const char *label = kiln_model_label(model, (size_t)c);
        printf("top%lld: class %lld", (long long)(k + 1), (long long)c);
        if (label)
          printf(" (%s)", label);
        printf(" score %.6g\n", score_at(scores, base + c));
      }
    }
    free(order);
  }
  rc = 0;
  goto done;

error:
  fprintf(stderr, "kiln-classify-c: %s\n", kiln_last_error());
done:
  if (outputs) {
    size_t o;
    for (o = 0; o < num_outputs; ++o)
      kiln_tensor_free(outputs[o]);
    free(outputs);
  }
  kiln_tensor_free(input);
  kiln_session_destroy(session);
  kiln_model_destroy(model);
  kiln_runtime_destroy(runtime);
  return rc;
}
