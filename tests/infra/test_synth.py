"""`make synth` writes the template without network access or an AWS account (the layer's wheels were fetched by
`make layer-wheels`, as `make test` does first)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from infra import layer

ROOT = Path(__file__).resolve().parents[2]


def _can_unshare() -> bool:
    return (
        bool(shutil.which("unshare"))
        and subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0
    )


def _can_strace() -> bool:
    return (
        bool(shutil.which("strace"))
        and subprocess.run(["strace", "-o", "/dev/null", "true"], capture_output=True).returncode == 0
    )


# A connect() to anything but loopback (or a local socket), as strace prints it.
_CONNECT = re.compile(
    r"connect\(\d+, \{sa_family=AF_INET6?, (?:sin6?_port=htons\(\d+\), )?(?:sin_addr=inet_addr\(\"(?P<v4>[^\"]+)\"\)|[^}]*inet_pton\(AF_INET6, \"(?P<v6>[^\"]+)\")"
)


def outside_connections(trace: str) -> list[str]:
    """The addresses other than loopback that a strace log of connect() calls reached for."""
    found = []
    for match in _CONNECT.finditer(trace):
        address = match["v4"] or match["v6"]
        if not (address.startswith("127.") or address in ("::1", "::ffff:127.0.0.1")):
            found.append(address)
    return found


def run_offline(command: list[str], tmp_path: Path, **kwargs) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run ``command`` proven offline: in a network namespace of its own (no interface but loopback) where the
    machine allows one, or else under strace, answering which non-loopback addresses it tried to connect to."""
    if _can_unshare():
        return subprocess.run(["unshare", "-rn", *command], **kwargs), []
    assert _can_strace(), "this machine can neither unshare -rn nor strace: run make synth by hand, offline"
    log = tmp_path / "connect.trace"
    result = subprocess.run(["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(log), *command], **kwargs)
    return result, outside_connections(log.read_text(errors="replace"))


def test_the_strace_fallback_sees_a_connection_outside_and_not_loopback(tmp_path):
    """The fallback's proof can fail: a connect to a documentation address (RFC 5737) is reported, loopback is not."""
    assert _can_strace()
    script = (
        "import socket\n"
        "for address in ('127.0.0.1', '192.0.2.1'):\n"
        "    s = socket.socket(); s.settimeout(0.2)\n"
        "    try: s.connect((address, 9))\n"
        "    except OSError: pass\n"
    )
    trace = tmp_path / "trace"
    subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(trace), sys.executable, "-c", script], check=True
    )
    assert outside_connections(trace.read_text()) == ["192.0.2.1"]


def test_make_synth_writes_the_template_offline(tmp_path):
    layer.download_wheels()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result, reached = run_offline(
        ["make", "--no-print-directory", "synth", f"CDK_OUT={tmp_path}", "STAGE=prod"],
        tmp_path,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert reached == [], f"synth reached for the network: {reached}"
    template = json.loads((tmp_path / "devdevdev-prod.template.json").read_text())
    layers = [r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::LayerVersion"]
    assert len(layers) == 1
    (asset,) = [path for path in tmp_path.glob("asset.*") if (path / "python" / "devdevdev" / "__init__.py").is_file()]
    assert (asset / "python" / "pydantic_core").is_dir()
    assert {"ApiUrl", "WebSocketUrl"} <= set(template["Outputs"])
