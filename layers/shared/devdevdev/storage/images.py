"""Pick option images in S3: direct uploads, presigned POST uploads, tags that drive expiry, deletion.

Objects that no pick uses carry the tag ``devdevdev-attached=false``; the bucket's lifecycle rule (CDK) expires them.
Attaching an image to a pick sets the tag to ``true`` first, so an attached object is never expired.
S3 failures surface as :class:`StorageUnavailable`, which the API answers with ``일시적으로 오류가 발생했습니다.``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

import filetype
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

ATTACHED_TAG = "devdevdev-attached"
ALLOWED_TYPES = ("image/jpeg", "image/png")
MAX_IMAGE_BYTES = 10 * 1024 * 1024
SNIFF_BYTES = 64


class StorageUnavailable(Exception):
    """S3 could not be reached or refused a request."""


class ObjectMissing(Exception):
    """The object is not in the bucket (never uploaded, or expired by the lifecycle rule)."""


@dataclass(frozen=True)
class StoredObject:
    size: int
    head: bytes  # the first bytes, enough to tell JPEG from PNG from anything else


@dataclass(frozen=True)
class PresignedUpload:
    url: str
    fields: dict[str, str]
    expires_in: int


def sniff_type(data: bytes) -> str | None:
    """The media type the bytes really have (``image/png``, ``image/gif``, ...), or None when unknown."""
    kind = filetype.guess(data[:SNIFF_BYTES] if len(data) > SNIFF_BYTES else data)
    return kind.mime if kind is not None else None


def safe_file_name(name: str) -> str:
    """The last path segment of a client's file name, without control characters, at most 100 characters."""
    base = PurePosixPath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '/\\"').strip() or "image"
    return cleaned[-100:]


def _tagging(attached: bool) -> str:
    return f"{ATTACHED_TAG}={'true' if attached else 'false'}"


def _tag_set_xml(attached: bool) -> str:
    value = "true" if attached else "false"
    return f"<Tagging><TagSet><Tag><Key>{ATTACHED_TAG}</Key><Value>{value}</Value></Tag></TagSet></Tagging>"


class ImageStorage:
    """The image bucket."""

    def __init__(self, bucket: str, region: str, endpoint: str | None, public_base_url: str | None, key_prefix: str):
        self.bucket = bucket
        self._region = region
        self._endpoint = endpoint
        self._public_base_url = public_base_url
        self._key_prefix = key_prefix.strip("/")

    @cached_property
    def _client(self) -> Any:
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": "path" if self._endpoint else "auto"},
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=3,
            read_timeout=10,
        )
        import boto3  # on first use: botocore is loaded anyway (the table's client), boto3's sessions are not

        return boto3.client("s3", region_name=self._region, endpoint_url=self._endpoint, config=config)

    def new_key(self, file_name: str) -> str:
        """``<stage>/pickpickpick/<uuid>-<file name>``, as upstream names its keys."""
        return f"{self._key_prefix}/pickpickpick/{uuid.uuid4()}-{safe_file_name(file_name)}"

    def url_of(self, key: str) -> str:
        """The public URL of an object (a CDN in front of the bucket when configured)."""
        if self._public_base_url:
            base = self._public_base_url.rstrip("/")
        elif self._endpoint:
            base = f"{self._endpoint.rstrip('/')}/{self.bucket}"
        else:
            base = f"https://{self.bucket}.s3.{self._region}.amazonaws.com"
        return f"{base}/{quote(key)}"

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store an uploaded image, tagged unattached."""
        self._call(
            "put_object", Bucket=self.bucket, Key=key, Body=data, ContentType=content_type, Tagging=_tagging(False)
        )

    def presigned_post(self, key: str, content_type: str, max_bytes: int, expires_in: int = 600) -> PresignedUpload:
        """A form upload the browser sends straight to S3: only this key, this content type, at most ``max_bytes``."""
        tagging = _tag_set_xml(False)
        fields = {"Content-Type": content_type, "tagging": tagging}
        conditions: list[Any] = [
            {"Content-Type": content_type},
            {"tagging": tagging},
            ["content-length-range", 1, max_bytes],
        ]
        try:
            post = self._client.generate_presigned_post(
                Bucket=self.bucket, Key=key, Fields=fields, Conditions=conditions, ExpiresIn=expires_in
            )
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable(str(error)) from error
        return PresignedUpload(url=post["url"], fields=dict(post["fields"]), expires_in=expires_in)

    def inspect(self, key: str) -> StoredObject | None:
        """Size and first bytes of an object, or None when it does not exist (S3 does not enforce every presigned
        condition everywhere, so the server checks what was really uploaded)."""
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=key, Range=f"bytes=0-{SNIFF_BYTES - 1}")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound", "InvalidRange"):
                return None
            raise StorageUnavailable(str(error)) from error
        except BotoCoreError as error:
            raise StorageUnavailable(str(error)) from error
        head = response["Body"].read()
        content_range = response.get("ContentRange") or ""
        size = int(content_range.rsplit("/", 1)[1]) if "/" in content_range else int(response.get("ContentLength", 0))
        return StoredObject(size=size, head=head)

    def mark_attached(self, key: str, attached: bool) -> None:
        """Tag an object as used by a pick (never expires) or not (expires by the lifecycle rule)."""
        tags = {"TagSet": [{"Key": ATTACHED_TAG, "Value": "true" if attached else "false"}]}
        try:
            self._client.put_object_tagging(Bucket=self.bucket, Key=key, Tagging=tags)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                raise ObjectMissing(key) from error
            raise StorageUnavailable(f"put_object_tagging: {error}") from error
        except BotoCoreError as error:
            raise StorageUnavailable(f"put_object_tagging: {error}") from error

    def delete(self, keys: list[str]) -> None:
        """Delete objects (missing ones are fine), in batches of 1000."""
        for start in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            if not batch:
                continue
            response = self._call("delete_objects", Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
            if response.get("Errors"):
                raise StorageUnavailable(f"S3 refused to delete {len(response['Errors'])} object(s)")

    def _call(self, operation: str, **kwargs: Any) -> Any:
        try:
            return getattr(self._client, operation)(**kwargs)
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable(f"{operation}: {error}") from error
