# Shared by scripts/demo and scripts/test: install what is missing, idempotently.
# shellcheck shell=bash

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Need root to run: $*" >&2; return 1; fi
}

apt_updated=""
ensure_debian_packages() {
  # ensure_debian_packages CHECK-COMMAND PACKAGE [CHECK-COMMAND PACKAGE ...]
  local missing=()
  while [ $# -gt 0 ]; do
    if ! eval "$1" >/dev/null 2>&1; then missing+=("$2"); fi
    shift 2
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing ${missing[*]} with apt-get…"
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_python_venv() {
  # ensure_python_venv [EXTRA]: a .venv with Organiser installed (editable), reinstalled when pyproject changes.
  local extra="${1:-}"
  ensure_debian_packages "python3 -c 'import sys; assert sys.version_info >= (3, 11)'" python3 \
                         "python3 -c 'import venv, ensurepip'" python3-venv
  [ -x .venv/bin/python ] || python3 -m venv .venv
  local stamp=".venv/.organiser-installed${extra:+-$extra}"
  local want
  want="$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing Python packages into .venv…"
    .venv/bin/python -m pip install -q --upgrade pip 2>/dev/null || true
    .venv/bin/python -m pip install -q -e ".${extra:+[$extra]}"
    echo "$want" > "$stamp"
  fi
}
