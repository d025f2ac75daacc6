"""Reading ``multipart/form-data`` bodies (python-multipart's streaming parser, as Starlette uses it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from devdevdev.domain.errors import bad_request


@dataclass
class Part:
    """One part: a form field (``file_name`` None) or a file."""

    name: str
    file_name: str | None
    content_type: str | None
    data: bytearray = field(default_factory=bytearray)


def parse_multipart(content_type_header: str | None, body: bytes) -> list[Part]:
    """The parts of a multipart body, in order. Not multipart, no boundary, or a broken or cut-off body → 400."""
    media_type, params = parse_options_header(content_type_header or "")
    if media_type != b"multipart/form-data":
        raise bad_request("multipart/form-data 형식으로 요청해주세요.")
    boundary = params.get(b"boundary")
    if not boundary:
        raise bad_request("multipart 요청에 boundary가 없습니다.")

    parts: list[Part] = []
    ended: list[bool] = []
    headers: dict[str, str] = {}
    header_field = bytearray()
    header_value = bytearray()

    def on_part_begin() -> None:
        headers.clear()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_field.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        # Byte for byte (latin-1), as Starlette does: browsers send a file name as raw UTF-8, which the parameter
        # parser below handles only in this form; the name and file name are decoded as UTF-8 afterwards.
        headers[header_field.decode("latin-1").lower()] = header_value.decode("latin-1")
        header_field.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        _, disposition = parse_options_header(headers.get("content-disposition", ""))
        name = disposition.get(b"name", b"").decode("utf-8", errors="replace")
        file_name = disposition.get(b"filename")
        content_type = headers.get("content-type")
        parts.append(
            Part(
                name=name,
                file_name=None if file_name is None else file_name.decode("utf-8", errors="replace"),
                content_type=content_type.split(";")[0].strip().lower() if content_type else None,
            )
        )

    def on_part_data(data: bytes, start: int, end: int) -> None:
        parts[-1].data.extend(data[start:end])

    def on_end() -> None:
        ended.append(True)

    callbacks = {
        "on_part_begin": on_part_begin,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished,
        "on_part_data": on_part_data,
        "on_end": on_end,
    }
    try:
        parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
        parser.write(body)
        parser.finalize()
    except (MultipartParseError, IndexError, ValueError):
        raise bad_request("multipart 요청 본문을 읽을 수 없습니다.") from None
    if not ended:  # no closing boundary: a cut-off body (python-multipart's finalize() does not check this)
        raise bad_request("multipart 요청 본문을 읽을 수 없습니다.")
    return parts
