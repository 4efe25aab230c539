"""Named exit codes; every command ends with one of these."""

from enum import IntEnum


class ExitStatus(IntEnum):
    """What the process exit code means (the `argocd app diff` convention, made reliable)."""

    NO_DIFF = 0  # every app compared, nothing differs
    DIFF = 1  # at least one app differs, none failed
    ERROR = 2  # at least one app (or the run itself) failed; the others are still reported
