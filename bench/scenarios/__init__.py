"""Benchmark scenarios; every module in this package is imported by the runner."""

import importlib
import pkgutil


def load_all() -> None:
    """Import every scenario module so that it registers its scenarios."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
