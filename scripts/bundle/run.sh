#!/usr/bin/env bash
# zerograd on a GPU, from this folder alone (no network, no install): the GPU benchmark, then the lecture's 10.8M GPT
# on Tiny Shakespeare with nanoGPT's Shakespeare-char settings for MINUTES minutes, printing validation loss against
# wall time. Ctrl-C (or the time limit) saves a checkpoint; running the script again resumes it.
#
#   ./run.sh [MINUTES]          default 10
#   CONFIG=tiny EVAL_EVERY=5 EVAL_ITERS=2 ./run.sh 1     a quick check (the lecture's small model)
#   SKIP_BENCH=1 ./run.sh 60    train only
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
minutes=${1:-10}
node="$here/node/bin/node"
zerograd=("$node" "$here/app/dist/src/cli/bin.js")

# The Vulkan loader (libvulkan.so.1) comes with the system's graphics stack; Chromium carries a copy of its own.
loader=$( (ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true) | awk '/libvulkan\.so\.1 /{ print $NF; exit }')
if [ -z "$loader" ] && [ -e /usr/lib/chromium/libvulkan.so.1 ]; then
  loader=/usr/lib/chromium/libvulkan.so.1
  export LD_LIBRARY_PATH="/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
if [ -z "$loader" ]; then
  echo "no Vulkan loader (libvulkan.so.1) found: install your GPU's driver and the loader (Debian/Ubuntu: apt-get install libvulkan1)" >&2
  exit 1
fi
echo "vulkan loader: $loader"

export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
# The adapter Dawn finds through the loader's drivers (VK_ICD_FILENAMES when set, else the system's manifests), as
# "description|software". With none, fall back to Chromium's SwiftShader (a CPU rasteriser, for checking correctness).
probe() {
  (cd "$here/app" && "$node" --input-type=module -e "
    const m = await import('./dist/src/backend/webgpu/nodeGPU.js');
    const a = await m.describeAdapter(await m.loadNodeGPU());
    if (a) console.log([a.vendor, a.architecture].filter(Boolean).join(' ') + ' (' + a.description + ')|' + a.software);" 2>/dev/null || true)
}
drivers=${VK_ICD_FILENAMES:-}
[ -n "$drivers" ] || drivers=$(ls /etc/vulkan/icd.d/*.json /usr/share/vulkan/icd.d/*.json /usr/local/share/vulkan/icd.d/*.json 2>/dev/null | tr '\n' ' ' | sed 's/ $//' || true)
found=$(probe)
if [ -z "$found" ] && [ -z "${VK_ICD_FILENAMES:-}" ] && [ -e /usr/lib/chromium/vk_swiftshader_icd.json ]; then
  echo "no adapter through ${drivers:-the system drivers (none found)}; trying Chromium's SwiftShader"
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
  drivers=$VK_ICD_FILENAMES
  found=$(probe)
fi
if [ -z "$found" ]; then
  echo "no WebGPU adapter through the Vulkan drivers ${drivers:-(none found in /etc/vulkan/icd.d or /usr/share/vulkan/icd.d)}: install your GPU's Vulkan driver" >&2
  exit 1
fi
software=0
[ "${found##*|}" = true ] && software=1
echo "vulkan drivers: $drivers"
echo "adapter: ${found%|*}$([ $software = 1 ] && echo ' (software: timings say nothing about a real GPU)' || true)"


cd "$here/app"
if [ -z "${SKIP_BENCH:-}" ]; then
  # A software adapter runs the quick sizes only: the full ones would take hours there.
  "$node" dist/bench/gpu.js $([ $software = 1 ] && echo --quick || true) || echo "bench:gpu stopped (above); training anyway"
fi

config=${CONFIG:-seed}
out="$here/runs/shakespeare-$config"
# nanoGPT's config/train_shakespeare_char.py: batch 64, block 256, dropout 0.2, lr 1e-3, 5,000 steps, eval every 250.
args=(gpt train --device webgpu --data data/tinyshakespeare.txt --config "$config" --lr 1e-3 --steps 5000
  --eval-every "${EVAL_EVERY:-250}" --eval-iters "${EVAL_ITERS:-200}" --out "$out")
[ -e "$out/latest.json" ] && args+=(--resume)
echo "training for $minutes minutes: npx zerograd ${args[*]}"
start=$(date +%s)
# The time limit sends Ctrl-C, which finishes the step and saves; a step that will not finish is killed 5 minutes later.
timeout -s INT -k 300 "$((minutes * 60))" "${zerograd[@]}" "${args[@]}" | while IFS= read -r line; do
  case "$line" in
    step*val\ loss*) awk -v s="$start" -v n="$(date +%s)" -v l="$line" 'BEGIN { printf "%7.1f min  %s\n", (n - s) / 60, l }' ;;
    *) printf '%s\n' "$line" ;;
  esac
done || true
echo "run folder: $out (./run.sh again resumes it; sample with: $node app/dist/src/cli/bin.js gpt sample --checkpoint $out)"
