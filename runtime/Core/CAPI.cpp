//===- CAPI.cpp - the runtime's C API -------------------------------------===//

#include "moe-c/Runtime.h"

#include "moe/Runtime/Report.h"
#include "moe/Runtime/Session.h"

#include <cstdlib>
#include <cstring>

struct MoeSession {
  std::unique_ptr<moe::runtime::Session> session;
  std::string report;
};

namespace {
void copyError(const std::string &message, char *error, size_t errorSize) {
  if (!error || errorSize == 0)
    return;
  std::strncpy(error, message.c_str(), errorSize - 1);
  error[errorSize - 1] = '\0';
}
} // namespace

MoeSession *moeSessionCreate(const char *artifactPath, const char *policy,
                             char *error, size_t errorSize) {
  std::string message;
  std::optional<moe::runtime::Artifact> artifact =
      moe::runtime::loadArtifact(artifactPath ? artifactPath : "", message);
  if (!artifact) {
    copyError(message, error, errorSize);
    return nullptr;
  }
  moe::runtime::SessionOptions options;
  if (policy)
    options.policy = policy;
  auto session = moe::runtime::Session::create(*artifact, options, message);
  if (!session) {
    copyError(message, error, errorSize);
    return nullptr;
  }
  return new MoeSession{std::move(session), {}};
}

void moeSessionDestroy(MoeSession *session) { delete session; }

int32_t moeSessionNumInputs(const MoeSession *session) {
  return static_cast<int32_t>(session->session->manifest().inputs.size());
}
int32_t moeSessionNumOutputs(const MoeSession *session) {
  return static_cast<int32_t>(session->session->manifest().outputs.size());
}
const char *moeSessionInputName(const MoeSession *session, int32_t index) {
  const auto &inputs = session->session->manifest().inputs;
  return index >= 0 && index < static_cast<int32_t>(inputs.size())
             ? inputs[index].name.c_str()
             : nullptr;
}
const char *moeSessionOutputName(const MoeSession *session, int32_t index) {
  const auto &outputs = session->session->manifest().outputs;
  return index >= 0 && index < static_cast<int32_t>(outputs.size())
             ? outputs[index].name.c_str()
             : nullptr;
}

int32_t moeSessionSetPolicy(MoeSession *session, const char *policy,
                            char *error, size_t errorSize) {
  std::string message;
  if (session->session->setPolicy(policy ? policy : "", message))
    return 0;
  copyError(message, error, errorSize);
  return 1;
}

int32_t moeSessionRun(MoeSession *session, const MoeTensor *inputs,
                      int32_t numInputs, MoeTensor *outputs, char *error,
                      size_t errorSize) {
  std::vector<moe::runtime::HostTensor> in;
  for (int32_t i = 0; i < numInputs; ++i) {
    if (inputs[i].rank < 0 || inputs[i].rank > 8) {
      copyError("input " + std::to_string(i) + " has rank " +
                    std::to_string(inputs[i].rank) + "; at most 8",
                error, errorSize);
      return 1;
    }
    moe::runtime::HostTensor tensor;
    tensor.shape.assign(inputs[i].shape, inputs[i].shape + inputs[i].rank);
    tensor.data.assign(inputs[i].data, inputs[i].data + tensor.elements());
    in.push_back(std::move(tensor));
  }
  std::vector<moe::runtime::HostTensor> out;
  std::string message;
  if (!session->session->run(in, out, message)) {
    copyError(message, error, errorSize);
    return 1;
  }
  for (size_t i = 0; i < out.size(); ++i) {
    MoeTensor &tensor = outputs[i];
    tensor.rank = static_cast<int32_t>(out[i].shape.size());
    for (int32_t d = 0; d < tensor.rank && d < 8; ++d)
      tensor.shape[d] = out[i].shape[d];
    tensor.data = static_cast<float *>(
        std::malloc(std::max<size_t>(1, out[i].data.size()) * sizeof(float)));
    std::memcpy(tensor.data, out[i].data.data(),
                out[i].data.size() * sizeof(float));
  }
  return 0;
}

void moeTensorRelease(MoeTensor *tensor) {
  std::free(tensor->data);
  tensor->data = nullptr;
}

const char *moeSessionReport(MoeSession *session) {
  session->report = moe::runtime::reportJson(*session->session);
  return session->report.c_str();
}
