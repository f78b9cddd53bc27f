"""Where the templates and workflow definitions live.

In a source checkout (and an editable install) they are the top-level ``templates/`` and
``workflows/`` folders; a wheel carries them inside the package. Everything that needs one of
these folders asks here, so the lookup rule exists once.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _resource_dir(name: str) -> Path:
    packaged = PACKAGE_DIR / name
    if packaged.is_dir():
        return packaged
    checkout = PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    raise RuntimeError(f"sw_gremien: the folder {name!r} is missing from this installation")


def templates_dir() -> Path:
    return _resource_dir("templates")


def workflows_dir() -> Path:
    return _resource_dir("workflows")
