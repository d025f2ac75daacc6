#!/usr/bin/env bash
# Checks what `make run` and `make test` need from the machine: Python >= 3.11, Node.js with npm, Java >= 17.
# Everything else (the virtualenv, Python packages, DynamoDB Local, the CDK CLI) the Makefile installs itself.
set -u
python="${PYTHON:-python3}"
missing=()

if ! command -v "$python" >/dev/null 2>&1; then
  missing+=("Python 3.11 or later ($python not found; install Python, or set PYTHON=/path/to/python3.11)")
elif ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  missing+=("Python 3.11 or later (found $("$python" --version 2>&1); set PYTHON=/path/to/python3.11)")
elif ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  missing+=("Python's venv and ensurepip modules (on Debian/Ubuntu: apt-get install python3-venv)")
fi
command -v node >/dev/null 2>&1 || missing+=("Node.js (node) for DynamoDB Local's package and the CDK CLI")
command -v npm >/dev/null 2>&1 || missing+=("npm (comes with Node.js)")
if ! command -v java >/dev/null 2>&1; then
  missing+=("Java 17 or later (java) to run DynamoDB Local")
else
  major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  if [ -z "$major" ] || [ "$major" -lt 17 ]; then
    missing+=("Java 17 or later (found: $(java -version 2>&1 | head -n 1))")
  fi
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "Missing prerequisites:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  exit 1
fi
