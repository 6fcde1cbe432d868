#!/usr/bin/env bash
# Installs the Debian packages PostLoan needs when they are missing. Sourced by ./postloan and scripts/test.sh.
#   debian_packages_ensure PACKAGE...   installs the named packages (apt-get, with sudo when not root)
# libgtk-3-0: OpenCV's native library (warehouse image comparison) links against GTK even when no window is shown.
debian_packages_ensure() {
  (( $# == 0 )) && return 0
  echo "Installing Debian packages: $*" >&2
  local sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || { echo "could not install $*" >&2; return 1; }
}

# The packages the product itself needs at run time (not the tests'), printed one per line when missing.
debian_packages_runtime_missing() {
  compgen -G "/usr/lib/*/libgtk-3.so.0" >/dev/null || compgen -G "/usr/lib/libgtk-3.so.0" >/dev/null \
    || { PATH="$PATH:/sbin:/usr/sbin" ldconfig -p 2>/dev/null | grep -q 'libgtk-3\.so\.0'; } || echo libgtk-3-0
}
