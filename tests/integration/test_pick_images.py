"""Pick option images through the local gateway, on DynamoDB Local and moto's S3 server: multipart uploads,
presigned uploads, attaching to picks, deletion and the expiry of uploads no pick uses."""

from __future__ import annotations

import re
import struct
import uuid
import zlib
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from infra.local import services
from tests.conftest import BASE, NOW, bearer, build_runtime, fail, make_client, tokens

pytestmark = pytest.mark.integration

FIRST, SECOND = "firstPickOptionImage", "secondPickOptionImage"
IMAGE_NOT_FOUND = "픽픽픽 선택지 이미지가 존재하지 않습니다."
TOO_MANY = "이미지 파일은 최대 3개 까지 업로드 할 수 있습니다."
BAD_NAME = "픽픽픽 이미지에 알맞지 않은 형식의 이름 입니다."
TOO_LARGE = "업로드 가능한 파일 용량(10MB)을 초과했습니다."
GUEST = "비회원은 현재 해당 기능을 이용할 수 없습니다."
ACCESS_DENIED = "해당 자원에 접근 권한이 없습니다."
KEY = re.compile(r"^test/pickpickpick/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-(?P<file>.+)$")


def key_file(key: str) -> str:
    """The file name an image key ends with (the key must have the images' shape)."""
    match = KEY.match(key)
    assert match is not None, key
    return match.group("file")


def bad_type(content_type: str) -> str:
    return f"{content_type}는 지원하지 않은 파일 형식 입니다. 현재 [image/jpeg, image/png] 파일 형식만 지원합니다."


# Real (tiny) image bytes --------------------------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width: int = 1, height: int = 1, padding: int = 0) -> bytes:
    """A valid RGB PNG; ``padding`` adds an ancillary text chunk to make it bigger."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    extra = _chunk(b"tEXt", b"Comment\x00" + b"x" * padding) if padding else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + extra
        + _chunk(b"IDAT", zlib.compress(pixels))
        + _chunk(b"IEND", b"")
    )


# A 1x1 greyscale baseline JFIF JPEG.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000"
    "ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c"
    "30313434341f27393d38323c2e333432"
    "ffc0000b080001000101011100"
    "ffc4001f0000010501010101010100000000000000000102030405060708090a0b"
    "ffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f0"
    "2433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a7374757677"
    "78797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8"
    "d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa"
    "ffda0008010100003f00d2cf20"
    "ffd9"
)
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


# Fixtures and helpers -----------------------------------------------------------------------------------------------


@pytest.fixture
def settings_env(settings_env) -> dict[str, str]:
    """The test stage with an image bucket of its own, so that every test sees only its own objects."""
    return dict(settings_env, IMAGES_BUCKET=f"images-{uuid.uuid4().hex[:12]}")


@pytest.fixture(autouse=True)
def s3(settings_env):
    """moto's S3 with the stage's image bucket, created as the local stack creates it (readable by anyone)."""
    endpoint, bucket = settings_env["S3_ENDPOINT"], settings_env["IMAGES_BUCKET"]
    services.ensure_bucket(endpoint, bucket)
    return services.s3_client(endpoint)


@pytest.fixture
def bucket(settings_env) -> str:
    return settings_env["IMAGES_BUCKET"]


@pytest.fixture
def user(client) -> dict[str, str]:
    return bearer(tokens(client, "user")["accessToken"])


@pytest.fixture
def admin(client) -> dict[str, str]:
    return bearer(tokens(client, "admin")["accessToken"])


@pytest.fixture
def custom_runtime(settings_env) -> Iterator:
    """Builds a seeded runtime with environment overrides (and an optional clock); drops its table afterwards."""
    from devdevdev.runtime import use_runtime

    from infra.local.seed import seed

    built = []

    def build(clock=None, **overrides: str):
        runtime = build_runtime(dict(settings_env, **overrides), clock=clock)
        seed(runtime)
        built.append(runtime)
        return runtime

    yield build
    use_runtime(None)
    for runtime in built:
        services.dynamodb_client(runtime.settings.dynamodb_endpoint or "").delete_table(
            TableName=runtime.settings.table_name
        )


def upload(client, headers, files, name: str | None = FIRST) -> httpx.Response:
    """``POST /picks/image`` with ``files`` as (file name, bytes, declared type) under ``pickOptionImages``."""
    return client.post(
        f"{BASE}/picks/image",
        params={} if name is None else {"name": name},
        files=[("pickOptionImages", file) for file in files],
        headers=headers,
    )


def uploaded(client, headers, data: bytes = b"", file_name: str = "cat.png", name: str = FIRST) -> dict:
    """One image uploaded by multipart; its response item."""
    content_type = "image/jpeg" if file_name.endswith(".jpg") else "image/png"
    response = upload(client, headers, [(file_name, data or png(), content_type)], name)
    assert response.status_code == 200, response.text
    return response.json()["data"]["pickOptionImages"][0]


def presign(client, headers, **overrides) -> httpx.Response:
    body = {"name": FIRST, "fileName": "big.png", "contentType": "image/png", "size": 1234, **overrides}
    return client.post(f"{BASE}/picks/image/upload-url", json=body, headers=headers)


def post_to_s3(form: dict, data: bytes, file_name: str = "big.png", content_type: str = "image/png"):
    """What the browser does with a presigned POST: the fields, then the file."""
    return httpx.post(form["url"], data=form["fields"], files={"file": (file_name, data, content_type)})


def pick_body(first=(), second=(), title: str = "탭 vs 스페이스?") -> dict:
    return {
        "pickTitle": title,
        "pickOptions": {
            "firstPickOption": {
                "pickOptionTitle": "탭",
                "pickOptionContent": "탭이 좋다",
                "pickOptionImageIds": list(first),
            },
            "secondPickOption": {"pickOptionTitle": "스페이스", "pickOptionImageIds": list(second)},
        },
    }


def create_pick(client, headers, first=(), second=()) -> httpx.Response:
    return client.post(f"{BASE}/picks", json=pick_body(first, second), headers=headers)


def created(client, headers, first=(), second=()) -> int:
    response = create_pick(client, headers, first, second)
    assert response.status_code == 200, response.text
    return response.json()["data"]["pickId"]


def detail(client, headers, pick_id: int) -> dict:
    response = client.get(f"{BASE}/picks/{pick_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def images_of(data: dict) -> dict[str, list[dict]]:
    return {kind: option["pickDetailOptionImages"] for kind, option in data["pickOptions"].items()}


def exists(s3, bucket: str, key: str) -> bool:
    return s3.list_objects_v2(Bucket=bucket, Prefix=key).get("KeyCount", 0) == 1


def attached_tag(s3, bucket: str, key: str) -> str:
    tags = s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]
    return {t["Key"]: t["Value"] for t in tags}["devdevdev-attached"]


# POST /picks/image ---------------------------------------------------------------------------------------------------


def test_upload_of_one_png_stores_it_in_s3(client, user, s3, bucket):
    # Given a real PNG
    data = png(2, 2)

    # When a member uploads it as the first option's image
    response = upload(client, user, [("tesImage.png", data, "image/png")])

    # Then it is recorded, named in the contract's key format, and really in S3 with its type
    assert response.status_code == 200
    body = response.json()
    assert body["resultType"] == "SUCCESS"
    [image] = body["data"]["pickOptionImages"]
    assert set(image) == {"name", "pickOptionImageId", "imageUrl", "imageKey"}
    assert image["name"] == FIRST
    assert isinstance(image["pickOptionImageId"], int)
    assert key_file(image["imageKey"]) == "tesImage.png"
    stored = s3.get_object(Bucket=bucket, Key=image["imageKey"])
    assert stored["ContentType"] == "image/png"
    assert stored["Body"].read() == data
    assert attached_tag(s3, bucket, image["imageKey"]) == "false"
    assert image["imageUrl"].endswith(image["imageKey"])
    public = httpx.get(image["imageUrl"])
    assert (public.status_code, public.content) == (200, data)


def test_upload_of_two_files_gives_two_images_in_order(client, user, s3, bucket):
    # Given a PNG and a JPEG whose name is Korean with a space (browsers send it as raw UTF-8)
    files = [("a.png", png(), "image/png"), ("고양이 사진.jpg", JPEG, "image/jpeg")]

    # When both are uploaded as the second option's images
    response = upload(client, user, files, SECOND)

    # Then both are stored, each with its own id, key and type
    assert response.status_code == 200
    first, second = response.json()["data"]["pickOptionImages"]
    assert (first["name"], second["name"]) == (SECOND, SECOND)
    assert first["pickOptionImageId"] != second["pickOptionImageId"]
    assert key_file(first["imageKey"]) == "a.png"
    assert key_file(second["imageKey"]) == "고양이 사진.jpg"
    assert s3.head_object(Bucket=bucket, Key=first["imageKey"])["ContentType"] == "image/png"
    assert s3.head_object(Bucket=bucket, Key=second["imageKey"])["ContentType"] == "image/jpeg"
    assert second["imageUrl"].endswith("-%EA%B3%A0%EC%96%91%EC%9D%B4%20%EC%82%AC%EC%A7%84.jpg")
    assert httpx.get(second["imageUrl"]).content == JPEG


def test_more_than_three_files_is_400(client, user, s3, bucket):
    # When a member uploads four images at once
    response = upload(client, user, [(f"{i}.png", png(), "image/png") for i in range(4)])

    # Then nothing is stored
    assert (response.status_code, response.json()) == (400, fail(TOO_MANY, 400))
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0
    # and the count is checked before the name, as upstream does
    named_badly = upload(client, user, [(f"{i}.png", png(), "image/png") for i in range(4)], "thirdPickOptionImage")
    assert (named_badly.status_code, named_badly.json()) == (400, fail(TOO_MANY, 400))


def test_a_name_other_than_the_two_options_is_400(client, user, s3, bucket):
    response = upload(client, user, [("a.png", png(), "image/png")], "thirdPickOptionImage")
    assert (response.status_code, response.json()) == (400, fail(BAD_NAME, 400))
    missing = upload(client, user, [("a.png", png(), "image/png")], None)
    assert (missing.status_code, missing.json()) == (400, fail(BAD_NAME, 400))
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0


def test_a_declared_gif_is_400(client, user, s3, bucket):
    response = upload(client, user, [("a.gif", GIF, "image/gif")])
    assert (response.status_code, response.json()) == (400, fail(bad_type("image/gif"), 400))
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0


def test_a_gif_declared_as_png_is_judged_by_its_bytes(client, user, s3, bucket):
    response = upload(client, user, [("a.png", GIF, "image/png")])
    assert (response.status_code, response.json()) == (400, fail(bad_type("image/gif"), 400))
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0


def test_one_bad_file_among_good_ones_stores_nothing(client, user, s3, bucket):
    response = upload(client, user, [("a.png", png(), "image/png"), ("b.png", GIF, "image/png")])
    assert (response.status_code, response.json()) == (400, fail(bad_type("image/gif"), 400))
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0


def test_guests_cannot_upload_presign_or_delete(client, user, s3, bucket):
    # Given an image a member uploaded
    image = uploaded(client, user)

    # When a guest (no token) uploads, asks for an upload URL, or deletes the image
    responses = [
        upload(client, {}, [("a.png", png(), "image/png")]),
        presign(client, {}),
        client.delete(f"{BASE}/picks/image/{image['pickOptionImageId']}"),
    ]

    # Then each is refused and nothing changed
    assert [(r.status_code, r.json()) for r in responses] == [(403, fail(GUEST, 403))] * 3
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 1
    assert exists(s3, bucket, image["imageKey"])


def test_a_body_over_the_inline_limit_is_400(custom_runtime, s3, bucket):
    # Given a stage that accepts at most 2 KB inline
    client = make_client(custom_runtime(INLINE_UPLOAD_MAX_BYTES="2048"))
    headers = bearer(tokens(client)["accessToken"])

    # When a 3 KB PNG is uploaded
    response = upload(client, headers, [("big.png", png(padding=3000), "image/png")])

    # Then it is refused with the contract's size message and nothing is stored
    assert (response.status_code, response.json()) == (400, fail(TOO_LARGE, 400))
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0
    # while a small one still goes through
    assert upload(client, headers, [("small.png", png(), "image/png")]).status_code == 200


def test_a_body_over_four_megabytes_is_400_by_default(client, user):
    response = upload(client, user, [("huge.png", png(padding=4 * 1024 * 1024 + 1), "image/png")])
    assert (response.status_code, response.json()) == (400, fail(TOO_LARGE, 400))


def test_a_body_that_is_not_a_multipart_upload_is_a_400_envelope(client, user):
    def post(**kwargs):
        response = client.post(f"{BASE}/picks/image", params={"name": FIRST}, **kwargs)
        return response.status_code, response.json()

    # JSON instead of multipart
    assert post(json={"pickOptionImages": []}, headers=user) == (
        400,
        fail("multipart/form-data 형식으로 요청해주세요.", 400),
    )
    # multipart without a boundary
    assert post(content=b"whatever", headers={**user, "Content-Type": "multipart/form-data"}) == (
        400,
        fail("multipart 요청에 boundary가 없습니다.", 400),
    )
    # multipart with form fields but no file under pickOptionImages
    assert post(files={"other": (None, "x")}, headers=user) == (
        400,
        fail("업로드할 이미지 파일(pickOptionImages)이 없습니다.", 400),
    )


def test_a_truncated_multipart_body_is_a_400_envelope_and_stores_nothing(client, user, s3, bucket):
    # Given an upload cut off in the middle of a real PNG (no closing boundary)
    body = (
        b"--xyz\r\nContent-Disposition: form-data; name=pickOptionImages; filename=a.png\r\n"
        b"Content-Type: image/png\r\n\r\n" + png(4, 4, padding=200)[:150]
    )

    # When it is sent
    response = client.post(
        f"{BASE}/picks/image",
        params={"name": FIRST},
        content=body,
        headers={**user, "Content-Type": "multipart/form-data; boundary=xyz"},
    )

    # Then it is refused as unreadable, and no partial image is stored
    assert (response.status_code, response.json()) == (400, fail("multipart 요청 본문을 읽을 수 없습니다.", 400))
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0


# Presigned uploads ---------------------------------------------------------------------------------------------------


def test_presigned_upload_then_attach_to_a_new_pick(client, user, s3, bucket):
    # Given an upload URL for a PNG (of a client's file name only the last path segment is kept)
    data = png(3, 3, padding=500)
    response = presign(client, user, fileName="../../diagram.png", size=len(data))
    assert response.status_code == 200, response.text
    grant = response.json()["data"]
    assert set(grant) >= {"name", "pickOptionImageId", "imageKey", "imageUrl", "upload"}
    assert grant["name"] == FIRST
    assert key_file(grant["imageKey"]) == "diagram.png"
    assert set(grant["upload"]) >= {"url", "fields"}
    assert grant["upload"]["fields"]["key"] == grant["imageKey"]

    # When the browser posts the file to S3
    posted = post_to_s3(grant["upload"], data)
    assert posted.status_code in (200, 201, 204), posted.text
    assert s3.get_object(Bucket=bucket, Key=grant["imageKey"])["Body"].read() == data

    # and a pick attaches the image
    pick_id = created(client, user, first=[grant["pickOptionImageId"]])

    # Then the pick's detail shows it, and its object is tagged as attached
    assert images_of(detail(client, user, pick_id)) == {
        "firstPickOption": [{"id": grant["pickOptionImageId"], "imageUrl": grant["imageUrl"]}],
        "secondPickOption": [],
    }
    assert httpx.get(grant["imageUrl"]).content == data
    assert attached_tag(s3, bucket, grant["imageKey"]) == "true"


def test_presign_over_ten_megabytes_is_400(client, user):
    response = presign(client, user, size=10 * 1024 * 1024 + 1)
    assert (response.status_code, response.json()) == (400, fail(TOO_LARGE, 400))
    assert presign(client, user, size=10 * 1024 * 1024).status_code == 200


def test_presign_of_a_gif_or_with_a_bad_name_is_400(client, user):
    response = presign(client, user, contentType="image/gif", fileName="a.gif")
    assert (response.status_code, response.json()) == (400, fail(bad_type("image/gif"), 400))
    badly_named = presign(client, user, name="thirdPickOptionImage")
    assert (badly_named.status_code, badly_named.json()) == (400, fail(BAD_NAME, 400))


def test_a_presigned_image_never_uploaded_cannot_be_attached(client, user):
    # Given an upload URL the browser never used
    grant = presign(client, user).json()["data"]
    before = client.get(f"{BASE}/mypage/picks", headers=user).json()["data"]["content"]

    # When a pick attaches its image
    response = create_pick(client, user, first=[grant["pickOptionImageId"]])

    # Then the image does not exist (and no pick was created)
    assert (response.status_code, response.json()) == (404, fail(IMAGE_NOT_FOUND, 404))
    assert client.get(f"{BASE}/mypage/picks", headers=user).json()["data"]["content"] == before


def test_a_presigned_upload_over_ten_megabytes_is_refused_when_attached(client, user):
    # Given a PNG of 10 MB + 8 bytes posted through an upload URL (moto, like some S3 emulators, ignores the
    # policy's content-length-range)
    data = b"\x89PNG\r\n\x1a\n" + bytes(10 * 1024 * 1024)
    grant = presign(client, user, size=10 * 1024 * 1024).json()["data"]
    assert post_to_s3(grant["upload"], data).status_code in (200, 201, 204)

    # When a pick attaches it
    response = create_pick(client, user, first=[grant["pickOptionImageId"]])

    # Then its real size is judged
    assert (response.status_code, response.json()) == (400, fail(TOO_LARGE, 400))


def test_a_presigned_gif_is_refused_when_attached(client, user, s3, bucket):
    # Given a GIF uploaded through a PNG upload URL (S3 cannot tell)
    grant = presign(client, user, size=len(GIF)).json()["data"]
    assert post_to_s3(grant["upload"], GIF).status_code in (200, 201, 204)

    # When a pick attaches it
    response = create_pick(client, user, first=[grant["pickOptionImageId"]])

    # Then its bytes are judged
    assert (response.status_code, response.json()) == (400, fail(bad_type("image/gif"), 400))


def test_a_presigned_upload_that_is_not_an_image_is_refused_when_attached(client, user):
    grant = presign(client, user, size=11).json()["data"]
    assert post_to_s3(grant["upload"], b"hello world").status_code in (200, 201, 204)

    response = create_pick(client, user, first=[grant["pickOptionImageId"]])

    assert (response.status_code, response.json()) == (400, fail(bad_type("application/octet-stream"), 400))


# Attaching images to picks -------------------------------------------------------------------------------------------


def test_pick_with_uploaded_images_on_both_options(client, user, s3, bucket):
    # Given two images for the first option and one for the second
    a, b = upload(client, user, [("a.png", png(), "image/png"), ("b.jpg", JPEG, "image/jpeg")]).json()["data"][
        "pickOptionImages"
    ]
    c = uploaded(client, user, file_name="c.png", name=SECOND)

    # When a pick is created with them
    pick_id = created(
        client, user, first=[b["pickOptionImageId"], a["pickOptionImageId"]], second=[c["pickOptionImageId"]]
    )

    # Then the detail shows them in the order given
    assert images_of(detail(client, user, pick_id)) == {
        "firstPickOption": [
            {"id": b["pickOptionImageId"], "imageUrl": b["imageUrl"]},
            {"id": a["pickOptionImageId"], "imageUrl": a["imageUrl"]},
        ],
        "secondPickOption": [{"id": c["pickOptionImageId"], "imageUrl": c["imageUrl"]}],
    }
    assert {attached_tag(s3, bucket, i["imageKey"]) for i in (a, b, c)} == {"true"}


def test_another_members_image_cannot_be_attached(client, user, admin):
    # Given an image the admin uploaded
    theirs = uploaded(client, admin)

    # When the user creates a pick with it
    response = create_pick(client, user, first=[theirs["pickOptionImageId"]])

    # Then it does not exist for the user
    assert (response.status_code, response.json()) == (404, fail(IMAGE_NOT_FOUND, 404))


def test_a_nonexistent_image_cannot_be_attached(client, user):
    response = create_pick(client, user, first=[987654])
    assert (response.status_code, response.json()) == (404, fail(IMAGE_NOT_FOUND, 404))


def test_one_missing_image_among_existing_ones_refuses_the_pick(client, user, s3, bucket):
    mine = uploaded(client, user)
    response = create_pick(client, user, first=[mine["pickOptionImageId"], 987654])
    assert (response.status_code, response.json()) == (404, fail(IMAGE_NOT_FOUND, 404))
    assert attached_tag(s3, bucket, mine["imageKey"]) == "false"
    # the image is still free for the next pick
    assert create_pick(client, user, first=[mine["pickOptionImageId"]]).status_code == 200


def test_an_image_attached_to_one_pick_cannot_be_attached_to_another(client, user):
    # Given an image on a pick
    image = uploaded(client, user)
    first_pick = created(client, user, first=[image["pickOptionImageId"]])

    # When a second pick attaches the same image
    response = create_pick(client, user, second=[image["pickOptionImageId"]])

    # Then it is refused and the first pick keeps it
    assert (response.status_code, response.json()) == (404, fail(IMAGE_NOT_FOUND, 404))
    assert [i["id"] for i in images_of(detail(client, user, first_pick))["firstPickOption"]] == [
        image["pickOptionImageId"]
    ]


# DELETE /picks/image/{id} --------------------------------------------------------------------------------------------


def test_uploader_deletes_an_image_and_its_object(client, user, s3, bucket):
    image = uploaded(client, user)
    assert exists(s3, bucket, image["imageKey"])

    response = client.delete(f"{BASE}/picks/image/{image['pickOptionImageId']}", headers=user)

    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS"})
    assert not exists(s3, bucket, image["imageKey"])
    again = client.delete(f"{BASE}/picks/image/{image['pickOptionImageId']}", headers=user)
    assert (again.status_code, again.json()) == (400, fail(IMAGE_NOT_FOUND, 400))


def test_deleting_an_unknown_image_is_400(client, user):
    response = client.delete(f"{BASE}/picks/image/987654", headers=user)
    assert (response.status_code, response.json()) == (400, fail(IMAGE_NOT_FOUND, 400))


def test_another_member_cannot_delete_an_image(client, user, admin, s3, bucket):
    image = uploaded(client, user)

    response = client.delete(f"{BASE}/picks/image/{image['pickOptionImageId']}", headers=admin)

    assert (response.status_code, response.json()) == (403, fail(ACCESS_DENIED, 403))
    assert exists(s3, bucket, image["imageKey"])


def test_deleting_an_attached_image_takes_it_off_the_pick(client, user, s3, bucket):
    # Given a pick with two images on its first option
    a, b = upload(client, user, [("a.png", png(), "image/png"), ("b.png", png(2, 1), "image/png")]).json()["data"][
        "pickOptionImages"
    ]
    pick_id = created(client, user, first=[a["pickOptionImageId"], b["pickOptionImageId"]])

    # When the uploader deletes one of them
    response = client.delete(f"{BASE}/picks/image/{a['pickOptionImageId']}", headers=user)

    # Then the pick shows only the other, and the object is gone
    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS"})
    assert images_of(detail(client, user, pick_id))["firstPickOption"] == [
        {"id": b["pickOptionImageId"], "imageUrl": b["imageUrl"]}
    ]
    assert not exists(s3, bucket, a["imageKey"])
    assert exists(s3, bucket, b["imageKey"])


# PATCH /picks/{id} ---------------------------------------------------------------------------------------------------


def modify_body(data: dict, first=(), second=(), title: str = "탭 vs 스페이스 (수정)") -> dict:
    options = data["pickOptions"]
    return {
        "pickTitle": title,
        "pickOptions": {
            "firstPickOption": {
                "pickOptionId": options["firstPickOption"]["id"],
                "pickOptionTitle": "탭!",
                "pickOptionImageIds": list(first),
            },
            "secondPickOption": {
                "pickOptionId": options["secondPickOption"]["id"],
                "pickOptionTitle": "스페이스!",
                "pickOptionImageIds": list(second),
            },
        },
    }


def test_modify_sets_exactly_the_images_given(client, user, s3, bucket):
    # Given a pick with image A on the first option, and a new upload B
    old = uploaded(client, user, file_name="old.png")
    pick_id = created(client, user, first=[old["pickOptionImageId"]])
    new = uploaded(client, user, file_name="new.png", name=SECOND)

    # When the author replaces A with B (on the second option)
    body = modify_body(detail(client, user, pick_id), second=[new["pickOptionImageId"]])
    response = client.patch(f"{BASE}/picks/{pick_id}", json=body, headers=user)

    # Then the detail shows exactly B
    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS", "data": {"pickId": pick_id}})
    assert images_of(detail(client, user, pick_id)) == {
        "firstPickOption": [],
        "secondPickOption": [{"id": new["pickOptionImageId"], "imageUrl": new["imageUrl"]}],
    }
    assert attached_tag(s3, bucket, new["imageKey"]) == "true"
    assert attached_tag(s3, bucket, old["imageKey"]) == "false"

    # and A is the uploader's again: another pick may use it, or it may be deleted
    deleted = client.delete(f"{BASE}/picks/image/{old['pickOptionImageId']}", headers=user)
    assert (deleted.status_code, deleted.json()) == (200, {"resultType": "SUCCESS"})
    assert not exists(s3, bucket, old["imageKey"])
    assert images_of(detail(client, user, pick_id))["secondPickOption"] == [
        {"id": new["pickOptionImageId"], "imageUrl": new["imageUrl"]}
    ]


def test_modify_keeps_images_listed_again_and_can_move_them(client, user):
    a = uploaded(client, user, file_name="a.png")
    b = uploaded(client, user, file_name="b.png")
    pick_id = created(client, user, first=[a["pickOptionImageId"]], second=[b["pickOptionImageId"]])

    body = modify_body(detail(client, user, pick_id), first=[b["pickOptionImageId"], a["pickOptionImageId"]])
    assert client.patch(f"{BASE}/picks/{pick_id}", json=body, headers=user).status_code == 200

    assert [i["id"] for i in images_of(detail(client, user, pick_id))["firstPickOption"]] == [
        b["pickOptionImageId"],
        a["pickOptionImageId"],
    ]


def test_modify_with_a_released_image_of_another_pick_is_404(client, user):
    taken = uploaded(client, user)
    created(client, user, first=[taken["pickOptionImageId"]])
    other_pick = created(client, user)

    body = modify_body(detail(client, user, other_pick), first=[taken["pickOptionImageId"]])
    response = client.patch(f"{BASE}/picks/{other_pick}", json=body, headers=user)

    assert (response.status_code, response.json()) == (404, fail(IMAGE_NOT_FOUND, 404))


def test_modify_with_another_members_image_is_404(client, user, admin):
    theirs = uploaded(client, admin)
    pick_id = created(client, user)

    body = modify_body(detail(client, user, pick_id), first=[theirs["pickOptionImageId"]])
    response = client.patch(f"{BASE}/picks/{pick_id}", json=body, headers=user)

    assert (response.status_code, response.json()) == (404, fail(IMAGE_NOT_FOUND, 404))


# DELETE /picks/{id} --------------------------------------------------------------------------------------------------


def test_deleting_a_pick_deletes_its_images(client, user, s3, bucket):
    # Given a pick with an image on each option, and an upload no pick uses
    a = uploaded(client, user, file_name="a.png")
    b = uploaded(client, user, file_name="b.png", name=SECOND)
    spare = uploaded(client, user, file_name="spare.png")
    pick_id = created(client, user, first=[a["pickOptionImageId"]], second=[b["pickOptionImageId"]])

    # When the author deletes the pick
    response = client.delete(f"{BASE}/picks/{pick_id}", headers=user)

    # Then its images are gone from S3 and from the table; the spare upload is untouched
    assert (response.status_code, response.json()) == (200, {"resultType": "SUCCESS"})
    assert not exists(s3, bucket, a["imageKey"])
    assert not exists(s3, bucket, b["imageKey"])
    assert exists(s3, bucket, spare["imageKey"])
    for image in (a, b):
        gone = client.delete(f"{BASE}/picks/image/{image['pickOptionImageId']}", headers=user)
        assert (gone.status_code, gone.json()) == (400, fail(IMAGE_NOT_FOUND, 400))


# Expiry of uploads no pick uses --------------------------------------------------------------------------------------


def test_unattached_uploads_expire_after_the_ttl(custom_runtime, s3, bucket):
    from devdevdev.clock import FixedClock
    from devdevdev.services.pick_images import expire_unattached

    # Given, at a fixed time, an upload a pick uses, one it does not, and a presigned upload never finished
    clock = FixedClock(NOW)
    runtime = custom_runtime(clock=clock, UNATTACHED_IMAGE_TTL_HOURS="24")
    client = make_client(runtime)
    user = bearer(tokens(client)["accessToken"])
    kept = uploaded(client, user, file_name="kept.png")
    orphan = uploaded(client, user, file_name="orphan.png")
    unfinished = presign(client, user).json()["data"]
    pick_id = created(client, user, first=[kept["pickOptionImageId"]])

    # When the sweep runs before the TTL has passed
    clock.advance(hours=23, minutes=59)
    # Then nothing is deleted
    assert expire_unattached(runtime) == 0
    assert exists(s3, bucket, orphan["imageKey"])

    # When it runs after the TTL
    clock.advance(minutes=2)
    assert expire_unattached(runtime) == 2

    # Then the unused uploads are gone (object and record), the attached one stays
    user = bearer(tokens(client)["accessToken"])  # the earlier token has expired on this clock
    assert not exists(s3, bucket, orphan["imageKey"])
    assert exists(s3, bucket, kept["imageKey"])
    for image_id in (orphan["pickOptionImageId"], unfinished["pickOptionImageId"]):
        gone = client.delete(f"{BASE}/picks/image/{image_id}", headers=user)
        assert (gone.status_code, gone.json()) == (400, fail(IMAGE_NOT_FOUND, 400))
    assert images_of(detail(client, user, pick_id))["firstPickOption"] == [
        {"id": kept["pickOptionImageId"], "imageUrl": kept["imageUrl"]}
    ]
    assert expire_unattached(runtime) == 0


def test_an_expired_upload_cannot_be_attached_even_before_the_sweep(custom_runtime):
    from devdevdev.clock import FixedClock

    clock = FixedClock(NOW)
    client = make_client(custom_runtime(clock=clock))
    image = uploaded(client, bearer(tokens(client)["accessToken"]))

    clock.advance(hours=24, seconds=1)
    response = create_pick(client, bearer(tokens(client)["accessToken"]), first=[image["pickOptionImageId"]])

    assert (response.status_code, response.json()) == (404, fail(IMAGE_NOT_FOUND, 404))


def test_an_image_released_by_modify_expires_a_ttl_later(custom_runtime, s3, bucket):
    from devdevdev.clock import FixedClock
    from devdevdev.services.pick_images import expire_unattached

    # Given a pick whose image was released by a modify 10 hours after the upload
    clock = FixedClock(NOW)
    runtime = custom_runtime(clock=clock)
    client = make_client(runtime)
    user = bearer(tokens(client)["accessToken"])
    image = uploaded(client, user)
    pick_id = created(client, user, first=[image["pickOptionImageId"]])
    clock.advance(hours=10)
    user = bearer(tokens(client)["accessToken"])
    body = modify_body(detail(client, user, pick_id))
    assert client.patch(f"{BASE}/picks/{pick_id}", json=body, headers=user).status_code == 200

    # Then it survives the upload's own TTL but not a TTL after its release
    clock.advance(hours=20)
    assert expire_unattached(runtime) == 0
    clock.advance(hours=4, seconds=1)
    assert expire_unattached(runtime) == 1
    assert not exists(s3, bucket, image["imageKey"])


def test_ttl_is_measured_from_the_runtime_clock(custom_runtime):
    from devdevdev.clock import FixedClock
    from devdevdev.services.pick_images import expiry

    runtime = custom_runtime(clock=FixedClock(NOW), UNATTACHED_IMAGE_TTL_HOURS="2")
    assert expiry(runtime) == NOW + timedelta(hours=2)


def test_an_image_whose_object_expired_cannot_be_attached_and_the_others_are_untagged(client, user, s3, bucket):
    # Given two uploads, one of whose objects the bucket's expiry rule has already removed
    kept, gone = uploaded(client, user), uploaded(client, user, file_name="old.png")
    s3.delete_object(Bucket=bucket, Key=gone["imageKey"])
    # When a pick tries to attach both
    response = create_pick(client, user, first=[kept["pickOptionImageId"], gone["pickOptionImageId"]])
    # Then it is the contract's 404, and the image that was tagged on the way is unattached again (so it can expire)
    assert (response.status_code, response.json()) == (404, fail("픽픽픽 선택지 이미지가 존재하지 않습니다.", 404))
    assert attached_tag(s3, bucket, kept["imageKey"]) == "false"
    assert created(client, user, first=[kept["pickOptionImageId"]]) > 0
