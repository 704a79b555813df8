#!/usr/bin/env bash
# Sourced by run.sh and test.sh: makes sure a Java 17+ JDK and Maven are there, installing them
# with apt-get on Debian/Ubuntu/Raspberry Pi OS when they are not.
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Please install a Java 17+ JDK and Maven 3.8+ (no apt-get here to do it for you)." >&2
    exit 1
  fi
  echo "Installing $* ..." >&2
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  fi
}

java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }

if ! command -v javac >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ]; then
  apt_install openjdk-17-jdk-headless
fi
if ! command -v mvn >/dev/null 2>&1; then
  apt_install maven
fi

# The Mini App's browser tests (scripts/test.sh) drive Debian's Chromium through its chromedriver.
need_browser() {
  if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    apt_install chromium chromium-driver
  elif ! command -v chromedriver >/dev/null 2>&1 && [ ! -x /usr/lib/chromium/chromedriver ]; then
    apt_install chromium-driver
  fi
}

# libjpeg-turbo's TurboJPEG makes the planner's thumbnails several times faster (optional: without it
# Storyline uses ImageIO). Installed when apt-get can run without a password prompt; else a hint.
need_turbojpeg() {
  if ! ldconfig -p 2>/dev/null | grep -q 'libturbojpeg\.so'; then
    if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; }; then
      apt_install libturbojpeg0 || echo "libturbojpeg0 not installed; thumbnails use ImageIO" >&2
    else
      echo "Tip: install libturbojpeg0 for faster planner thumbnails (sudo apt-get install libturbojpeg0)" >&2
    fi
  fi
}
