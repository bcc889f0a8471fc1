#!/usr/bin/env bash
# Set up a virtual environment, install metricdsl and run the bundled telesales example on embedded DuckDB.
set -euo pipefail
cd "$(dirname "$0")"
step() { printf '\n==> %s\n' "$*"; }

step "Creating a virtual environment in .venv (python3 -m venv .venv)"
python3 -m venv .venv
step "Installing metricdsl and its dependencies into .venv (pip install .; about 20 s the first time)"
.venv/bin/python -m pip install --disable-pip-version-check --progress-bar on .
step "Checking the example project specs/ (metricdsl check specs)"
.venv/bin/metricdsl check specs
step "Running the query monthly_kpi on an in-memory DuckDB loaded from specs/data (metricdsl run specs --query monthly_kpi)"
.venv/bin/metricdsl run specs --query monthly_kpi
step "Done. Next: .venv/bin/metricdsl --help, docs/language.md"
