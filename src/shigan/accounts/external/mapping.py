"""The configured group → role mapping (SHIGAN_LOGIN_ROLE_MAP).

JSON, given inline or as the path of a file: each external group (an LDAP group DN, a value of
the OIDC groups claim, a value of the CAS groups attribute) names a list of roles on units:

    {"cn=clerks,ou=groups,dc=example,dc=org": [{"unit": "152522000000", "role": "editor"}]}

A unit is given by its division code or by its names from the top, joined by "/"
("内蒙古自治区/锡林郭勒盟/阿巴嘎旗"). Group names compare without regard to case (LDAP DNs do).
Without a mapping nobody gets a role from an external login."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["Grant", "role_map", "grants_for"]

ROLES = {"admin", "editor", "leader", "viewer"}  # orgs.choices.Role, which accounts may not import


@dataclass(frozen=True)
class Grant:
    unit: str  # division code or "/"-joined names
    role: str


def _load(raw: str) -> dict[str, Any]:
    raw = raw.strip()
    if not raw:
        return {}
    text = raw if raw.startswith("{") else Path(raw).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ImproperlyConfigured(f"SHIGAN_LOGIN_ROLE_MAP is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ImproperlyConfigured("SHIGAN_LOGIN_ROLE_MAP must be a JSON object")
    return data


def role_map() -> dict[str, list[Grant]]:
    mapping: dict[str, list[Grant]] = {}
    for group, entries in _load(getattr(settings, "SHIGAN_LOGIN_ROLE_MAP", "")).items():
        grants: list[Grant] = []
        for entry in entries if isinstance(entries, list) else [entries]:
            role = str(entry.get("role", "")).strip()
            if role not in ROLES or not str(entry.get("unit", "")).strip():
                raise ImproperlyConfigured(
                    f"SHIGAN_LOGIN_ROLE_MAP: {group!r} needs a unit and one of the roles {ROLES}"
                )
            grants.append(Grant(unit=str(entry["unit"]).strip(), role=role))
        mapping[group.strip().lower()] = grants
    return mapping


def grants_for(groups: Iterable[str]) -> list[Grant] | None:
    """The grants the user's groups are mapped to; None when no mapping is configured at all
    (the roles of the user are then left alone)."""
    mapping = role_map()
    if not mapping:
        return None
    found: list[Grant] = []
    for group in groups:
        for grant in mapping.get(str(group).strip().lower(), []):
            if grant not in found:
                found.append(grant)
    return found
