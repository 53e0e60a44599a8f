#!/usr/bin/env bash
# Build llama-cpp-python portably (once) and install it into .venv.
# The default build uses -march=native and crashes with SIGILL on VMs whose CPU reports AMX
# that the kernel does not enable; we build without native flags, adding AVX-512 only where
# the CPU has it. pip's wheel cache ignores CMAKE_ARGS, so the wheel is built with
# --no-cache-dir into .cache/wheels/<flags>/ and installed from there.
set -euo pipefail
VERSION=0.3.36
PIP=${PIP:-.venv/bin/pip}
FLAGS="-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF"
if grep -qw avx512_vnni /proc/cpuinfo 2>/dev/null && grep -qw avx512_bf16 /proc/cpuinfo 2>/dev/null; then
  FLAGS="$FLAGS -DGGML_AVX512=ON -DGGML_AVX512_VBMI=ON -DGGML_AVX512_VNNI=ON -DGGML_AVX512_BF16=ON -DGGML_AVX_VNNI=ON"
  KIND=avx512
else
  KIND=avx2
fi
DIR=.cache/wheels/llama-$VERSION-$KIND
if ! ls "$DIR"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  echo ">> building llama-cpp-python $VERSION ($KIND, portable): 6-11 minutes on 2 cores, once"
  mkdir -p "$DIR"
  CMAKE_ARGS="$FLAGS" CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} \
    "$PIP" wheel --no-cache-dir --no-deps -w "$DIR" "llama-cpp-python==$VERSION"
fi
"$PIP" install -q -c constraints.txt "$DIR"/llama_cpp_python-*.whl
# A build that crashes on this CPU must fail here, not in the app.
.venv/bin/python -c "import llama_cpp; llama_cpp.llama_backend_init(); print('llama-cpp-python', llama_cpp.__version__, 'OK')"
