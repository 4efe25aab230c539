"""Every fixed string of the reports (comment, job summary, terminal text): one `Strings` a
language, read at import from its file in locales/ (en.yaml, ja.yaml). A key missing from a
file, or one the reports do not know, fails at import; tests/report/test_i18n.py checks that
every language holds the same keys and each string the same `{fields}`."""

from __future__ import annotations

import typing
from dataclasses import dataclass, fields
from enum import Enum
from importlib import resources
from typing import Any

from argodiff import yamlio
from argodiff.errors import ConfigError
from argodiff.model import AppStatus, Change, Lifecycle, SideKind


@dataclass(frozen=True)
class Strings:
    """One language. `{…}` fields are filled with str.format; pairs are (singular, plural)."""

    lang: str
    """The file's name: `en` for locales/en.yaml."""
    title: str
    part: str
    continued: str
    continued_next: str
    parts_cut: str
    compared: str
    server: str
    mode_revision: str
    mode_local: str
    mode_offline: str
    mode_target: str
    sides: dict[SideKind, str]
    """How a side that is not a revision is named."""
    rendered: dict[str, str]
    """`argocd`, `argodiff` (against live) and `both` (two local renders)."""
    comparison: str
    comparison_plain: str
    apps: tuple[str, str]
    statuses: dict[AppStatus, tuple[str, str]]
    list_sep: str
    results: dict[AppStatus, str]
    lifecycles: dict[Lifecycle, str]
    changes: dict[Change, str]
    count: str
    lines: str
    table_app: str
    table_result: str
    table_sync: str
    table_health: str
    table_lines: str
    table_link: str
    open_in_argocd: str
    no_changes: str
    no_apps: str
    errors: str
    cause: str
    changed_apps: str
    large_diffs: str
    large_moved: str
    unchanged: str
    skipped: str
    defined_in: str
    warning: str
    details: str
    changed_fields: str
    more: str
    folded: str
    whole_in_summary: str
    whole_in_artifact: str
    no_diff_text: str
    no_message: str
    commit: str
    workflow_run: str
    results_artifact: str
    job_summary: str
    cut: str
    text_compared: str
    text_via: str
    text_file: str
    text_error: str
    text_warning: str
    text_note: str
    text_changed: str
    text_skipped: str
    text_notice: str
    diff_mode: str
    diff_modes: dict[str, str]
    """Each diff mode (`server-side`, `structured-merge`, `three-way`, `offline`) in words."""
    diff_legend: str
    text_diff: str
    text_diff_legend: str


def _typed(value: Any, hint: Any, where: str) -> Any:
    """`value` as read from YAML, made what `hint` (a field's type) says: a string, a
    (singular, plural) pair, or a mapping; an enum-keyed mapping names each member once."""
    if hint is str:
        if not isinstance(value, str):
            raise ValueError(f"{where}: not a string")
        return value
    args = typing.get_args(hint)
    if typing.get_origin(hint) is tuple:
        if not isinstance(value, list) or len(value) != len(args):
            raise ValueError(f"{where}: not a list of {len(args)}")
        return tuple(
            _typed(v, a, f"{where}[{i}]") for i, (v, a) in enumerate(zip(value, args, strict=True))
        )
    key, item = args
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise ValueError(f"{where}: not a mapping of names")
    if issubclass(key, Enum) and set(value) != {member.value for member in key}:
        raise ValueError(f"{where}: the keys are not {', '.join(m.value for m in key)}")
    return {key(k): _typed(v, item, f"{where}.{k}") for k, v in value.items()}


def parse(lang: str, text: str) -> Strings:
    """A language's strings from the text of its file; ValueError names a missing, unknown
    or malformed key."""
    name = f"locales/{lang}.yaml"
    (data,) = yamlio.iter_documents(text, name)
    if not isinstance(data, dict):
        raise ValueError(f"{name}: not a mapping")
    keys = [f.name for f in fields(Strings) if f.name != "lang"]
    if missing := [k for k in keys if k not in data]:
        raise ValueError(f"{name}: no {', '.join(missing)}")
    if unknown := [str(k) for k in data if k not in keys]:
        raise ValueError(f"{name}: unknown {', '.join(unknown)}")
    hints = typing.get_type_hints(Strings)
    return Strings(lang=lang, **{k: _typed(data[k], hints[k], f"{name}: {k}") for k in keys})


LOCALES = resources.files("argodiff.report").joinpath("locales")
"""The languages' files, package data: the wheel and the image carry them."""
LANGUAGES = {
    lang: parse(lang, LOCALES.joinpath(f"{lang}.yaml").read_text(encoding="utf-8"))
    for lang in ("en", "ja")
}
EN, JA = LANGUAGES["en"], LANGUAGES["ja"]


def strings(lang: str) -> Strings:
    """The strings for `lang` (`en` or `ja`)."""
    try:
        return LANGUAGES[lang]
    except KeyError:
        known = ", ".join(LANGUAGES)
        raise ConfigError(f"unknown report language {lang!r} (known: {known})") from None
