"""Pick option images: the contract's multipart upload, presigned uploads for large files, deletion, expiry.

Two ways in, one bucket and one kind of record. A multipart upload is checked here (at most 3 files, a JPEG or PNG
by its bytes, at most 10 MB) before it is stored. A presigned upload goes straight from the browser to S3; its
bytes are checked when a pick first attaches it, because S3 emulators do not enforce every presigned condition.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from devdevdev.domain.errors import ApiError, Errors, bad_request
from devdevdev.storage.images import ALLOWED_TYPES, MAX_IMAGE_BYTES, ObjectMissing, StorageUnavailable, sniff_type
from devdevdev.store.pick_images import IMAGE_NAMES, PickImage
from devdevdev.store.picks import DELETING, ImageRef
from devdevdev.store.transactions import ConditionFailed, Contended

if TYPE_CHECKING:
    from devdevdev.runtime import Runtime

log = logging.getLogger(__name__)

MAX_FILES = 3
UPLOAD_FIELD = "pickOptionImages"
UNKNOWN_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class UploadedFile:
    """One file of an upload, as the client sent it (its declared type is checked against its bytes)."""

    file_name: str
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class ImageUpload:
    """``POST /picks/image``: the option image ``name``, the files sent as :data:`UPLOAD_FIELD`, and the size of
    the whole request body."""

    name: str | None
    files: tuple[UploadedFile, ...]
    body_size: int


@dataclass(frozen=True)
class PresignInput:
    """``POST /picks/image/upload-url``: an image ``name``, a JPEG or PNG ``content_type``, its ``size`` in bytes
    (at most :data:`MAX_IMAGE_BYTES`) and its file name, all checked (:func:`image_name`, :func:`image_type`,
    :func:`check_size`)."""

    name: str
    content_type: str
    size: int
    file_name: str


def expiry(runtime: Runtime) -> datetime:
    """When an image uploaded (or released) now expires unless a pick attaches it."""
    return runtime.clock.now() + timedelta(hours=runtime.settings.unattached_image_ttl_hours)


def _bad_type(content_type: str | None) -> ApiError:
    return Errors.PICK_IMAGE_BAD_TYPE.error(content_type=content_type or UNKNOWN_TYPE)


def image_name(name: object) -> str:
    """An option image's name (``firstPickOptionImage`` or ``secondPickOptionImage``), else 400."""
    if not isinstance(name, str) or name not in IMAGE_NAMES:
        raise Errors.PICK_IMAGE_BAD_NAME.error()
    return name


def image_type(content_type: object) -> str:
    """A declared content type, trimmed and lower-cased, if it is JPEG or PNG; else the 400 naming it."""
    if not isinstance(content_type, str) or content_type.strip().lower() not in ALLOWED_TYPES:
        raise _bad_type(content_type if isinstance(content_type, str) and content_type.strip() else None)
    return content_type.strip().lower()


def check_size(size: int) -> int:
    """An image's size in bytes, if it is at most :data:`MAX_IMAGE_BYTES`; else 413."""
    if size > MAX_IMAGE_BYTES:
        raise Errors.UPLOAD_TOO_LARGE.error()
    return size


def _response(image: PickImage) -> dict[str, Any]:
    return {"name": image.name, "pickOptionImageId": image.id, "imageUrl": image.url, "imageKey": image.key}


def upload(runtime: Runtime, member_id: int, request: ImageUpload) -> dict[str, Any]:
    """``POST /picks/image``: checks in upstream's order (count, name, each file's type), then stores every file."""
    files = request.files
    if len(files) > MAX_FILES:
        raise Errors.PICK_IMAGE_TOO_MANY.error()
    name = image_name(request.name)
    if not files:
        raise bad_request(f"업로드할 이미지 파일({UPLOAD_FIELD})이 없습니다.")
    if request.body_size > runtime.settings.inline_upload_max_bytes:
        raise Errors.UPLOAD_TOO_LARGE.error()
    checked = []
    for part in files:
        if part.content_type not in ALLOWED_TYPES:
            raise _bad_type(part.content_type)
        actual = sniff_type(part.data[:64])
        if actual not in ALLOWED_TYPES:
            raise _bad_type(actual)
        if len(part.data) > MAX_IMAGE_BYTES:
            raise Errors.UPLOAD_TOO_LARGE.error()
        checked.append((part, actual))
    stored = []
    now, expires_at = runtime.clock.now(), expiry(runtime)
    for (part, actual), image_id in zip(checked, runtime.ids.next_ids("pick_image", len(checked)), strict=True):
        key = runtime.images.new_key(part.file_name or "image")
        try:
            runtime.images.put(key, part.data, actual)
        except StorageUnavailable:
            log.exception("image upload to S3 failed")
            raise Errors.TEMPORARY_FAILURE.error() from None
        stored.append(
            runtime.pick_images.add(
                image_id=image_id,
                member_id=member_id,
                name=name,
                key=key,
                url=runtime.images.url_of(key),
                content_type=actual,
                size=len(part.data),
                verified=True,
                now=now,
                expires_at=expires_at,
            )
        )
    return {"pickOptionImages": [_response(image) for image in stored]}


def presign(runtime: Runtime, member_id: int, request: PresignInput) -> dict[str, Any]:
    """``POST /picks/image/upload-url``: an image id and a presigned POST for one JPEG or PNG of at most 10 MB."""
    key = runtime.images.new_key(request.file_name)
    try:
        upload_form = runtime.images.presigned_post(key, request.content_type, MAX_IMAGE_BYTES)
    except StorageUnavailable:
        raise Errors.TEMPORARY_FAILURE.error() from None
    image = runtime.pick_images.add(
        image_id=runtime.ids.next_id("pick_image"),
        member_id=member_id,
        name=request.name,
        key=key,
        url=runtime.images.url_of(key),
        content_type=request.content_type,
        size=None,
        verified=False,
        now=runtime.clock.now(),
        expires_at=expiry(runtime),
    )
    return {
        **_response(image),
        "upload": {"url": upload_form.url, "fields": upload_form.fields, "expiresIn": upload_form.expires_in},
    }


def usable_images(
    runtime: Runtime, member_id: int, image_ids: Sequence[int], *, pick_id: int | None
) -> dict[int, ImageRef]:
    """The images a member may attach: their own uploads, unused (or already on ``pick_id``), not expired, and
    for presigned uploads an object that is really a JPEG or PNG of at most 10 MB. Anything else → 404
    ``픽픽픽 선택지 이미지가 존재하지 않습니다.`` (or the type and size messages for a bad object)."""
    if not image_ids:
        return {}
    found = runtime.pick_images.get_many(image_ids)
    now = runtime.clock.now()
    refs = {}
    for image_id in image_ids:
        image = found.get(image_id)
        if image is None or not image.usable_by(member_id, pick_id, now):
            raise Errors.PICK_OPTION_IMAGE_NOT_FOUND.error()
        if not image.verified:
            _verify(runtime, image)
        refs[image_id] = ImageRef(image.id, image.url, image.key)
    return refs


def _verify(runtime: Runtime, image: PickImage) -> None:
    try:
        stored = runtime.images.inspect(image.key)
    except StorageUnavailable:
        raise Errors.TEMPORARY_FAILURE.error() from None
    if stored is None:
        raise Errors.PICK_OPTION_IMAGE_NOT_FOUND.error()  # the browser never finished the upload
    if stored.size > MAX_IMAGE_BYTES:
        raise Errors.UPLOAD_TOO_LARGE.error()
    actual = sniff_type(stored.head)
    if actual not in ALLOWED_TYPES:
        raise _bad_type(actual)
    runtime.pick_images.mark_verified(image.id, stored.size)


@contextmanager
def attaching(runtime: Runtime, images: Sequence[ImageRef]) -> Iterator[None]:
    """Tag the images' objects as attached before the write that attaches them (so the bucket's expiry rule can
    never take an image a pick uses); if the write fails, tag them back (best effort). An object that is gone
    (never uploaded, or expired) → 404 ``픽픽픽 선택지 이미지가 존재하지 않습니다.``."""
    tagged: list[ImageRef] = []
    try:
        for image in images:
            runtime.images.mark_attached(image.key, True)
            tagged.append(image)
        yield
    except ObjectMissing:
        release_tags(runtime, tagged)
        raise Errors.PICK_OPTION_IMAGE_NOT_FOUND.error() from None
    except BaseException:
        release_tags(runtime, tagged)
        raise


def release_tags(runtime: Runtime, images: Sequence[ImageRef]) -> None:
    """Tag objects as unattached again, so that they expire (best effort: a failure is logged, not raised)."""
    for image in images:
        try:
            runtime.images.mark_attached(image.key, False)
        except (StorageUnavailable, ObjectMissing):
            log.warning("could not re-tag an unattached image", extra={"imageId": image.id})


def delete_image(runtime: Runtime, member_id: int, image_id: int) -> None:
    """``DELETE /picks/image/{id}``: only its uploader; takes it off a pick that shows it, then deletes the object
    and the record (S3 first: a failure leaves nothing half-deleted)."""
    image = runtime.pick_images.get(image_id)
    if image is None:
        raise Errors.PICK_OPTION_IMAGE_NOT_FOUND_ON_DELETE.error()
    if image.member_id != member_id:
        raise Errors.ACCESS_DENIED.error()
    try:
        if image.pick_id is not None:
            _detach(runtime, image)
        runtime.images.delete([image.key])
        runtime.pick_images.delete([image.id])
    except (Contended, StorageUnavailable):
        raise Errors.TEMPORARY_FAILURE.error() from None


def _detach(runtime: Runtime, image: PickImage) -> None:
    for _ in range(5):
        pick = runtime.picks.get(image.pick_id)  # type: ignore[arg-type]
        if pick is None or pick.status == DELETING or image.id not in pick.image_ids:
            return
        try:
            runtime.picks.remove_image(pick, image.id, expiry(runtime))
            return
        except ConditionFailed:
            continue
    raise Contended()


def expire_unattached(runtime: Runtime) -> int:
    """Delete uploads that no pick attached before they expired (objects and records); how many were deleted.

    In AWS the table's TTL and the bucket's lifecycle rule do this; the local stack runs it at start."""
    deleted = 0
    for image in runtime.pick_images.expired(runtime.clock.now()):
        # The record first, on condition that no pick took the image meanwhile; then its object.
        if runtime.pick_images.delete_unattached(image):
            runtime.images.delete([image.key])
            deleted += 1
    return deleted
