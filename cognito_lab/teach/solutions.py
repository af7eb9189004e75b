"""Solutions one deliberate action away, and never over the learner's own work.

``show_solution("09_harden_web_client")`` (in the cell after an exercise's check):

- shows the solution's source folded in a ``<details>`` block (static HTML: it reads the
  same on GitHub and nbviewer, and stays closed until the learner opens it);
- runs the solution in a namespace of its own — a copy of the notebook's variables, so the
  solution can use ``lab``, ``idp``… — and returns it as a :class:`Solution` whose
  attributes are the names the solution defined (``solution.harden_web_client``).

The learner's variables are never rebound: "Run All" leaves their answer as they wrote it,
and the check on their skeleton still says ❌ until they finish it. What the solution
*does* (signs a user up, changes an app client) happens in the lab, as it would if the
learner ran the same code.
"""

from __future__ import annotations

import html
from pathlib import Path
from types import SimpleNamespace
from typing import Any

SOLUTIONS = Path("solutions")          # relative to the notebooks' folder, where they run


def _notebook_namespace() -> dict:
    try:
        from IPython import get_ipython
    except ImportError:                 # pragma: no cover - IPython comes with Jupyter
        return {}
    shell = get_ipython()
    return dict(shell.user_ns) if shell is not None else {}


class Solution(SimpleNamespace):
    """The names a solution file defined, plus its ``name``, ``path`` and ``source``."""

    def __init__(self, name: str, path: Path, source: str, defined: dict[str, Any]) -> None:
        super().__init__(**defined)
        self._name, self._path, self._source = name, path, source
        self._defined = sorted(defined)

    def __repr__(self) -> str:
        return (f"<solution {self._path.as_posix()}: defines "
                f"{', '.join(self._defined) or 'nothing new'}>")

    def static_html(self) -> str:
        lines = self._source.count("\n") + 1
        return ("<details><summary>Our solution: <code>"
                f"{html.escape(self._path.as_posix())}</code> ({lines} lines; click to open)"
                "</summary>\n<pre><code class=\"language-python\">"
                f"{html.escape(self._source)}</code></pre>\n</details>")

    def _repr_html_(self) -> str:
        return self.static_html()


def show_solution(name: str, *, folder: str | Path | None = None,
                  namespace: dict | None = None, display: bool = True) -> Solution:
    """Show ``solutions/<name>.py`` folded, run it in its own namespace, return it.

    ``namespace``: the variables the solution may read (default: a copy of the notebook's).
    The copy is shallow: the solution can use the notebook's objects (``lab``) but any name
    it assigns lands in the returned :class:`Solution`, never in the notebook.
    """
    path = Path(folder) / f"{name}.py" if folder is not None else SOLUTIONS / f"{name}.py"
    source = path.read_text()
    scope = dict(_notebook_namespace() if namespace is None else namespace)
    before = {key: id(value) for key, value in scope.items()}
    scope["__name__"] = f"solution_{name}"
    exec(compile(source, str(path), "exec"), scope)  # noqa: S102 - the course's own file
    defined = {key: value for key, value in scope.items()
               if not key.startswith("_") and before.get(key) != id(value)}
    solution = Solution(name, path, source.rstrip("\n"), defined)
    if display:
        try:
            from IPython.display import display as show
        except ImportError:             # pragma: no cover
            print(repr(solution))
        else:
            show(solution)
    return solution


__all__ = ["Solution", "show_solution"]
