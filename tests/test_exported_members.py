"""The public surface is what ``__all__`` says: every name exists, is documented, and nothing is forgotten."""

from __future__ import annotations

import inspect

import aktsam


def test_all_names_exist_and_are_documented() -> None:
    for name in aktsam.__all__:
        member = getattr(aktsam, name)
        if inspect.isclass(member) or inspect.isfunction(member):
            assert inspect.getdoc(member), f"aktsam.{name} has no docstring"


def test_public_members_are_all_exported() -> None:
    public = {
        name
        for name, member in vars(aktsam).items()
        if not name.startswith("_") and (inspect.isclass(member) or inspect.isfunction(member))
    }
    assert public == set(aktsam.__all__) - {"SOURCES"}


def test_version_matches_package_metadata() -> None:
    from importlib.metadata import version

    assert aktsam.__version__ == version("aktsam")
