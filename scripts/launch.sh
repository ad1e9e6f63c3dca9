#!/bin/sh
# Starts node the way the product is measured and meant to run (npm start, npm run worker, the systemd unit):
#   scripts/launch.sh apps/api/dist/server.js
# glibc gives each thread that allocates its own malloc arena and, after a large buffer is freed, raises the size
# below which buffers come from those arenas instead of their own mappings; SSH upload buffers then fragment the
# arenas and the process kept ~100 MiB it no longer used. Two arenas and a fixed 64 KiB mapping threshold let freed
# large buffers go back to the system, while ssh2's packets (32 KiB plus a header) still come from the arenas: at
# 32 KiB each packet was a fresh mapping the kernel faulted in and zeroed, which doubled the platform's CPU per byte
# uploaded. A 4 MiB semi-space keeps V8's young generation at 8 MiB instead of up to 32 MiB (~25 MiB less RSS, idle
# and under load). Values already in the environment win;
# NODE names the node binary (default: node on PATH).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-65536}"
exec "${NODE:-node}" --max-semi-space-size="${NODE_SEMI_SPACE_MB:-4}" "$@"
