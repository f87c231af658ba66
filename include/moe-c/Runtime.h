/*===- moe-c/Runtime.h - the runtime from C ------------------------*- C
-*-===*\
|*                                                                            *|
|* Load a compiled model (.moeb), run it step by step with dynamic expert     *|
|* re-dispatch, read the per-step report. No MLIR is linked: the library is   *|
|* MoERuntime (with MoECostModel and the system's libdl).                     *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef MOE_C_RUNTIME_H
#define MOE_C_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct MoeSession MoeSession;

/* A dense row-major f32 tensor. Outputs of moeSessionRun are allocated by
 * the runtime and released with moeTensorRelease. */
typedef struct {
  float *data;
  int64_t shape[8];
  int32_t rank;
} MoeTensor;

/* Loads an artifact. `policy` may be NULL (the artifact's default). On
 * failure returns NULL and writes a message into `error` (truncated to
 * `errorSize`). */
MoeSession *moeSessionCreate(const char *artifactPath, const char *policy,
                             char *error, size_t errorSize);
void moeSessionDestroy(MoeSession *session);

/* The entry's inputs and outputs, in order. */
int32_t moeSessionNumInputs(const MoeSession *session);
int32_t moeSessionNumOutputs(const MoeSession *session);
const char *moeSessionInputName(const MoeSession *session, int32_t index);
const char *moeSessionOutputName(const MoeSession *session, int32_t index);

/* Changes the placement policy for the next steps; 0 on success. */
int32_t moeSessionSetPolicy(MoeSession *session, const char *policy,
                            char *error, size_t errorSize);

/* One step. `outputs` must have room for moeSessionNumOutputs tensors.
 * Returns 0 on success. */
int32_t moeSessionRun(MoeSession *session, const MoeTensor *inputs,
                      int32_t numInputs, MoeTensor *outputs, char *error,
                      size_t errorSize);
void moeTensorRelease(MoeTensor *tensor);

/* The report of every step so far, as JSON (valid until the next call). */
const char *moeSessionReport(MoeSession *session);

#ifdef __cplusplus
}
#endif

#endif /* MOE_C_RUNTIME_H */
