#!/bin/sh
# Starts node the way the product is measured and meant to run (npm start, npm run worker, the systemd unit):
#   scripts/launch.sh apps/api/dist/server.js
# glibc gives each thread that allocates its own malloc arena and, after a large buffer is freed, raises the size
# below which buffers come from those arenas instead of their own mappings; SSH upload buffers then fragment the
# arenas and the process kept ~100 MiB it no longer used. Two arenas and a fixed 32 KiB mapping threshold let freed
# buffers go back to the system. It makes every 32 KiB SSH packet a mapping of its own, which costs CPU (about 2.5
# CPU-s per 2 GB sent); at 40 or 64 KiB, or with packets kept just below 32 KiB, that CPU was saved but the process
# again kept ~90 MiB a minute after a load (npm run bench:release, memory phase). A 4 MiB semi-space keeps V8's
# young generation at 8 MiB instead of up to 32 MiB (~25 MiB less RSS, idle and under load). Values already in the
# environment win;
# NODE names the node binary (default: node on PATH).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-32768}"
exec "${NODE:-node}" --max-semi-space-size="${NODE_SEMI_SPACE_MB:-4}" "$@"
