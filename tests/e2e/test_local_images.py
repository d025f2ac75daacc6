"""Images uploaded on `make run` survive its restart, at the same URL (real processes, real HTTP, Ctrl-C)."""

from __future__ import annotations

from pathlib import Path

import httpx

from infra.local.services import free_port, port_is_free
from tests.e2e.test_local_stack import BASE, start, stop

ROOT = Path(__file__).resolve().parents[2]
PHOTO = (ROOT / "samples" / "photo.png").read_bytes()


def ports_with_a_free_neighbour() -> int:
    """A free port whose next one is free too (the stack's S3 takes PORT+1)."""
    while True:
        port = free_port()
        if port_is_free(port + 1):
            return port


def test_uploaded_images_survive_a_restart_at_the_same_url(tmp_path):
    port = ports_with_a_free_neighbour()
    data_dir = tmp_path / "ddb"
    stack = start(port, data_dir)
    try:
        api = httpx.Client(base_url=f"http://127.0.0.1:{port}{BASE}", timeout=15)
        member = {"Authorization": f"Bearer {api.get('/token/test/user').json()['data']['accessToken']}"}
        # One image through the API, one by presigned POST straight to S3, and a grant not used before the restart
        uploaded = api.post(
            "/picks/image",
            params={"name": "firstPickOptionImage"},
            files={"pickOptionImages": ("photo.png", PHOTO, "image/png")},
            headers=member,
        )
        assert uploaded.status_code == 200, uploaded.text
        first = uploaded.json()["data"]["pickOptionImages"][0]
        assert first["imageUrl"].startswith(f"http://127.0.0.1:{port}/images/local/pickpickpick/")
        grants = []
        for _ in range(2):
            body = {"name": "secondPickOptionImage", "fileName": "photo.png", "contentType": "image/png"}
            granted = api.post("/picks/image/upload-url", json={**body, "size": len(PHOTO)}, headers=member)
            assert granted.status_code == 200, granted.text
            grants.append(granted.json()["data"])
        assert grants[0]["upload"]["url"].startswith(f"http://127.0.0.1:{port + 1}")
        form = grants[0]["upload"]
        posted = httpx.post(form["url"], data=form["fields"], files={"file": ("photo.png", PHOTO, "image/png")})
        assert posted.status_code in (200, 201, 204), posted.text
        ids = {"first": [first["pickOptionImageId"]], "second": [grants[0]["pickOptionImageId"]]}
        pick = {
            "pickTitle": "재시작해도 남는 그림",
            "pickOptions": {
                "firstPickOption": {"pickOptionTitle": "업로드", "pickOptionImageIds": ids["first"]},
                "secondPickOption": {"pickOptionTitle": "미리 서명된 POST", "pickOptionImageIds": ids["second"]},
            },
        }
        created = api.post("/picks", json=pick, headers=member)
        assert created.status_code == 200, created.text
        pick_id = created.json()["data"]["pickId"]
    finally:
        stop(stack)

    stack = start(port, data_dir)
    try:
        api = httpx.Client(base_url=f"http://127.0.0.1:{port}{BASE}", timeout=15)
        member = {"Authorization": f"Bearer {api.get('/token/test/user').json()['data']['accessToken']}"}
        options = api.get(f"/picks/{pick_id}", headers=member).json()["data"]["pickOptions"]
        urls = [image["imageUrl"] for option in options.values() for image in option["pickDetailOptionImages"]]
        assert urls == [first["imageUrl"], grants[0]["imageUrl"]]
        for url in urls:
            image = httpx.get(url)
            assert image.status_code == 200, url
            assert (image.status_code, image.headers["content-type"], image.content) == (200, "image/png", PHOTO)
        # The grant handed out before the restart still uploads, to the same S3 port
        form = grants[1]["upload"]
        posted = httpx.post(form["url"], data=form["fields"], files={"file": ("photo.png", PHOTO, "image/png")})
        assert posted.status_code in (200, 201, 204), posted.text
        later = httpx.get(grants[1]["imageUrl"])
        assert (later.status_code, later.content) == (200, PHOTO)
    finally:
        output = stop(stack)
    assert "restored 2 image(s)" in output
