"""Run import-linter's `lint-imports` on the package's sources in src/ (pyproject.toml's
contract: the layers of docs/architecture.md).

The package is installed in place by meson-python, whose import hook finds its modules
(compiled kernels among them) by a path import-linter cannot walk; this drops the hook and puts
src/ first, so that import-linter reads the source files themselves.

    uv run python scripts/lint_imports.py
"""

import sys
from pathlib import Path

sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__module__]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from importlinter.cli import lint_imports_command  # noqa: E402  (after the path is set)

sys.argv = ["lint-imports", *sys.argv[1:]]
sys.exit(lint_imports_command())
