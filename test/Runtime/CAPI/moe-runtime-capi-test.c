/* A C client of the runtime: loads the artifact given on the command line,
 * runs it on fixed inputs under two policies, and prints the outputs' shape
 * and first values and whether both policies agree. */

#include "moe-c/Runtime.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  char error[512];
  if (argc != 2) {
    fprintf(stderr, "usage: moe-runtime-capi-test MODEL.moeb\n");
    return 2;
  }
  MoeSession *session =
      moeSessionCreate(argv[1], "all-pim", error, sizeof error);
  if (!session) {
    printf("error: %s\n", error);
    return 1;
  }
  printf("inputs: %d (%s, %s), outputs: %d (%s)\n",
         moeSessionNumInputs(session), moeSessionInputName(session, 0),
         moeSessionInputName(session, 1), moeSessionNumOutputs(session),
         moeSessionOutputName(session, 0));
  enum { T = 3, H = 8, E = 4 };
  float tokens[T * H], logits[T * E];
  for (int i = 0; i < T * H; ++i)
    tokens[i] = (float)((i * 7) % 11) / 11.0f - 0.5f;
  for (int i = 0; i < T * E; ++i)
    logits[i] = (float)((i * 5) % 13) / 4.0f;
  MoeTensor inputs[2] = {{tokens, {T, H}, 2}, {logits, {T, E}, 2}};
  MoeTensor first, second;
  if (moeSessionRun(session, inputs, 2, &first, error, sizeof error)) {
    printf("error: %s\n", error);
    return 1;
  }
  if (moeSessionSetPolicy(session, "all-gpu", error, sizeof error) ||
      moeSessionRun(session, inputs, 2, &second, error, sizeof error)) {
    printf("error: %s\n", error);
    return 1;
  }
  printf("output: rank %d, shape [%lld, %lld]\n", first.rank,
         (long long)first.shape[0], (long long)first.shape[1]);
  printf("policies agree: %s\n",
         memcmp(first.data, second.data, sizeof(float) * T * H) == 0 ? "yes"
                                                                     : "no");
  printf("report mentions all-gpu: %s\n",
         strstr(moeSessionReport(session), "\"policy\": \"all-gpu\"") ? "yes"
                                                                      : "no");
  moeTensorRelease(&first);
  /* Wrong input shape: an error, not a crash. */
  MoeTensor bad[2] = {{tokens, {T, H - 1}, 2}, {logits, {T, E}, 2}};
  if (moeSessionRun(session, bad, 2, &first, error, sizeof error))
    printf("bad shape: %s\n", error);
  moeTensorRelease(&second);
  moeSessionDestroy(session);
  return 0;
}
