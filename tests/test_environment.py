"""pyproject.toml and environment.yml must declare the same packages with the same bounds."""

import re
import tomllib

import yaml

from conftest import REPO

CONDA_ONLY = {"python", "pip"}


def normalise(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    name, bounds = match.group(1), match.group(2)
    return re.sub(r"[-_.]+", "-", name).lower(), ",".join(sorted(b.strip() for b in bounds.split(",") if b.strip()))


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return dict(normalise(r) for r in requirements)


def environment_requirements() -> dict[str, str]:
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    items = []
    for entry in environment["dependencies"]:
        items.extend(entry["pip"] if isinstance(entry, dict) else [entry])
    found = {}
    for item in items:
        if item.startswith("-e"):
            continue
        name, bounds = normalise(item)
        if name not in CONDA_ONLY:
            found[name] = bounds
    return found


def test_same_packages_in_both_files():
    assert set(pyproject_requirements()) == set(environment_requirements())


def test_same_version_bounds_in_both_files():
    pip, conda = pyproject_requirements(), environment_requirements()
    assert {name: pip[name] for name in pip} == {name: conda[name] for name in pip}


def test_normalise_catches_a_drifted_bound():
    assert normalise("tensorflow>=2.18,<2.22") != normalise("tensorflow>=2.18,<2.23")
    assert normalise("Tensorflow_Datasets >=4.9.7, <5") == normalise("tensorflow-datasets<5,>=4.9.7")
