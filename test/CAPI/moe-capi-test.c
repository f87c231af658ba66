/*===- moe-capi-test.c - the moe-mlir C API from C ----------------------===*/
// RUN: moe-capi-test 2>&1 | FileCheck %s

#include "moe-c/Dialects.h"

#include "mlir-c/Dialect/Func.h"
#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#include <stdio.h>
#include <stdlib.h>

static void printToStdout(MlirStringRef text, void *userData) {
  (void)userData;
  fwrite(text.data, 1, text.length, stdout);
}

static const char *kModule =
    "func.func @route(%l: tensor<?x4xf32>) -> tensor<?x2xi32> {\n"
    "  %ids, %w = moe.route softmax %l top 2 normalize\n"
    "      : tensor<?x4xf32> -> tensor<?x2xi32>, tensor<?x2xf32>\n"
    "  return %ids : tensor<?x2xi32>\n"
    "}\n";

int main(void) {
  MlirContext ctx = mlirContextCreate();
  MlirDialectHandle moe = mlirGetDialectHandle__moe__();
  // CHECK: namespace: moe
  MlirStringRef ns = mlirDialectHandleGetNamespace(moe);
  printf("namespace: %.*s\n", (int)ns.length, ns.data);

  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  moeRegisterAllDialects(registry);
  mlirDialectHandleInsertDialect(mlirGetDialectHandle__func__(), registry);
  mlirContextAppendDialectRegistry(ctx, registry);
  mlirDialectRegistryDestroy(registry);
  // CHECK: loaded: moe
  MlirDialect loaded = mlirDialectHandleLoadDialect(moe, ctx);
  MlirStringRef loadedNs = mlirDialectGetNamespace(loaded);
  printf("loaded: %.*s\n", (int)loadedNs.length, loadedNs.data);

  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(kModule));
  if (mlirModuleIsNull(module)) {
    fprintf(stderr, "parse failed\n");
    return 1;
  }
  MlirOperation op = mlirModuleGetOperation(module);
  // CHECK: verified: 1
  printf("verified: %d\n", (int)mlirOperationVerify(op));
  // CHECK: moe.route softmax %{{.*}} top 2 normalize
  mlirOperationPrint(op, printToStdout, NULL);
  printf("\n");

  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
  return 0;
}
