#!/usr/bin/env bash
# Spark resource discovery script for GPUs: prints the GPUs of this machine as Spark expects,
#   {"name": "gpu", "addresses": ["0", "1", ...]}
# Spark runs it when an executor (or a standalone worker) starts; CUDA_VISIBLE_DEVICES narrows the list when set.
set -euo pipefail
if [[ -n "${CUDA_VISIBLE_DEVICES:-}" ]]; then
  indices="${CUDA_VISIBLE_DEVICES//,/ }"
else
  indices="$(nvidia-smi --query-gpu=index --format=csv,noheader | tr '\n' ' ')"
fi
addresses=""
for index in $indices; do
  addresses+="${addresses:+, }\"${index// /}\""
done
printf '{"name": "gpu", "addresses": [%s]}\n' "$addresses"
