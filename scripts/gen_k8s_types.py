"""Generate argodiff/engine/k8s_types.json: list types and map keys of the built-in kinds.

Reads the Kubernetes OpenAPI schemas shipped by the test dependency `kubernetes-validate`
(JSON schemas converted from Kubernetes' published OpenAPI, which carry the
`x-kubernetes-list-type`, `x-kubernetes-list-map-keys`, `x-kubernetes-map-type` and
`x-kubernetes-patch-*` extensions) and writes the part of the type graph that structured merge
needs. Run it again when the Kubernetes version moves:

    python scripts/gen_k8s_types.py [KUBE_VERSION]    # e.g. 1.37.0; default: the newest shipped
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate

OUT = Path(__file__).resolve().parent.parent / "argodiff" / "engine" / "k8s_types.json"
_STABILITY = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")


def _version_rank(version: str) -> tuple[int, int, int]:
    """Kubernetes' version priority: GA over beta over alpha, then the higher number."""
    match = _STABILITY.match(version)
    if not match:
        return (0, 0, 0)
    level = {"alpha": 1, "beta": 2, None: 3}[match.group(2)]
    return (level, int(match.group(1)), int(match.group(3) or 0))


def _short(ref: str) -> str:
    """`io.k8s.api.apps.v1.Deployment` -> `apps.v1.Deployment`."""
    name = ref.rsplit("/", 1)[-1]
    for prefix in (
        "io.k8s.api.",
        "io.k8s.apimachinery.pkg.apis.",
        "io.k8s.apiextensions-apiserver.pkg.apis.",
        "io.k8s.kube-aggregator.pkg.apis.",
        "io.k8s.",
    ):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


class Generator:
    def __init__(self, defs: dict[str, Any]) -> None:
        self.defs = defs
        self.types: dict[str, dict[str, tuple[str, str, tuple[str, ...]]]] = {}
        self._busy: set[str] = set()

    def named(self, ref: str) -> str:
        """Describe the named type `ref`; '' when structured merge needs nothing from it."""
        name = ref.rsplit("/", 1)[-1]
        short = _short(name)
        if short in self.types:
            return short if self.types[short] else ""
        if short in self._busy:
            return short  # recursion (JSONSchemaProps): filled in by the outer call
        self._busy.add(short)
        fields: dict[str, tuple[str, str, tuple[str, ...]]] = {}
        for field, prop in (self.defs[name].get("properties") or {}).items():
            entry = self.field(prop)
            if entry is not None:
                fields[field] = entry
        self._busy.discard(short)
        self.types[short] = fields
        return short if fields else ""

    def _is_atomic_struct(self, prop: dict[str, Any]) -> bool:
        if prop.get("x-kubernetes-map-type") == "atomic":
            return True
        ref = prop.get("$ref")
        target = self.defs[ref.rsplit("/", 1)[-1]] if ref else {}
        return bool(target.get("x-kubernetes-map-type") == "atomic")

    def element(self, prop: dict[str, Any]) -> str:
        """The type name of a map value or list item ('' for scalars and plain values)."""
        ref = prop.get("$ref")
        return self.named(ref) if ref else ""

    def field(self, prop: dict[str, Any]) -> tuple[str, str, tuple[str, ...]] | None:
        if self._is_atomic_struct(prop):
            return ("atomic", "", ())
        if "$ref" in prop:
            ref = self.named(prop["$ref"])
            return ("struct", ref, ()) if ref else None
        kinds = prop.get("type") or []
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if "array" in kinds:
            items = prop.get("items") or {}
            list_type = prop.get("x-kubernetes-list-type")
            keys = tuple(prop.get("x-kubernetes-list-map-keys") or ())
            if list_type is None and prop.get("x-kubernetes-patch-strategy") == "merge":
                # structured-merge-diff's schemaconv: a strategic merge key makes a map list.
                merge_key = prop.get("x-kubernetes-patch-merge-key")
                list_type, keys = ("map", (merge_key,)) if merge_key else ("set", ())
            if list_type == "map":
                return ("list", self.element(items), keys)
            if list_type == "set":
                return ("set", "", ())
            return None  # atomic, the default for a list
        if "object" in kinds and isinstance(prop.get("additionalProperties"), dict):
            return ("map", self.element(prop["additionalProperties"]), ())
        return None


def main() -> None:
    root = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    versions = sorted(
        (p.name.split("-")[0][1:] for p in root.glob("v*-local")),
        key=lambda v: tuple(int(x) for x in v.split(".")),
    )
    version = sys.argv[1] if len(sys.argv) > 1 else versions[-1]
    defs = json.loads((root / f"v{version}-local" / "_definitions.json").read_text())["$defs"]
    gen = Generator(defs)
    best: dict[str, tuple[tuple[int, int, int], str]] = {}
    for name, schema in defs.items():
        for gvk in schema.get("x-kubernetes-group-version-kind") or []:
            if name.startswith("io.k8s.apimachinery.pkg.apis.meta."):
                continue  # DeleteOptions, WatchEvent, …: registered in every group, not objects
            if gvk["kind"].endswith("List"):
                continue
            key = f"{gvk['group']}/{gvk['kind']}"
            rank = _version_rank(gvk["version"])
            if key not in best or rank > best[key][0]:
                best[key] = (rank, name)
    roots = {key: gen.named(name) or _short(name) for key, (_, name) in sorted(best.items())}
    types = {name: fields for name, fields in sorted(gen.types.items()) if fields}
    OUT.write_text(render(version, roots, types))
    print(f"{OUT}: {len(roots)} kinds, {len(types)} types (Kubernetes v{version})")


def render(version: str, roots: dict[str, str], types: dict[str, dict[str, Any]]) -> str:
    """The table as JSON, one line a kind and one line a type, so that a regeneration reads as
    a small diff. A field is `[tag, element type, [map keys]]` (see argodiff/engine/schema.py)."""
    rows = [
        "{",
        f'  "generatedBy": "scripts/gen_k8s_types.py from the Kubernetes v{version} OpenAPI'
        ' schemas: do not edit",',
        f'  "kubernetesVersion": {json.dumps(version)},',
        '  "roots": {',
        ",\n".join(f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in roots.items()),
        "  },",
        '  "types": {',
        ",\n".join(
            f"    {json.dumps(name)}: {json.dumps(dict(sorted(fields.items())))}"
            for name, fields in types.items()
        ),
        "  }",
        "}",
    ]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    main()
