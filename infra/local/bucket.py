"""The local image bucket, kept on disk and served at a stable URL (``make run``).

moto's S3 server holds objects in memory only. ``BucketFiles`` mirrors one bucket into a directory
(``.local/s3`` by default): ``restore`` puts the saved objects back into a fresh bucket at start, with their content
type, user metadata and tags (the expiry of unattached uploads reads the tags), and ``sync`` writes what changed
since the last call (new or replaced objects, changed tags, deletions). ``make run`` calls ``sync`` every second from
a background thread and once more at stop, so uploads that reach S3 directly (presigned POSTs) are kept too; a
``kill -9`` loses at most the last second.

Each object is two files named by the SHA-256 of its key (any key, no path can escape the directory): the bytes, and
a ``.json`` holding the key, content type, metadata, tags and ETag. Each file is written to a temporary name and
renamed, so a stop midway never leaves a half-written object to restore.

``ImageReader`` is what the gateway's ``GET /images/{key}`` reads: the local stand-in for CloudFront in front of
the bucket.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from botocore.exceptions import BotoCoreError, ClientError

from infra.local.services import s3_client

SYNC_SECONDS = 1.0


@dataclass(frozen=True)
class StoredImage:
    body: bytes
    content_type: str


class ImageReader:
    """Reads objects of the local bucket for the gateway."""

    def __init__(self, endpoint: str, bucket: str, region: str) -> None:
        self.bucket = bucket
        self._client = s3_client(endpoint, region)

    def read(self, key: str) -> StoredImage | None:
        """The object under ``key``, or None when there is none."""
        try:
            found = self._client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        return StoredImage(found["Body"].read(), found.get("ContentType") or "application/octet-stream")


def _name(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _write(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


class BucketFiles:
    """One bucket mirrored into ``directory``."""

    def __init__(self, endpoint: str, bucket: str, region: str, directory: Path) -> None:
        self.bucket = bucket
        self.directory = directory
        self._client = s3_client(endpoint, region)
        self._saved: dict[str, tuple[str, dict[str, str]]] = {}  # key -> (ETag, tags) as on disk
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def _tags(self, key: str) -> dict[str, str]:
        tag_set = self._client.get_object_tagging(Bucket=self.bucket, Key=key)["TagSet"]
        return {tag["Key"]: tag["Value"] for tag in tag_set}

    def restore(self) -> int:
        """Put every saved object back into the bucket; returns how many."""
        self.directory.mkdir(parents=True, exist_ok=True)
        restored = 0
        for meta_file in sorted(self.directory.glob("*.json")):
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            body_file = meta_file.with_suffix("")
            if not body_file.exists():
                continue
            tags = meta.get("tags") or {}
            extra: dict[str, Any] = {}
            if tags:
                extra["Tagging"] = urlencode(tags)
            put = self._client.put_object(
                Bucket=self.bucket,
                Key=meta["key"],
                Body=body_file.read_bytes(),
                ContentType=meta["contentType"],
                Metadata=meta.get("metadata") or {},
                **extra,
            )
            self._saved[meta["key"]] = (put["ETag"], tags)
            restored += 1
        return restored

    def sync(self) -> None:
        """Write to disk what changed in the bucket since the last sync (or restore)."""
        with self._lock:
            self.directory.mkdir(parents=True, exist_ok=True)
            present: set[str] = set()
            for page in self._client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
                for item in page.get("Contents", []):
                    key = item["Key"]
                    present.add(key)
                    try:
                        tags = self._tags(key)
                        if self._saved.get(key) == (item["ETag"], tags):
                            continue
                        self._save(key, tags)
                    except ClientError as error:
                        if error.response.get("Error", {}).get("Code") not in ("NoSuchKey", "404"):
                            raise  # deleted between the listing and the read: gone at the next sync
            for key in set(self._saved) - present:
                (self.directory / f"{_name(key)}.json").unlink(missing_ok=True)
                (self.directory / _name(key)).unlink(missing_ok=True)
                del self._saved[key]

    def _save(self, key: str, tags: dict[str, str]) -> None:
        found = self._client.get_object(Bucket=self.bucket, Key=key)
        body = found["Body"].read()
        meta = {
            "key": key,
            "contentType": found.get("ContentType") or "application/octet-stream",
            "metadata": found.get("Metadata") or {},
            "tags": tags,
            "etag": found["ETag"],
        }
        name = _name(key)
        _write(self.directory / name, body)  # the bytes first: a .json always has its bytes beside it
        _write(self.directory / f"{name}.json", json.dumps(meta, ensure_ascii=False).encode("utf-8"))
        self._saved[key] = (found["ETag"], tags)

    def sync_or_report(self) -> None:
        """A sync whose failure is reported, never raised (the background loop, and the last sync at stop)."""
        try:
            self.sync()
        except (BotoCoreError, ClientError, OSError) as error:
            print(f"image files: {error}")

    def run_in_background(self, seconds: float = SYNC_SECONDS) -> threading.Thread:
        def loop() -> None:
            while not self._stop.wait(seconds):
                self.sync_or_report()

        thread = threading.Thread(target=loop, name="bucket-files", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()
