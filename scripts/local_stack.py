"""What the command-line scripts share: pointing the code at the stack `make run` started, unless the environment
names another table (AWS)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENDPOINTS_FILE = Path(os.environ.get("LOCAL_ENDPOINTS_FILE", ROOT / ".local" / "endpoints.json"))  # by `make run`


def use_local_stack() -> bool:
    """Point the settings at the running local stack unless ``DYNAMODB_ENDPOINT`` or ``TABLE_NAME`` is set; False
    (with a message on standard error) when neither is set and the local stack is not running."""
    if "DYNAMODB_ENDPOINT" in os.environ or "TABLE_NAME" in os.environ:
        return True
    if not ENDPOINTS_FILE.is_file():
        print("The local stack is not running: start `make run` first (or set TABLE_NAME for AWS).", file=sys.stderr)
        return False
    local = json.loads(ENDPOINTS_FILE.read_text())
    os.environ.setdefault("DYNAMODB_ENDPOINT", local["DYNAMODB_ENDPOINT"])
    os.environ.setdefault("STAGE", local.get("STAGE", "local"))
    for variable, value in {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}.items():
        os.environ.setdefault(variable, value)
    return True


API_PATH = "/devdevdev/api/v1"


def local_api() -> str | None:
    """The base URL (up to ``/devdevdev/api/v1``) of the API the running local stack serves; None when it is not
    running (the message is the caller's to give)."""
    if not ENDPOINTS_FILE.is_file():
        return None
    api = json.loads(ENDPOINTS_FILE.read_text()).get("API")
    return api.removesuffix(API_PATH) if api else None
