"""The shared Lambda layer, built on this machine without Docker.

The layer is ``python/`` with the pinned runtime dependencies of ``pyproject.toml`` (``[project].dependencies``),
installed for Lambda's platform (Linux arm64, CPython :data:`PYTHON_VERSION`), and the ``devdevdev`` package from
``layers/shared``. Two steps keep ``cdk synth`` offline:

1. :func:`download_wheels` (``make layer-wheels``, part of the set-up, like ``pip install``) fetches the platform's
   wheels from the package index into ``.build/wheels``.
2. :func:`build` (run by CDK's local bundling at synth time) installs them with ``--no-index`` into a cached
   directory keyed by the requirements, then copies the cache and the package's source into the asset.

Only binary wheels are accepted (``--only-binary=:all:``), so nothing is compiled for the wrong machine.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import jsii
from aws_cdk import BundlingOptions, ILocalBundling

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "layers" / "shared"
BUILD = ROOT / ".build"
WHEELS = BUILD / "wheels"
PYTHON_VERSION = "3.13"  # Lambda's python3.13 runtime (see infra/stack.py)
PLATFORM = "manylinux2014_aarch64"  # Lambda's arm64 (Graviton) functions
_PLATFORM_ARGS = ("--platform", PLATFORM, "--implementation", "cp", "--python-version", PYTHON_VERSION)
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


def requirements() -> list[str]:
    """The runtime dependencies, exactly as pinned in ``pyproject.toml``."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return list(project["dependencies"])


def requirements_key() -> str:
    """What the installed dependencies depend on: the pins, the platform and the Python version."""
    text = "\n".join([PLATFORM, PYTHON_VERSION, *sorted(requirements())])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fingerprint() -> str:
    """The layer's asset hash: the requirements key and every source file of the package (name and bytes)."""
    digest = hashlib.sha256(requirements_key().encode())
    for path in sorted(SOURCE.rglob("*.py")):
        digest.update(str(path.relative_to(SOURCE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def download_wheels() -> Path:
    """Fetch the platform's wheels of every pinned requirement (and their dependencies) into ``.build/wheels``."""
    stamp = WHEELS / f".{requirements_key()}"
    if not stamp.exists():
        WHEELS.mkdir(parents=True, exist_ok=True)
        _pip("download", "--quiet", "--only-binary=:all:", *_PLATFORM_ARGS, "--dest", str(WHEELS), *requirements())
        stamp.touch()
    return WHEELS


def dependencies() -> Path:
    """The installed dependencies for Lambda (``<cache>/python``), from the downloaded wheels only."""
    target = BUILD / "layer-dependencies" / requirements_key()
    if not (target / ".complete").exists():
        if not (WHEELS / f".{requirements_key()}").exists():
            raise RuntimeError(
                "The layer's wheels for these requirements are not downloaded: run `make layer-wheels` "
                "(make synth does it) with access to the package index."
            )
        shutil.rmtree(target, ignore_errors=True)
        _pip(
            "install", "--quiet", "--no-index", "--find-links", str(WHEELS), "--only-binary=:all:", *_PLATFORM_ARGS,
            "--no-compile", "--target", str(target / "python"), *requirements(),
        )  # fmt: skip
        (target / ".complete").touch()
    return target


def build(output: Path) -> Path:
    """Write the layer's content (``python/``: the dependencies and the ``devdevdev`` package) into ``output``."""
    shutil.copytree(dependencies() / "python", output / "python", dirs_exist_ok=True)
    shutil.copytree(SOURCE / "devdevdev", output / "python" / "devdevdev", ignore=_IGNORED, dirs_exist_ok=True)
    return output


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True)


@jsii.implements(ILocalBundling)
class LocalBundling:
    """CDK's bundling hook: builds the layer in-process instead of in a Docker container."""

    def try_bundle(self, output_dir: str, *, image, **_options) -> bool:  # noqa: ANN001 (CDK's signature)
        build(Path(output_dir))
        return True


def bundling() -> BundlingOptions:
    """Bundling options that never start Docker: the image is named only because CDK requires one."""
    from aws_cdk import DockerImage

    return BundlingOptions(image=DockerImage.from_registry("python:3.13"), local=LocalBundling())


if __name__ == "__main__":  # `make layer-wheels`
    print(download_wheels())
