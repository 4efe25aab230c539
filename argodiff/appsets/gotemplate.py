"""`goTemplate: true`: Go text/template with Sprig, rendered by Helm's template engine.

The ApplicationSet controller renders every string field of the template as its own Go
template, with the parameter set as data and Sprig's functions minus `env`, `expandenv` and
`getHostByName` (applicationset/utils/utils.go). argodiff does not reimplement Go templates:
it writes a one-template chart whose partials are the strings and whose values are the
parameter sets, and runs `helm template` once for all parameter sets of an ApplicationSet.

Helm's engine has more than Argo CD's: `include`, `tpl`, `lookup`, `required`, TOML and
`getHostByName`. A pull request is hostile, so a template that names one of them is refused
before Helm runs (a template can only call functions by name: nothing dynamic gets past the
check). `define`, `template` and `block` are refused too: all strings share one chart here,
where in Argo CD each is parsed alone.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from argodiff import command, sandbox
from argodiff.appsets.params import Params
from argodiff.errors import ManifestError
from argodiff.yamlio import load_manifests

CHART = "argodiff-appset"
NO_VALUE = "<no value>"
MAX_OUTPUT_BYTES = 64 * 1024 * 1024

REFUSED_FUNCTIONS = {
    "env": "reads argodiff's environment (Argo CD removes it)",
    "expandenv": "reads argodiff's environment (Argo CD removes it)",
    "getHostByName": "resolves host names (Argo CD removes it)",
    "lookup": "is Helm's cluster lookup, not an ApplicationSet function",
    "include": "is a Helm function, not an ApplicationSet function",
    "tpl": "evaluates a template built at run time, which argodiff cannot check",
    "required": "is a Helm function, not an ApplicationSet function",
    "toToml": "is a Helm function, not an ApplicationSet function",
    "fromToml": "is a Helm function, not an ApplicationSet function",
    "mustToToml": "is a Helm function, not an ApplicationSet function",
    "fromJsonArray": "is a Helm function, not an ApplicationSet function",
    "toYamlPretty": "is a Helm function, not an ApplicationSet function",
    "normalize": "is Argo CD's own function, which argodiff's Helm-based engine lacks",
    "slugify": "is Argo CD's own function, which argodiff's Helm-based engine lacks",
}
REFUSED_KEYWORDS = ("define", "template", "block")
_WORD = re.compile(r"[.$]?[A-Za-z_][A-Za-z0-9_]*")
_FIELD_CHAIN = re.compile(r"(?<![\w)\].$])(\$?)((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")
_OUTPUT = """\
{{- range $i, $job := .Values.jobs }}
---
kind: Rendered
metadata:
  name: "j{{ $i }}"
strings:
{{- range $t := $job.t }}
  - {{ include (printf "%s/templates/_t%d.tpl" $.Chart.Name (int $t)) $job.p | toJson }}
{{- end }}
{{- end }}
"""


def _actions(text: str) -> list[str]:
    """The inside of every `{{ … }}` action, quoted strings blanked (Go's lexer: a `}}` in a
    string does not end the action); comments dropped."""
    out: list[str] = []
    i = 0
    while (start := text.find("{{", i)) >= 0:
        j = start + 2
        head = text[j:].lstrip("- \t\r\n")
        if head.startswith("/*"):
            end = text.find("*/", j)
            close = text.find("}}", end + 2) if end >= 0 else -1
            if close < 0:
                raise ManifestError("unclosed comment in a Go template")
            i = close + 2
            continue
        body: list[str] = []
        while j < len(text) and not text.startswith("}}", j):
            c = text[j]
            if c in "\"'`":
                end = _string_end(text, j)
                body.append(" ")
                j = end
                continue
            body.append(c)
            j += 1
        if j >= len(text):
            raise ManifestError("unclosed action in a Go template")
        out.append("".join(body))
        i = j + 2
    return out


def _string_end(text: str, start: int) -> int:
    quote = text[start]
    j = start + 1
    while j < len(text):
        c = text[j]
        if c == "\\" and quote != "`":
            j += 2
            continue
        if c == quote:
            return j + 1
        if c == "\n" and quote != "`":
            break
        j += 1
    raise ManifestError("unterminated quoted string in a Go template")


def check_template(text: str) -> None:
    """Refuse a template that names a function or keyword an ApplicationSet must not use."""
    for action in _actions(text):
        for word in _WORD.findall(action):
            if word[0] in ".$":
                continue
            if word in REFUSED_FUNCTIONS:
                raise ManifestError(
                    f"Go template function {word!r} is not allowed: it {REFUSED_FUNCTIONS[word]}"
                )
            if word in REFUSED_KEYWORDS:
                raise ManifestError(
                    f"Go template action {word!r} is not supported by argodiff (each field is "
                    "rendered as its own template)"
                )


def _missing_key(text: str, params: Params) -> str | None:
    """The first field reference of `.` (outside range/with, where `.` is the parameters) or
    of `$` whose key the parameters lack: missingkey=error fails on it (Go text/template).
    Helm's engine cannot be told to fail, so argodiff checks what it can see."""
    depth: list[bool] = []
    for action in _actions(text):
        words = action.strip().lstrip("-").split()  # `{{- range …`: the trim marker first
        first = words[0] if words else ""
        rebinds = any(isinstance(d, bool) and d for d in depth)
        for match in _FIELD_CHAIN.finditer(action):
            if rebinds and not match.group(1):
                continue
            node: Any = params
            for key in match.group(2).split(".")[1:]:
                if not isinstance(node, dict):
                    break
                if key not in node:
                    return key
                node = node[key]
        if first in ("range", "with", "if"):
            depth.append(first != "if")
        elif first == "end" and depth:
            depth.pop()
    return None


def render(
    jobs: Sequence[tuple[Sequence[str], Params]],
    *,
    options: Sequence[str],
    work_dir: Path,
    timeout: float,
) -> list[list[str]]:
    """Each job's strings rendered with its parameters, in one `helm template` run.

    ManifestError for a refused or failing template (Helm's own message, without paths)."""
    texts: dict[str, int] = {}
    for strings, _ in jobs:
        for text in strings:
            if text not in texts:
                check_template(text)
                texts[text] = len(texts)
    strict = any(o.replace(" ", "") == "missingkey=error" for o in options)
    if strict:
        for strings, params in jobs:
            for text in strings:
                if (key := _missing_key(text, params)) is not None:
                    raise ManifestError(
                        f"template {text!r}: map has no entry for key {key!r} (missingkey=error)"
                    )
    if not texts:
        return [[] for _ in jobs]
    values = {"jobs": [{"p": p, "t": [texts[s] for s in strings]} for strings, p in jobs]}
    # The pull request writes these templates: helm runs them as renders do, with no
    # credential in its environment and as the render user when argodiff is root.
    scratch = sandbox.scratch_parent() or str(work_dir)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="gotemplate-") as tmp:
        chart = Path(tmp, CHART)
        (chart / "templates").mkdir(parents=True)
        (chart / "Chart.yaml").write_text(
            f"apiVersion: v2\nname: {CHART}\nversion: 0.0.0\n", encoding="utf-8"
        )
        (chart / "templates" / "out.yaml").write_text(_OUTPUT, encoding="utf-8")
        for text, index in texts.items():
            (chart / "templates" / f"_t{index}.tpl").write_text(text, encoding="utf-8")
        values_file = Path(tmp, "values.json")
        values_file.write_text(json.dumps(values), encoding="utf-8")
        try:
            out = command.run(
                ["helm", "template", CHART, str(chart), f"--values={values_file}"],
                cwd=Path(tmp),
                timeout=timeout,
                max_output=MAX_OUTPUT_BYTES,
                sandbox=sandbox.tool_sandbox(
                    sandbox.hand_over(Path(tmp), recursive=True),
                    {"HELM_CACHE_HOME": tmp, "HELM_CONFIG_HOME": tmp, "HELM_DATA_HOME": tmp},
                ),
            )
        except command.CommandError as exc:
            raise ManifestError(_helm_message(str(exc), chart, texts)) from None
    docs = {
        str((d.get("metadata") or {}).get("name")): d.get("strings") or []
        for d in load_manifests(out.stdout, "Go template output")
    }
    results = [[str(s) for s in docs.get(f"j{i}", [])] for i in range(len(jobs))]
    if [len(r) for r in results] != [len(strings) for strings, _ in jobs]:
        raise ManifestError("Go template: helm did not render every field")
    if strict:
        for (strings, _), rendered in zip(jobs, results, strict=True):
            for text, value in zip(strings, rendered, strict=True):
                if NO_VALUE in value and NO_VALUE not in text:
                    raise ManifestError(
                        f"template {text!r}: a key it names is missing (missingkey=error)"
                    )
    return results


def _helm_message(message: str, chart: Path, texts: dict[str, int]) -> str:
    """Helm's error with the chart's paths replaced by the template text they hold."""
    by_index = {index: text for text, index in texts.items()}
    message = message.removeprefix("helm: ").replace(str(chart.parent) + "/", "")

    def name(match: re.Match[str]) -> str:
        text = by_index.get(int(match.group(1)), "")
        shown = text if len(text) <= 120 else text[:119] + "…"
        return f"template {shown!r}"

    message = re.sub(rf"{CHART}/templates/_t(\d+)\.tpl", name, message)
    lines = [
        line.strip().removeprefix("Error: ")
        for line in message.splitlines()
        if line.strip() and "--debug" not in line and "out.yaml" not in line
    ]
    return "Go template: " + " ".join(lines)
