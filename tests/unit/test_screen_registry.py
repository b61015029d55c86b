"""The screen registry agrees with the screen classes, so navigation cannot drift from them.

The main window lists, keys and titles the screens from these specs without importing them (a
screen is imported when first shown); each spec must say what its class says.
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import ui.screens
from ui.screens.base import Screen
from ui.screens.registry import SCREENS, ScreenSpec, spec_named


@pytest.mark.parametrize("spec", SCREENS, ids=lambda s: s.name)
def test_each_spec_names_its_class_with_the_class_title_and_key(spec: ScreenSpec) -> None:
    cls = spec.load()
    assert issubclass(cls, Screen)
    assert (cls.__module__, cls.__name__) == (spec.module, spec.name)
    assert (cls.title, cls.shortcut) == (spec.title, spec.shortcut)


@pytest.mark.parametrize("spec", SCREENS, ids=lambda s: s.name)
def test_each_spec_asks_for_the_permission_its_class_asks_for(spec: ScreenSpec) -> None:
    cls = spec.load()
    if cls.available is Screen.available:
        assert spec.permissions == ((cls.permission,) if cls.permission else ())
    else:
        # The class decides for itself (Settings: any tab the person may use); its spec lists
        # the screen's own permission among others, and tests/ui checks every role.
        assert cls.permission in spec.permissions


def test_every_screen_class_in_the_package_is_registered_once() -> None:
    for info in pkgutil.walk_packages(ui.screens.__path__, "ui.screens."):
        importlib.import_module(info.name)
    found = {(c.__module__, c.__name__) for c in _subclasses(Screen)
             if c.__module__.startswith("ui.screens.")}  # not a test's stand-in screen
    registered = [(s.module, s.name) for s in SCREENS]
    assert sorted(registered) == sorted(found)
    keys = [s.shortcut for s in SCREENS if s.shortcut]
    assert len(keys) == len(set(keys))


def test_a_spec_is_found_by_its_class_name_and_an_unknown_name_is_an_error() -> None:
    assert spec_named("CounterScreen") is SCREENS[0]
    with pytest.raises(KeyError):
        spec_named("NoSuchScreen")


def test_the_registry_imports_no_screen() -> None:
    # A fresh interpreter: this one has imported every screen already.
    code = ("import sys, ui.screens.registry; "
            "print(sorted(m for m in sys.modules if m.startswith('ui.screens.')))")
    loaded = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                            text=True).stdout.strip()
    assert loaded == "['ui.screens.registry']"


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found
