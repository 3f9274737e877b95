"""Install CrossWatch's requirements for ``tox -e crosswatch`` (none without CROSSWATCH_SRC)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def main() -> int:
    """Pip-install ``$CROSSWATCH_SRC/requirements.txt`` into this environment."""
    src = os.environ.get("CROSSWATCH_SRC", "")
    if not src:
        print("install_host: CROSSWATCH_SRC is not set; the CrossWatch tests will skip.")
        return 0
    requirements = Path(src) / "requirements.txt"
    if not requirements.is_file():
        print(f"install_host: {requirements} does not exist: is CROSSWATCH_SRC a checkout?")
        return 2
    return subprocess.call([sys.executable, "-m", "pip", "install", "-q", "-r", str(requirements)])


if __name__ == "__main__":
    raise SystemExit(main())
