# argodiff's container image. A release builds it once for linux/amd64 and linux/arm64, signs it
# and pushes it to ghcr.io; the release's action.yml pulls it by digest
# (.github/workflows/release.yaml). On main, action.yml says `runs.image: Dockerfile`, so
# `uses: ./` builds it on the runner (development).
#
# Every version and checksum below mirrors docker/tool-versions.json, the one table of pins;
# tests/action/test_dockerfile.py fails when the two disagree. helm and kustomize are the
# versions Argo CD v3.5's repo-server ships (argo-cd hack/tool-versions.sh), so a local render
# matches what Argo CD would render.
#
# GitHub's rules for container actions: no USER (actions run as the image's default user,
# root) and no WORKDIR (the runner mounts the checkout at /github/workspace and makes it the
# working directory). argodiff itself drops to uid 65534 (nobody) for every render: helm and
# kustomize run a pull request's templates, and as nobody they cannot read /proc/1/environ
# (the action's inputs, the Argo CD token among them) or root's files (docs/security.md).

# Tag and digest: the tag says what it is, the digest makes the build reproducible (Renovate keeps
# both current, see renovate.json).
ARG PYTHON_IMAGE=python:3.12.8-slim-bookworm@sha256:2199a62885a12290dc9c5be3ca0681d367576ab7bf037da120e564723292a2f0

# --- tools: helm and kustomize, checked against committed SHA-256 values ----------------------
FROM ${PYTHON_IMAGE} AS tools
ARG TARGETARCH
ARG HELM_VERSION=4.2.1
ARG HELM_SHA256_AMD64=479dca836e5b45e8bd222400c5591b0e3a647378f03ff96597180db97c17fdae
ARG HELM_SHA256_ARM64=596b9a73d366c1e72ce67d595c22805480e30914593aafbc9f547694e72814db
ARG KUSTOMIZE_VERSION=5.8.1
ARG KUSTOMIZE_SHA256_AMD64=029a7f0f4e1932c52a0476cf02a0fd855c0bb85694b82c338fc648dcb53a819d
ARG KUSTOMIZE_SHA256_ARM64=0953ea3e476f66d6ddfcd911d750f5167b9365aa9491b2326398e289fef2c142
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# Committed hashes (not a .sha256 file fetched from the same host) also catch a tampered
# upstream. TARGETARCH is set by BuildKit; the legacy builder falls back to dpkg's answer.
RUN set -eu; \
    arch="${TARGETARCH:-$(dpkg --print-architecture)}"; \
    case "$arch" in \
      amd64) helm_sha="$HELM_SHA256_AMD64"; kustomize_sha="$KUSTOMIZE_SHA256_AMD64" ;; \
      arm64) helm_sha="$HELM_SHA256_ARM64"; kustomize_sha="$KUSTOMIZE_SHA256_ARM64" ;; \
      *) echo "no pinned helm/kustomize checksum for architecture $arch" >&2; exit 1 ;; \
    esac; \
    cd /tmp; \
    curl -fsSL --retry 3 -o helm.tar.gz \
      "https://get.helm.sh/helm-v${HELM_VERSION}-linux-${arch}.tar.gz"; \
    echo "${helm_sha}  helm.tar.gz" | sha256sum -c -; \
    tar -xzf helm.tar.gz "linux-${arch}/helm"; \
    install -m 0755 "linux-${arch}/helm" /usr/local/bin/helm; \
    curl -fsSL --retry 3 -o kustomize.tar.gz \
      "https://github.com/kubernetes-sigs/kustomize/releases/download/kustomize%2Fv${KUSTOMIZE_VERSION}/kustomize_v${KUSTOMIZE_VERSION}_linux_${arch}.tar.gz"; \
    echo "${kustomize_sha}  kustomize.tar.gz" | sha256sum -c -; \
    tar -xzf kustomize.tar.gz kustomize; \
    install -m 0755 kustomize /usr/local/bin/kustomize; \
    helm version --short; \
    kustomize version

# --- build: a virtualenv with argodiff and its dependencies -----------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
# Only what the wheel is built from: a change elsewhere (tests, docs, argoproj/) keeps the cache.
COPY pyproject.toml README.md /src/
COPY argodiff /src/argodiff
# The context has no .git, so hatch-vcs cannot read the tag: the release passes it as VERSION
# (`argodiff --version` shows it); without it, pyproject.toml's fallback version 0.0.0 applies.
ARG VERSION=""
RUN if [ -n "$VERSION" ]; then export SETUPTOOLS_SCM_PRETEND_VERSION="$VERSION"; fi; \
    /opt/venv/bin/pip install --prefer-binary /src \
 && /opt/venv/bin/pip uninstall -y pip

# --- runtime ----------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
ARG VERSION=""
ARG REVISION=""
# OCI labels; the release workflow sets the same keys from the tag and the repository.
LABEL org.opencontainers.image.title="argodiff" \
      org.opencontainers.image.description="Per-Application diffs between a live Argo CD cluster and a pull request" \
      org.opencontainers.image.source="https://github.com/boxp/lolice" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="MIT"
# The checkout belongs to the runner's uid while the action runs as root, so git refuses it
# ("dubious ownership", actions/runner#2033). --system, because at run time HOME is
# /github/home and a --global setting made here would not be read.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && git config --system --add safe.directory /github/workspace \
 && python -m pip uninstall -y pip
COPY --from=tools /usr/local/bin/helm /usr/local/bin/kustomize /usr/local/bin/
COPY --from=build /opt/venv /opt/venv
# Caches live in /tmp: root-owned files left in the workspace or /github/home break the next
# job's checkout cleanup on self-hosted runners (actions/checkout#211).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HELM_CACHE_HOME=/tmp/helm/cache \
    HELM_CONFIG_HOME=/tmp/helm/config \
    HELM_DATA_HOME=/tmp/helm/data \
    XDG_CACHE_HOME=/tmp/cache
# action.yml passes `pr`; `docker run IMAGE report results.json` also works.
ENTRYPOINT ["argodiff"]
