#!/usr/bin/env bash
# Installs what building and testing sluice need, and only what is missing:
#   - libzstd-dev (the CZstd system library target) and pkg-config, through apt-get;
#   - the Python packages of the test suite (duckdb, pytest), through pip;
#   - with --bench, also those of the end-to-end benchmark (numpy, polars);
#   - with --spark, also pyspark, for the Spark conformance tests (make test-spark; Spark
#     itself needs a Java 17 or 21 runtime, which this script does not install).
# Safe to run again: when everything is present it only checks and returns.
set -euo pipefail

bench=0
spark=0
for arg in "$@"; do
    case "$arg" in
        --bench) bench=1 ;;
        --spark) spark=1 ;;
        -h|--help) echo "usage: scripts/deps.sh [--bench] [--spark]"; exit 0 ;;
        *) echo "error: unknown argument '$arg'; usage: scripts/deps.sh [--bench] [--spark]" >&2; exit 64 ;;
    esac
done

# Runs a command as root: directly when we are root, through sudo when it exists.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "error: installing needs root, and sudo is not available; run as root: $*" >&2
        return 1
    fi
}

have_zstd_header() {
    local dir
    for dir in /usr/include /usr/local/include "/usr/include/$(uname -m)-linux-gnu"; do
        [ -f "$dir/zstd.h" ] && return 0
    done
    return 1
}

# --- system packages -------------------------------------------------------------------
apt_packages=()
have_zstd_header || apt_packages+=(libzstd-dev)
command -v pkg-config >/dev/null 2>&1 || apt_packages+=(pkg-config)
command -v python3 >/dev/null 2>&1 || apt_packages+=(python3 python3-pip)

if [ "${#apt_packages[@]}" -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: missing ${apt_packages[*]} and apt-get is not available; install them with your package manager" >&2
        exit 1
    fi
    echo "deps: installing ${apt_packages[*]} with apt-get"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${apt_packages[@]}"
fi

# --- Python packages -------------------------------------------------------------------
# module name -> pip requirement
declare -A requirement=([duckdb]="duckdb>=1.1" [pytest]="pytest>=7")
if [ "$bench" -eq 1 ]; then
    requirement[numpy]="numpy>=1.24"
    requirement[polars]="polars>=1.0"
fi
if [ "$spark" -eq 1 ]; then
    requirement[pyspark]="pyspark>=3.5"
fi

missing=()
for module in "${!requirement[@]}"; do
    python3 -c "import $module" >/dev/null 2>&1 || missing+=("${requirement[$module]}")
done

if [ "${#missing[@]}" -gt 0 ]; then
    echo "deps: installing ${missing[*]} with pip"
    if ! python3 -m pip --version >/dev/null 2>&1; then
        python3 -m ensurepip --upgrade >/dev/null 2>&1 || {
            command -v apt-get >/dev/null 2>&1 || { echo "error: pip is missing; install python3-pip" >&2; exit 1; }
            as_root apt-get update -q
            as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-pip
        }
    fi
    export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
    # A distribution's own Python refuses plain installs (PEP 668); fall back to the
    # override only in that case.
    if ! python3 -m pip install -q "${missing[@]}"; then
        echo "deps: retrying pip with --break-system-packages (externally managed Python)"
        python3 -m pip install -q --break-system-packages "${missing[@]}"
    fi
    for module in "${!requirement[@]}"; do
        python3 -c "import $module" >/dev/null 2>&1 || {
            echo "error: python3 still cannot import $module after installing it" >&2
            exit 1
        }
    done
fi
