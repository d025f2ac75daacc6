"""Parts group the stack's resources without renaming them.

CloudFormation knows a resource by its logical id, which CDK derives from the construct's path: putting a resource
under a new construct changes its id, and a deploy would then replace it (a new table, bucket, search domain, API
URL...). A :class:`Part` is a construct that groups resources *transparently*: :func:`keep_flat_logical_ids` renames
every resource under a part to the id it would have as a direct child of the stack (``Stack.rename_logical_id``), so
the parts change the code's shape and nothing in the deployed template.

The id is CDK's own scheme (``makeUniqueId``: the path's components, ``Default`` dropped, a readable prefix and an
MD5 hash of the path), reproduced by :func:`make_unique_id`; :func:`keep_flat_logical_ids` checks it against CDK's
result for every resource it renames, so a change of the scheme in CDK fails the synth instead of renaming at random.
Construct ids that embed another construct's unique id (event source mappings, the HTTP API's invoke permissions)
embed its flat one.
"""

from __future__ import annotations

import hashlib
import re

import aws_cdk as cdk
from constructs import Construct, IConstruct

_HIDDEN_ID = "Default"
_HIDDEN_FROM_HUMAN_ID = "Resource"
_HASH_LENGTH = 8
_MAX_HUMAN_LENGTH = 240
_MAX_ID_LENGTH = 255
_NON_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]")


class Part(Construct):
    """A construct that groups a code group's resources; its id never appears in their logical ids."""


def make_unique_id(components: list[str]) -> str:
    """CDK's logical id of a construct path (``makeUniqueId`` in aws-cdk-lib's ``core/lib/private/uniqueid``)."""
    components = [c for c in components if c != _HIDDEN_ID]
    if not components:
        raise ValueError("a unique id needs at least one path component")
    if len(components) == 1:
        candidate = _NON_ALPHANUMERIC.sub("", components[0])
        if len(candidate) <= _MAX_ID_LENGTH:
            return candidate
    digest = hashlib.md5("/".join(components).encode(), usedforsecurity=False).hexdigest()[:_HASH_LENGTH].upper()
    human: list[str] = []
    for component in components:
        if not human or not human[-1].endswith(component):
            human.append(component)
    readable = "".join(_NON_ALPHANUMERIC.sub("", c) for c in human if c != _HIDDEN_FROM_HUMAN_ID)
    return readable[:_MAX_HUMAN_LENGTH] + digest


def keep_flat_logical_ids(stack: cdk.Stack) -> dict[str, str]:
    """Rename every CloudFormation element under a :class:`Part` of ``stack`` to its id without the parts; return
    the renames (old id → kept id). Call it once, when the stack's constructs are all created."""
    flat_unique_ids = {}  # a construct's unique id (from the app's root) → the one it has without the parts
    for construct in stack.node.find_all():
        scopes = construct.node.scopes[1:]
        if any(isinstance(scope, Part) for scope in scopes):
            flat_unique_ids[cdk.Names.unique_id(construct)] = make_unique_id(_flat(scopes))
    embedded = (
        re.compile("|".join(map(re.escape, sorted(flat_unique_ids, key=len, reverse=True))))
        if flat_unique_ids
        else None
    )
    renames = {}
    for construct in stack.node.find_all():
        if not cdk.CfnElement.is_cfn_element(construct):
            continue
        below = construct.node.scopes[construct.node.scopes.index(stack) + 1 :]
        if not any(isinstance(scope, Part) for scope in below):
            continue
        current = stack.get_logical_id(construct)  # type: ignore[arg-type]
        if make_unique_id([scope.node.id for scope in below]) != current:
            raise RuntimeError(
                f"CDK's logical id scheme changed ({construct.node.path} is {current}): see infra/parts/ids.py"
            )
        flat = [scope.node.id for scope in below if not isinstance(scope, Part)]
        if embedded is not None:
            flat = [embedded.sub(lambda found: flat_unique_ids[found[0]], component) for component in flat]
        kept = make_unique_id(flat)
        if kept != current:
            stack.rename_logical_id(current, kept)
            renames[current] = kept
    return renames


def _flat(scopes: list[IConstruct]) -> list[str]:
    return [scope.node.id for scope in scopes if not isinstance(scope, Part)]
