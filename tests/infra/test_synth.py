"""`make synth` writes the template without network access or an AWS account (the layer's wheels were fetched by
`make layer-wheels`, as `make test` does first)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from infra import layer

ROOT = Path(__file__).resolve().parents[2]


def _offline(command: list[str]) -> list[str]:
    """The command in a network namespace of its own (no interface but loopback), when the machine allows one."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-rn", *command]
    raise AssertionError("this machine cannot run a command without network (unshare -rn); run make synth by hand")


def test_make_synth_writes_the_template_offline(tmp_path):
    layer.download_wheels()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(
        _offline(["make", "--no-print-directory", "synth", f"CDK_OUT={tmp_path}", "STAGE=prod"]),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    template = json.loads((tmp_path / "devdevdev-prod.template.json").read_text())
    layers = [r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::LayerVersion"]
    assert len(layers) == 1
    (asset,) = [path for path in tmp_path.glob("asset.*") if (path / "python" / "devdevdev" / "__init__.py").is_file()]
    assert (asset / "python" / "pydantic_core").is_dir()
    assert {"ApiUrl", "WebSocketUrl"} <= set(template["Outputs"])
