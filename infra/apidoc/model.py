"""The documentation registry's vocabulary: an endpoint, its parameters and its fields.

Fields are written as the contract's REST Docs tables write them (``data.content[].id``, ``Number``, ``O`` for
optional), so an entry can be checked against the contract line by line.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

INT: dict[str, Any] = {"type": "integer", "format": "int64"}
NUMBER: dict[str, Any] = {"type": "number"}


def enum(*values: str) -> dict[str, Any]:
    """A string parameter that takes one of ``values``."""
    return {"type": "string", "enum": list(values)}


@dataclass(frozen=True)
class Field:
    """One row of a request or response fields table."""

    path: str
    type: str  # String, Number, Boolean, Object, Array, Varies
    description: str
    optional: bool = False
    nullable: bool = False  # present, but may be null (the contract's "O" covers absent and null alike)


def F(path: str, type: str, description: str, *, optional: bool = False, nullable: bool = False) -> Field:  # noqa: N802
    """A field row."""
    return Field(path, type, description, optional, nullable)


@dataclass(frozen=True)
class Param:
    """A path, query, header, cookie or multipart form parameter."""

    name: str
    description: str
    optional: bool = False
    schema: Any = None  # a JSON schema dict; None is a string


def P(name: str, description: str, *, optional: bool = False, schema: dict[str, Any] | None = None) -> Param:  # noqa: N802
    """A parameter."""
    return Param(name, description, optional, schema)


@dataclass(frozen=True, kw_only=True)
class Doc:
    """The documentation of one route, written in its group's module under the route's key."""

    summary: str
    description: str = ""
    auth: Literal["none", "optional", "required"] = "none"
    anonymous: bool = False  # reads the Anonymous-Member-Id header
    headers: tuple[Param, ...] = ()
    cookies: tuple[Param, ...] = ()
    path: tuple[Param, ...] = ()
    query: tuple[Param, ...] = ()
    body: tuple[Field, ...] = ()
    multipart: tuple[Param, ...] = ()
    response: tuple[Field, ...] = ()
    errors: tuple[str, ...] = ()  # names in devdevdev.domain.errors.Errors
    success_status: int = 200
    success_kind: Literal["json", "redirect", "event-stream"] = "json"


@dataclass(frozen=True, kw_only=True)
class Endpoint(Doc):
    """A route's documentation bound to its route key (``infra.routes.Route.route_key``) and function group."""

    route_key: str
    group: str

    @classmethod
    def of(cls, route_key: str, group: str, doc: Doc) -> Endpoint:
        """``doc`` as the documentation of ``route_key`` in ``group``."""
        return cls(route_key=route_key, group=group, **{f.name: getattr(doc, f.name) for f in fields(Doc)})

    @property
    def method(self) -> str:
        return self.route_key.split(" ", 1)[0]

    @property
    def url_path(self) -> str:
        return self.route_key.split(" ", 1)[1]
