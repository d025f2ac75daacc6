"""The shared layer, built as `cdk synth` builds it (no Docker): the pinned dependencies for Lambda's arm64 and
Python, and the devdevdev package."""

from __future__ import annotations

import re

import pytest

from infra import layer

LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024  # a function and all its layers


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    layer.download_wheels()  # `make test` did it (make layer-wheels); a no-op then
    return layer.build(tmp_path_factory.mktemp("layer")) / "python"


def test_the_layer_holds_every_pinned_requirement_at_its_version(built):
    installed = {
        re.sub(r"[-_.]+", "-", m.group(1)).lower(): m.group(2)
        for path in built.glob("*.dist-info")
        if (m := re.fullmatch(r"(.+)-([^-]+)\.dist-info", path.name))
    }
    for requirement in layer.requirements():
        name, version = requirement.split("==")
        assert installed.get(re.sub(r"[-_.]+", "-", name).lower()) == version, requirement


def test_binary_packages_are_built_for_lambdas_arm64_python(built):
    (extension,) = (built / "pydantic_core").glob("_pydantic_core.*.so")
    major, minor = layer.PYTHON_VERSION.split(".")
    assert extension.name == f"_pydantic_core.cpython-{major}{minor}-aarch64-linux-gnu.so"
    assert not list(built.rglob("*x86_64*.so"))


def test_the_layer_has_the_package_without_caches_and_fits_lambda(built):
    assert (built / "devdevdev" / "settings.py").read_bytes() == (
        layer.SOURCE / "devdevdev" / "settings.py"
    ).read_bytes()
    assert not list(built.glob("devdevdev/**/__pycache__"))
    size = sum(path.stat().st_size for path in built.rglob("*") if path.is_file())
    assert size < LAMBDA_UNZIPPED_LIMIT


def test_the_asset_hash_follows_the_sources_and_the_pins(monkeypatch):
    before = layer.fingerprint()
    assert layer.fingerprint() == before
    monkeypatch.setattr(layer, "requirements", lambda: ["pyjwt==0.0.1"])
    assert layer.fingerprint() != before
