"""The access model: ``access.yml`` read and checked, job roles and actions as objects.

The file is the one statement of who may read what and who may change data; everything the
serving database grants is derived from it (``views``, ``apply``), and ``drift`` compares the
live database with it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROW_SCOPES = ("all", "team", "own")
ACTIONS = ("steward_override", "quarantine_replay")
JOB_ROLES = (
    "director",
    "sales_manager",
    "sales_rep",
    "finance",
    "support_lead",
    "auditor",
    "data_engineer",
)
"""The job roles the serving contract names; access.yml may add others."""
SCHEMAS = ("marts", "audit")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


class AccessModelError(ValueError):
    """access.yml is not a valid access model; the message names the file and the entry."""


@dataclass(frozen=True)
class Role:
    name: str
    read: tuple[str, ...]
    """Entries ``marts``, ``marts.<area>``, ``marts.<mart>``, ``audit``, ``audit.<table>``."""
    rows: str
    pii: bool
    description: str = ""

    @property
    def filtered(self) -> bool:
        """Whether this role reads only the rows of some CRM users (team or own)."""
        return self.rows != "all"


@dataclass(frozen=True)
class AccessModel:
    roles: dict[str, Role]
    actions: dict[str, tuple[str, ...]]
    row_owner: tuple[str, ...]
    source: Path
    sha256: str

    def role(self, name: str) -> Role:
        if name not in self.roles:
            raise AccessModelError(
                f"no role {name!r} in {self.source}: one of {', '.join(self.roles)}"
            )
        return self.roles[name]

    def may(self, role: str, action: str) -> bool:
        """Whether a login of job role ``role`` may perform ``action``."""
        return role in self.actions.get(action, ())


def load(path: Path) -> AccessModel:
    """Read and check access.yml; every problem is reported at once, naming its entry."""
    if not path.is_file():
        raise AccessModelError(f"no access model at {path} (set SALESDW_ACCESS_FILE)")
    text = path.read_text(encoding="utf-8")
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise AccessModelError(f"{path}: not valid YAML: {exc}") from None
    problems: list[str] = []
    roles = _roles(raw.get("roles"), problems)
    actions = _actions(raw.get("actions") or {}, roles, problems)
    row_owner = raw.get("row_owner")
    if (
        not isinstance(row_owner, list)
        or not row_owner
        or not all(isinstance(c, str) and _NAME.match(c) for c in row_owner)
    ):
        problems.append("row_owner: expected a list of column names, e.g. [client_id]")
        row_owner = []
    if problems:
        raise AccessModelError(f"{path}: " + "; ".join(problems))
    return AccessModel(
        roles=roles,
        actions=actions,
        row_owner=tuple(row_owner),
        source=path,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def _roles(raw: object, problems: list[str]) -> dict[str, Role]:
    if not isinstance(raw, dict) or not raw:
        problems.append("roles: expected a mapping of job roles")
        return {}
    roles = {}
    for name, spec in raw.items():
        where = f"roles.{name}"
        if not isinstance(name, str) or not _NAME.match(name):
            problems.append(f"{where}: a role name is lower case letters, digits and _")
            continue
        if not isinstance(spec, dict):
            problems.append(f"{where}: expected read, rows and pii")
            continue
        unknown = set(spec) - {"read", "rows", "pii", "description"}
        if unknown:
            problems.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        read = spec.get("read")
        if not isinstance(read, list) or not all(isinstance(r, str) for r in read):
            problems.append(f"{where}.read: expected a list such as [marts.revenue, audit]")
            read = []
        for entry in read:
            if entry.split(".", 1)[0] not in SCHEMAS:
                problems.append(f"{where}.read: {entry!r} is not under marts or audit")
        rows = spec.get("rows")
        if rows not in ROW_SCOPES:
            problems.append(f"{where}.rows: {rows!r}, expected one of {', '.join(ROW_SCOPES)}")
        pii = spec.get("pii", False)
        if not isinstance(pii, bool):
            problems.append(f"{where}.pii: expected true or false, got {pii!r}")
        roles[name] = Role(name, tuple(read), str(rows), bool(pii), spec.get("description", ""))
    missing = [r for r in JOB_ROLES if r not in roles]
    if missing:
        problems.append(f"roles: the serving contract's job roles are missing: {missing}")
    return roles


def _actions(raw: object, roles: dict[str, Role], problems: list[str]) -> dict[str, tuple]:
    if not isinstance(raw, dict):
        problems.append("actions: expected a mapping of action to a list of roles")
        return {}
    out = {}
    for action, allowed in raw.items():
        if action not in ACTIONS:
            problems.append(f"actions: unknown action {action!r} ({', '.join(ACTIONS)})")
            continue
        if not isinstance(allowed, list):
            problems.append(f"actions.{action}: expected a list of roles")
            continue
        for role in allowed:
            if role not in roles:
                problems.append(f"actions.{action}: {role!r} is not a role of this file")
        out[action] = tuple(allowed)
    return out
