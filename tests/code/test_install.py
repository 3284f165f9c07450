"""The install gets the versions that were tested: every dependency of pyproject.toml is pinned in
requirements.lock, and `make install` installs from it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_dependency_is_pinned_in_the_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {
        _name(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    }
    pinned = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not pinned: {line}"
            pinned[_name(name)] = version
    assert wanted <= set(pinned), sorted(wanted - set(pinned))
    assert "torch" not in pinned  # the heavy comparison has its own environment


def test_make_install_installs_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"pip install .*-r \$\(LOCK\)", makefile)
    assert "LOCK := requirements.lock" in makefile
    assert re.search(r"\$\(INSTALLED\): pyproject.toml \$\(LOCK\)", makefile)
