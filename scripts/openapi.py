"""Write the API reference generated from code: ``make openapi``.

docs/openapi.json (OpenAPI 3.1), docs/postman_collection.json, docs/postman_environment.local.json and
docs/errors.md. The drift tests (tests/contract/test_api_reference.py) fail when a committed file differs from what
this writes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers" / "shared"), str(ROOT)]

from infra.apidoc import errors_page, openapi, postman  # noqa: E402

DOCS = ROOT / "docs"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def generated() -> dict[Path, str]:
    """Every generated file and its text."""
    document = openapi.build()
    return {
        DOCS / "openapi.json": openapi.render(document),
        DOCS / "postman_collection.json": _json(postman.build(document)),
        DOCS / "postman_environment.local.json": _json(postman.environment()),
        DOCS / "errors.md": errors_page.render(),
    }


def main() -> None:
    for path, text in generated().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
