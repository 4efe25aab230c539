"""Reading the files a pull request changes."""

from __future__ import annotations

from github import Github

from argodiff.github.api import ChangedFiles, pr_changed_files
from tests.github.conftest import NUMBER, REPO, FakeGitHub


def test_changed_files_include_the_old_name_of_renames(fake: FakeGitHub, gh: Github) -> None:
    fake.files = [
        {"filename": "argoproj/longhorn/overlays/prod/kustomization.yaml", "status": "modified"},
        {
            "filename": "argoproj/descheduler/base/policy.yaml",
            "previous_filename": "argoproj/descheduler/policy.yaml",
            "status": "renamed",
        },
        {"filename": "argoproj/reloader/application.yaml", "status": "removed"},
    ]

    changed = pr_changed_files(gh, REPO, NUMBER)

    assert changed == ChangedFiles(
        files=[
            "argoproj/longhorn/overlays/prod/kustomization.yaml",
            "argoproj/descheduler/base/policy.yaml",
            "argoproj/descheduler/policy.yaml",
            "argoproj/reloader/application.yaml",
        ],
        complete=True,
    )


def test_changed_files_are_read_across_pages(fake: FakeGitHub, gh: Github) -> None:
    fake.files = [{"filename": f"argoproj/app{n}/kustomization.yaml"} for n in range(250)]

    changed = pr_changed_files(gh, REPO, NUMBER)

    assert len(changed.files) == 250 and changed.complete
    assert changed.files[-1] == "argoproj/app249/kustomization.yaml"


def test_three_thousand_file_cap_is_detected(fake: FakeGitHub, gh: Github) -> None:
    # GitHub stops listing at 3,000 files while the PR reports its real size.
    fake.files = [{"filename": f"argoproj/gen/f{n}.yaml"} for n in range(3000)]
    fake.changed_files = 3500

    changed = pr_changed_files(gh, REPO, NUMBER)

    assert len(changed.files) == 3000
    assert changed.complete is False
