"""Schema checks for the curated YAML registers in ``data/``.

A register is a YAML list of records (mappings). Each register declares its
fields once; :func:`load_register` reads the file and stops at the first
problem with a :class:`~mkbbook.errors.DataError` that names the file, the
record id, the field and the fix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import yaml

from .errors import DataError

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when libyaml is there: faster


class InvalidDate(str):
    """A value written as a date that does not exist (2026-11-31): kept as text, refused by validation."""


class _RegisterLoader(SAFE_LOADER):
    """The safe loader, but an impossible date becomes an InvalidDate instead of a ValueError."""


def _timestamp(loader, node):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return InvalidDate(loader.construct_scalar(node))


_RegisterLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
KINDS = ("str", "int", "float", "date", "url", "str_list", "url_list", "code_list", "dict_list", "count_map")


@dataclass(frozen=True)
class Field:
    """One field of a register.

    kind: str, int, float, date (YYYY-MM-DD), url (http/https), str_list,
    url_list, code_list (a list of strings checked by ``choices`` or a
    ``check``), dict_list (a list of mappings checked by ``check``) or
    count_map (a mapping of codes, checked by ``choices``, to whole numbers >= 0).
    choices: allowed values (for str, or for each item of a list).
    help: how to fill the field; shown in the error's fix.
    """

    name: str
    kind: str
    required: bool = False
    choices: frozenset | None = None
    help: str = ""

    def __post_init__(self):
        if self.choices is not None and not isinstance(self.choices, frozenset):
            object.__setattr__(self, "choices", frozenset(self.choices))  # accept any iterable
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")


def read_yaml_list(path: Path) -> list:
    """Read a YAML file that holds a list of mappings."""
    path = Path(path)
    if not path.exists():
        raise DataError(path, "file not found", fix="restore the file from git or check the path")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_RegisterLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise DataError(path, f"not valid YAML{where}: {getattr(exc, 'problem', exc)}",
                        fix="check indentation and quotes around that line") from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise DataError(path, "the file must be a YAML list of records (each starting with '- id: ...')")
    return data


def _is_url(value) -> bool:
    """An http(s) address with a host name (``https://`` alone, or ``https://x`` is not a source)."""
    from urllib.parse import urlsplit

    if not isinstance(value, str) or not value.startswith(("https://", "http://")) or " " in value.strip():
        return False
    try:
        host = urlsplit(value.strip()).hostname or ""
    except ValueError:
        return False
    return "." in host.strip(".") or host == "localhost"


def _invalid_dates(value, where=()):
    """(path, text) of every impossible date inside a value (nested lists and mappings included)."""
    if isinstance(value, InvalidDate):
        yield where, str(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _invalid_dates(item, where + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value, start=1):
            yield from _invalid_dates(item, where + (i,))


def _check_value(path, rid, field: Field, value):
    def fail(problem, fix=None):
        raise DataError(path, problem, record=rid, field=field.name, fix=fix or field.help)

    kind = field.kind
    if kind == "str":
        if not isinstance(value, str) or not value.strip():
            fail(f"expected text, got {value!r}")
        if field.choices and value not in field.choices:
            fail(f"{value!r} is not allowed", f"use one of: {', '.join(sorted(field.choices))}")
    elif kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            fail(f"expected a whole number, got {value!r}")
    elif kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            fail(f"expected a number, got {value!r}")
    elif kind == "date":
        if isinstance(value, dt.date):
            return
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            fail(f"expected a date as YYYY-MM-DD, got {value!r}")
    elif kind == "url":
        if not _is_url(value):
            fail(f"expected a full web address with a host name (https://example.org/...), got {value!r}")
    elif kind == "count_map":  # a mapping code -> whole number >= 0, codes checked by choices
        if not isinstance(value, dict) or not value:
            fail(f"expected a mapping of codes to numbers (such as 'micro: 12'), got {value!r}")
        for code, count in value.items():
            if field.choices and code not in field.choices:
                fail(f"{code!r} is not allowed", f"use one or more of: {', '.join(sorted(field.choices))}")
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                fail(f"the number for {code!r} must be a whole number of 0 or more, got {count!r}")
    elif kind in ("str_list", "url_list", "code_list", "dict_list"):
        if not isinstance(value, list) or not value:
            fail(f"expected a non-empty list, got {value!r}")
        for item in value:
            if kind == "url_list" and not _is_url(item):
                fail(f"{item!r} is not a web address with a host name",
                     "give each source as a full address, such as https://www.example.nl/page")
            if kind == "dict_list" and not isinstance(item, dict):
                fail(f"expected a list of mappings, got item {item!r}")
            if kind in ("str_list", "code_list") and (not isinstance(item, str) or not item.strip()):
                fail(f"expected a list of text values, got item {item!r}")
            if field.choices and item not in field.choices:
                fail(f"{item!r} is not allowed", f"use one or more of: {', '.join(sorted(field.choices))}")


Check = Callable[[Path, str, dict], None]


def validate_records(path, records: Iterable, fields: list[Field], *, checks: Iterable[Check] = (),
                     id_field: str = "id") -> list[dict]:
    """Check each record against ``fields`` and the extra ``checks``; return the records.

    A check is called as ``check(path, record_id, record)`` and raises
    DataError itself. Unknown fields, missing required fields, wrong types,
    values outside ``choices`` and duplicate ids are all refused.
    """
    path = Path(path)
    by_name = {f.name: f for f in fields}
    seen: set = set()
    out = []
    for position, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise DataError(path, f"record number {position} is not a mapping",
                            fix="start each record with '- id: ...' followed by 'field: value' lines")
        rid = record.get(id_field)
        label = rid if isinstance(rid, str) and rid else f"#{position}"
        if not isinstance(rid, str) or not rid.strip():
            raise DataError(path, "the record has no id", record=label, field=id_field,
                            fix="give every record a unique id of lower-case letters, digits and '-'")
        if rid in seen:
            raise DataError(path, "this id is used twice", record=rid, field=id_field,
                            fix="give each record its own id")
        seen.add(rid)
        for where, text in _invalid_dates(record):
            raise DataError(path, f"{text!r} is not an existing date", record=rid, field=where[0],
                            fix="write a real calendar date as YYYY-MM-DD (check day and month)"
                                + (f"; at {'/'.join(map(str, where))}" if len(where) > 1 else ""))
        for key in record:
            if key not in by_name:
                raise DataError(path, "unknown field", record=rid, field=key,
                                fix=f"remove it or rename it to one of: {', '.join(by_name)}")
        for field in fields:
            value = record.get(field.name)
            if value is None or value == "" or value == []:
                if field.required:
                    raise DataError(path, "required field is missing or empty", record=rid,
                                    field=field.name, fix=field.help or "fill it in")
                continue
            _check_value(path, rid, field, value)
        for check in checks:
            check(path, rid, record)
        out.append(record)
    return out


def load_register(path, fields: list[Field], *, checks: Iterable[Check] = (),
                  allow_empty: bool = False) -> list[dict]:
    """Read a YAML register and validate it; see :func:`validate_records`.

    A register without records is refused (the chapters built on it would fail far from the cause), unless
    `allow_empty` (the monitoring register starts empty).
    """
    path = Path(path)
    records = read_yaml_list(path)
    if not records and not allow_empty:
        raise DataError(path, "the register has no records",
                        fix="restore the records from git (git diff / git checkout of this file) or add at least one")
    return validate_records(path, records, fields, checks=checks)
