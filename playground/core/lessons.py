"""Built-in lessons: a preset experiment, a few sentences, a question, and the view to look at.

Each lesson is one JSON file in ``resources/lessons/`` (installed as ``playground.resources.lessons``)::

    {"format": "neural-network-playground lesson", "order": 4, "title": "...",
     "text": ["3 to 6 sentences", ...], "question": "...",
     "view": "loss_surface", "action": "surface",
     "experiment": {partial experiment, as ExperimentSpec.to_dict writes it},
     "variants": [{"label": "learning rate 3", "changes": {partial experiment}}, ...]}

``experiment`` and each variant's ``changes`` are merged over the defaults (nested objects key by
key), so a lesson names only what matters. ``view`` is one of :data:`VIEWS`; ``action`` (optional)
one of :data:`ACTIONS`. Every problem raises :class:`LessonError` with one line naming the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playground.core.spec import ExperimentSpec, SpecError

FORMAT = "neural-network-playground lesson"
SUFFIX = ".lesson.json"
#: The views a lesson can point at (the app brings the view forward and highlights it).
VIEWS = ("network", "boundary", "loss", "weights", "gradient", "inspector", "loss_surface")
#: What the app does after loading a lesson's experiment: nothing, open the inspector on an example,
#: draw the loss surface as it trains, or race the variants (without variants: SGD, momentum and Adam)
#: from one start on one shared loss surface.
ACTIONS = ("", "inspect", "surface", "race")
MAX_BYTES = 100_000


class LessonError(ValueError):
    """A lesson file that cannot be used; the message is one line naming the file."""


@dataclass(frozen=True)
class Variant:
    """One version of the lesson's experiment to try (the first is where the lesson starts)."""

    label: str
    spec: ExperimentSpec


@dataclass(frozen=True)
class Lesson:
    """A lesson: its title, sentences, question, the view to look at, and its experiments."""

    name: str
    order: int
    title: str
    text: tuple[str, ...]
    question: str
    view: str
    action: str
    variants: tuple[Variant, ...]

    @property
    def spec(self) -> ExperimentSpec:
        """The lesson's own experiment (its first variant)."""
        return self.variants[0].spec


def merged(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` laid over it, nested objects merged key by key (new dicts)."""
    out = dict(base)
    for key, value in changes.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _text(name: str, d: dict[str, Any], key: str) -> str:
    value = d.get(key)
    if not isinstance(value, str) or not value.strip():
        raise LessonError(f"{name}: {key!r} must be a non-empty text")
    return value


def parse_lesson(text: str, name: str) -> Lesson:
    """A lesson from its JSON ``text``; ``name`` (the file's) names it in messages."""
    try:
        d = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LessonError(f"{name}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise LessonError(f"{name}: not a lesson (its 'format' must be {FORMAT!r})")
    known = {"format", "order", "title", "text", "question", "view", "action", "experiment", "variants"}
    if set(d) - known:
        raise LessonError(f"{name}: unknown field(s) {', '.join(sorted(set(d) - known))}")
    sentences = d.get("text")
    if not isinstance(sentences, list) or not 3 <= len(sentences) <= 6 or \
            not all(isinstance(s, str) and s.strip() for s in sentences):
        raise LessonError(f"{name}: 'text' must be a list of 3 to 6 sentences")
    view = d.get("view")
    if view not in VIEWS:
        raise LessonError(f"{name}: 'view' must be one of {', '.join(VIEWS)}, got {view!r}")
    action = d.get("action", "")
    if action not in ACTIONS:
        raise LessonError(f"{name}: 'action' must be one of {', '.join(a for a in ACTIONS if a)}, got {action!r}")
    order = d.get("order", 0)
    if isinstance(order, bool) or not isinstance(order, int):
        raise LessonError(f"{name}: 'order' must be a whole number")
    experiment = d.get("experiment")
    if not isinstance(experiment, dict):
        raise LessonError(f"{name}: 'experiment' must be an object (a partial experiment)")
    raw = d.get("variants", [])
    if not isinstance(raw, list) or not all(isinstance(v, dict) and set(v) == {"label", "changes"}
                                            and isinstance(v["changes"], dict) for v in raw):
        raise LessonError(f"{name}: 'variants' must be a list of {{\"label\": ..., \"changes\": {{...}}}}")
    base = merged(ExperimentSpec().to_dict(), experiment)
    variants = []
    # With variants, they are the choices (the first is where the lesson starts); without, the experiment.
    for label, changes in [(v["label"], v["changes"]) for v in raw] or [("the lesson's experiment", {})]:
        try:
            spec = ExperimentSpec.from_dict(merged(base, changes))
        except SpecError as exc:
            raise LessonError(f"{name}: {label}: {exc}") from None
        variants.append(Variant(str(label), spec))
    return Lesson(name, order, _text(name, d, "title"), tuple(sentences), _text(name, d, "question"), view, action,
                  tuple(variants))


def load_lesson(path: Path) -> Lesson:
    """The lesson in the file ``path``."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise LessonError(f"{path.name}: cannot be read ({exc.strerror})") from None
    if len(data) > MAX_BYTES:
        raise LessonError(f"{path.name}: larger than a lesson can be ({MAX_BYTES:,} bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise LessonError(f"{path.name}: not UTF-8 text") from None
    return parse_lesson(text, path.name)


def load_lessons(folder: Path) -> list[Lesson]:
    """Every ``*.lesson.json`` in ``folder``, in their ``order``."""
    files = sorted(p for p in folder.glob(f"*{SUFFIX}") if p.is_file()) if folder.is_dir() else []
    return sorted((load_lesson(p) for p in files), key=lambda lesson: (lesson.order, lesson.title))
