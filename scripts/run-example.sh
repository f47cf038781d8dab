#!/usr/bin/env bash
# The main job: sets up what is missing, then runs the tutorial's example through bin/graalpy.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
"$root/scripts/setup.sh"
exec "$root/bin/graalpy" "$root/examples/getting_started.py"
