# Shared by scripts/demo.sh and scripts/test.sh: install what is missing, then build.
set -euo pipefail
CRMO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CRMO_BUILD=${CRMO_BUILD:-$CRMO_ROOT/build}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "crmo: need root (or sudo) to install Debian packages: $*" >&2; return 1; fi
}

# install_packages FILE...: apt-get installs the packages listed in FILEs that are missing.
install_packages() {
  local wanted missing=()
  wanted=$(cat "$@" | sed 's/#.*//' | tr -s ' \n' '\n' | grep -v '^$' || true)
  for p in $wanted; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "crmo: installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

build_crmo() {
  cmake -S "$CRMO_ROOT" -B "$CRMO_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$CRMO_BUILD" -j"$(nproc)"
}
