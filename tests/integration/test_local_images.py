"""The local image bucket of `make run`: served by the gateway at ``/images/{key}``, kept on disk across restarts."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from infra.local import services
from infra.local.bucket import BucketFiles, ImageReader
from infra.local.gateway import create_app

ROOT = Path(__file__).resolve().parents[2]
PNG = (ROOT / "samples" / "photo.png").read_bytes()
REGION = "ap-northeast-2"


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    name = f"images-{uuid.uuid4().hex[:12]}"
    services.ensure_bucket(s3_endpoint, name, REGION)
    return name


def put(s3_endpoint: str, bucket: str, key: str, body: bytes, content_type: str, **extra) -> None:
    services.s3_client(s3_endpoint).put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type, **extra)


def test_the_gateway_serves_an_image_of_the_bucket_with_its_content_type(s3_endpoint, bucket):
    key = "local/pickpickpick/0b6c-스벨트 로고.png"
    put(s3_endpoint, bucket, key, PNG, "image/png")
    client = TestClient(create_app((), images=ImageReader(s3_endpoint, bucket, REGION)))

    found = client.get(f"/images/{quote(key)}")
    assert found.status_code == 200
    assert found.content == PNG
    assert found.headers["content-type"] == "image/png"
    assert found.headers["cache-control"] == "public, max-age=31536000, immutable"
    head = client.head(f"/images/{quote(key)}")
    assert (head.status_code, head.content, head.headers["content-length"]) == (200, b"", str(len(PNG)))
    # A missing image is a CDN's bare 404, not an API answer
    missing = client.get("/images/local/pickpickpick/none.png")
    assert (missing.status_code, missing.content) == (404, b"")
    # API routes are unchanged beside it
    assert client.get("/devdevdev/api/v1/nothing-here").json()["resultType"] == "FAIL"


def test_without_a_bucket_the_image_path_is_a_404(s3_endpoint, bucket):
    put(s3_endpoint, bucket, "a.png", PNG, "image/png")
    response = TestClient(create_app(())).get("/images/a.png")
    assert (response.status_code, response.content) == (404, b"")


def test_objects_saved_to_disk_come_back_with_type_metadata_and_tags_and_deletions_stay_deleted(
    s3_endpoint, bucket, tmp_path
):
    files = BucketFiles(s3_endpoint, bucket, REGION, tmp_path / "s3")
    assert files.restore() == 0
    put(s3_endpoint, bucket, "local/kept.png", PNG, "image/png", Tagging="devdevdev-attached=false")
    put(s3_endpoint, bucket, "local/gone.txt", b"bye", "text/plain", Metadata={"who": "me"})
    put(s3_endpoint, bucket, "../../escape.png", b"x", "image/png")  # any key stays inside the directory
    files.sync()
    assert len(list((tmp_path / "s3").iterdir())) == 6
    s3 = services.s3_client(s3_endpoint)
    # a pick attaches the image (a tag change only), another object is deleted
    tags = {"TagSet": [{"Key": "devdevdev-attached", "Value": "true"}]}
    s3.put_object_tagging(Bucket=bucket, Key="local/kept.png", Tagging=tags)
    s3.delete_object(Bucket=bucket, Key="local/gone.txt")
    files.sync()
    saved = sorted(json.loads(p.read_text())["key"] for p in (tmp_path / "s3").glob("*.json"))
    assert saved == ["../../escape.png", "local/kept.png"]
    assert not list(tmp_path.glob("**/escape.png"))

    # A restart: a new, empty bucket restored from the directory
    fresh = f"images-{uuid.uuid4().hex[:12]}"
    services.ensure_bucket(s3_endpoint, fresh, REGION)
    assert BucketFiles(s3_endpoint, fresh, REGION, tmp_path / "s3").restore() == 2
    kept = s3.get_object(Bucket=fresh, Key="local/kept.png")
    assert (kept["Body"].read(), kept["ContentType"]) == (PNG, "image/png")
    assert s3.get_object_tagging(Bucket=fresh, Key="local/kept.png")["TagSet"] == tags["TagSet"]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=fresh)["Contents"]] == ["../../escape.png", "local/kept.png"]


def test_metadata_survives_a_restore(s3_endpoint, bucket, tmp_path):
    put(s3_endpoint, bucket, "m.png", PNG, "image/png", Metadata={"original-name": "photo.png"})
    BucketFiles(s3_endpoint, bucket, REGION, tmp_path).sync()
    fresh = f"images-{uuid.uuid4().hex[:12]}"
    services.ensure_bucket(s3_endpoint, fresh, REGION)
    restored = BucketFiles(s3_endpoint, fresh, REGION, tmp_path)
    assert restored.restore() == 1
    assert services.s3_client(s3_endpoint).head_object(Bucket=fresh, Key="m.png")["Metadata"] == {
        "original-name": "photo.png"
    }
    # nothing changed since the restore: a sync rewrites nothing
    before = {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    restored.sync()
    assert {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before
