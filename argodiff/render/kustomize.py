"""kustomize sources, built as Argo CD's repo-server builds them (util/kustomize/kustomize.go).

Argo CD applies the Application's `kustomize` options by running `kustomize edit` in its own
checkout. argodiff must not touch the user's tree, so it writes a wrapper kustomization in a
work directory that lists the source directory under `resources:` and carries the options.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from argodiff import command
from argodiff.errors import RenderError
from argodiff.model import Manifest
from argodiff.render.buildenv import BuildEnv, envsubst
from argodiff.render.buildoptions import BuildOptions
from argodiff.render.capabilities import Capabilities
from argodiff.render.paths import existing, fresh_dir, inside, relative
from argodiff.render.remote import remote_base_failure, strip_klog
from argodiff.yamlio import load_manifests

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
# `kustomize edit set image`'s own tag pattern (kustomize/commands/edit/set/setimage.go).
_TAG = re.compile(r"^(.*):([a-zA-Z0-9._-]*|\*)$")


def is_kustomization_dir(path: Path) -> bool:
    return any((path / name).is_file() for name in KUSTOMIZATION_FILES)


def build_command(path: Path, flags: Sequence[str] = ()) -> list[str]:
    """`kustomize build` when a kustomize binary is installed, else kubectl's built-in one;
    `flags` are checked build options, each one `--flag[=value]` word."""
    if command.which("kustomize"):
        return ["kustomize", "build", *flags, "--", str(path)]
    return ["kubectl", "kustomize", *flags, "--", str(path)]


def build_flags(options: BuildOptions, caps: Capabilities | None) -> tuple[str, ...]:
    """The build options, and with `--enable-helm` the cluster's capabilities for the Helm
    chart inflator, as Argo CD adds them (util/kustomize: --helm-kube-version,
    --helm-api-versions) unless the options set them already."""
    flags = list(options.flags)
    if options.enable_helm and caps is not None:
        given = {f.partition("=")[0] for f in flags}
        if caps.semver and "--helm-kube-version" not in given:
            flags.append(f"--helm-kube-version={caps.semver}")
        if "--helm-api-versions" not in given:
            flags += [f"--helm-api-versions={api}" for api in caps.api_versions]
    return tuple(flags)


def tool_message(message: str, *roots: Path) -> str:
    """A kustomize error as a reader wants it: no klog prefix, paths relative to the checkout."""
    tool, _, text = message.partition(": ")
    # kubectl logs through klog, or (with another HOME or user) prints `error: …` itself.
    text = strip_klog(text).removeprefix("error: ")
    for root in roots:
        text = text.replace(str(root.resolve()) + "/", "").replace(str(root) + "/", "")
    return f"{tool}: {text}"


def parse_image(arg: str) -> dict[str, str]:
    """An `images` entry (`[name=]newName[:tag][@digest]`) as a kustomization `images` item,
    parsed like `kustomize edit set image`."""
    name, sep, target = arg.partition("=")
    if not sep:
        name, target = "", arg
    image: dict[str, str] = {}
    new_name, at, digest = target.partition("@")
    if at:
        image["digest"] = digest
    else:
        tagged = _TAG.match(target)
        if tagged:
            new_name, image["newTag"] = tagged[1], tagged[2]
    if not new_name:
        raise RenderError(f"invalid image {arg!r} in kustomize.images")
    if name and name != new_name:
        image["newName"] = new_name
    image["name"] = name or new_name
    if image.get("newTag") == "*":
        del image["newTag"]  # `*` keeps the original tag
    return image


def _own_images(app_path: Path, repo_root: Path) -> list[Any]:
    """The `images:` of the source's own kustomization file."""
    for name in KUSTOMIZATION_FILES:
        path = app_path / name
        if path.is_file():
            docs = load_manifests(path.read_bytes(), relative(path, repo_root))
            images = docs[0].get("images") if docs else None
            return images if isinstance(images, list) else []
    return []


def _follow_renames(images: list[dict[str, str]], own: list[Any]) -> list[dict[str, str]]:
    """Argo CD's `kustomize edit set image` updates the source's own entry of that name, so an
    image the source renames (`newName`) still gets the new tag. The wrapper sees the image
    under its new name already, so it also needs an entry for that name."""
    renamed = {
        str(i["name"]): str(i["newName"])
        for i in own
        if isinstance(i, dict) and i.get("name") and i.get("newName")
    }
    return images + [
        {**image, "name": renamed[image["name"]]} for image in images if image["name"] in renamed
    ]


def _labels(options: dict[str, Any]) -> list[dict[str, Any]]:
    pairs = {str(k): str(v) for k, v in (options.get("commonLabels") or {}).items()}
    if not pairs:
        return []
    entry: dict[str, Any] = {"pairs": pairs, "includeSelectors": True}
    if options.get("labelWithoutSelector"):
        # `kustomize edit add label --without-selector [--include-templates]`
        entry["includeSelectors"] = False
        if options.get("labelIncludeTemplates"):
            entry["includeTemplates"] = True
    return [entry]


def _patches(options: dict[str, Any], app_path: Path, repo_root: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for patch in options.get("patches") or []:
        if not isinstance(patch, dict):
            raise RenderError("kustomize.patches entries must be mappings")
        item = {k: v for k, v in patch.items() if k in ("patch", "target", "options") and v}
        if patch.get("path"):
            # Inlined: kustomize only loads patch files from inside the kustomization root.
            file = existing(
                repo_root,
                str(patch["path"]),
                what="patch file",
                file=relative(app_path, repo_root),
                base=app_path,
            )
            item["patch"] = file.read_text(encoding="utf-8")
        out.append(item)
    return out


def _components(
    options: dict[str, Any], app_path: Path, repo_root: Path, wrapper: Path
) -> list[str]:
    out: list[str] = []
    for component in options.get("components") or []:
        path = inside(
            repo_root,
            str(component),
            what="component",
            file=relative(app_path, repo_root),
            base=app_path,
        )
        if not path.exists():
            if options.get("ignoreMissingComponents"):
                continue
            raise RenderError(
                f"kustomize component {component!r} does not exist",
                file=relative(app_path, repo_root),
            )
        out.append(os.path.relpath(path, wrapper))
    return out


def wrapper_kustomization(
    app_path: Path, options: dict[str, Any], env: BuildEnv, wrapper: Path, repo_root: Path
) -> dict[str, Any]:
    """The kustomization that applies `options` to `app_path` (paths relative to `wrapper`)."""
    k: dict[str, Any] = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": [os.path.relpath(app_path, wrapper)],
    }
    for field in ("namePrefix", "nameSuffix", "namespace"):
        if options.get(field):
            k[field] = str(options[field])
    if options.get("images"):
        # Argo CD substitutes the build environment into images (e.g. ${ARGOCD_APP_REVISION}).
        images = [parse_image(envsubst(str(i), env)) for i in options["images"]]
        k["images"] = _follow_renames(images, _own_images(app_path, repo_root))
    if options.get("replicas"):
        try:
            k["replicas"] = [
                {"name": str(r["name"]), "count": int(r["count"])} for r in options["replicas"]
            ]
        except (KeyError, TypeError, ValueError):
            raise RenderError(
                "kustomize.replicas entries need a name and a numeric count"
            ) from None
    if labels := _labels(options):
        k["labels"] = labels
    annotations = {str(a): str(v) for a, v in (options.get("commonAnnotations") or {}).items()}
    if options.get("commonAnnotationsEnvsubst"):
        annotations = {a: envsubst(v, env) for a, v in annotations.items()}
    if annotations:
        k["commonAnnotations"] = annotations
    if patches := _patches(options, app_path, repo_root):
        k["patches"] = patches
    if components := _components(options, app_path, repo_root, wrapper):
        k["components"] = components
    return k


def uses_env(options: dict[str, Any] | None) -> bool:
    """Whether the build environment changes what these options produce."""
    if not options:
        return False
    return bool(options.get("commonAnnotationsEnvsubst")) or any(
        "$" in str(i) for i in options.get("images") or []
    )


_OPTION_FIELDS = (
    "namePrefix",
    "nameSuffix",
    "namespace",
    "images",
    "replicas",
    "commonLabels",
    "commonAnnotations",
    "patches",
    "components",
)


def build(
    app_path: Path,
    options: dict[str, Any] | None,
    *,
    env: BuildEnv,
    repo_root: Path,
    work_dir: Path,
    timeout: float | None,
    flags: Sequence[str] = (),
    log: Callable[[str], None] | None = None,
    sandbox: command.Sandbox | None = None,
) -> list[Manifest]:
    """The manifests of the kustomization at `app_path`, with the Application's options."""
    shown = relative(app_path, repo_root)
    if not is_kustomization_dir(app_path):
        raise RenderError("no kustomization.yaml in the source path", file=shown)
    target = app_path
    opts = options or {}
    if any(opts.get(f) for f in _OPTION_FIELDS):
        target = fresh_dir(work_dir / "kustomize")
        wrapper = wrapper_kustomization(app_path, opts, env, target, repo_root)
        (target / "kustomization.yaml").write_text(json.dumps(wrapper, indent=2), "utf-8")
    try:
        out = command.run(
            build_command(target, flags), cwd=app_path, timeout=timeout, sandbox=sandbox
        )
    except command.CommandError as exc:
        if log is not None:
            log(f"{shown}: full output of {exc.tool}:\n{exc.args[0]}")
        remote = remote_base_failure(str(exc), app_path, repo_root)
        if remote is not None:
            raise RenderError(remote[1], file=remote[0]) from None
        raise RenderError(tool_message(str(exc), repo_root, target), file=shown) from None
    return load_manifests(out.stdout, f"kustomize build {shown}")
