# -*- Python -*-
# lit configuration of the moe-mlir test suite.

import os
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "MOE"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".c"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.moe_obj_root, "test")
config.excludes = ["lib", "CMakeLists.txt", "README.md", "lit.cfg.py",
                   "lit.site.cfg.py", "Inputs"]

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.moe_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(
    ["moe-opt", "moe-translate", "moe-run", "mlir-opt", "mlir-runner",
     "moe-capi-test", "moe-runtime-capi-test", "pim-sim", "moe-gpu-bench", "moe-fuzz-replay", "moe-runtime-stress"],
    tool_dirs)

# Numerics: the runtime prints memrefs, a numpy reference checks them.
runner_libs = ",".join(
    os.path.join(config.llvm_lib_dir, lib)
    for lib in ["libmlir_runner_utils.so", "libmlir_c_runner_utils.so"])
# stdbuf: a failed cf.assert prints its message with puts() and aborts, which
# would lose the message in a fully buffered pipe.
config.substitutions.append(
    ("%host_runner",
     "stdbuf -oL mlir-runner -e main -entry-point-result=void -shared-libs="
     + runner_libs))
config.substitutions.append(("%python", config.python3))
config.substitutions.append(
    ("%moe_check", config.python3 + " " +
     os.path.join(config.moe_src_root, "test", "lib", "check_numerics.py")))
config.substitutions.append(("%moe_src_root", config.moe_src_root))
config.substitutions.append(("%cmake_generator", config.cmake_generator))
config.substitutions.append(("%cmake", config.cmake_command))
config.substitutions.append(("%cxx", config.cxx_compiler))
config.substitutions.append(("%moe_obj_root", config.moe_obj_root))
config.substitutions.append(("%moe_tools_dir", config.moe_tools_dir))

# numpy is needed by every numeric test, python3-onnx by the importer tests
# that generate their models.
if os.system(config.python3 + " -c 'import numpy' 2>/dev/null") == 0:
    config.available_features.add("numpy")
if os.system(config.python3 + " -c 'import onnx' 2>/dev/null") == 0:
    config.available_features.add("onnx")
# ONNX Runtime (scripts/install-ort.sh, run by scripts/test.sh) is the outside
# reference of the importer; without npm its comparisons are UNSUPPORTED.
ort_dir = os.path.join(config.moe_obj_root, "ort")
if os.path.isdir(os.path.join(ort_dir, "node_modules", "onnxruntime-node")) \
        and shutil.which("node"):
    config.available_features.add("ort")
config.substitutions.append(("%ort_dir", ort_dir))
config.substitutions.append(("%llvm_root", os.path.dirname(config.llvm_tools_dir)))

# ptxas (CUDA) and a GPU are optional: tests that need them say REQUIRES.
ptxas = shutil.which("ptxas") or "/usr/local/cuda/bin/ptxas"
if os.path.exists(ptxas):
    config.available_features.add("ptxas")
config.substitutions.append(("%ptxas", ptxas))
