"""Interface text that follows the chosen language: which component shows which entry of `text.UI`, and
the Gradio updates that relabel them all at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import gradio as gr

from assistant.ui.text import UI


@dataclass(frozen=True, slots=True)
class Label:
    """`component` shows `UI[language][key]` as its `attribute` ("label" for fields and tabs, "value"
    for buttons), or, with `render`, the value `render(language)` makes (a heading, a frame's hint)."""

    component: Any
    key: str
    attribute: Literal["label", "value"] = "label"
    render: Callable[[str], Any] | None = None

    def update(self, language: str) -> Any:
        if self.render is not None:  # a value, or a whole update (choices and label, say)
            made = self.render(language)
            return made if isinstance(made, dict) else gr.update(value=made)
        text = UI[language][self.key]
        return gr.update(value=text) if self.attribute == "value" else gr.update(label=text)


def components(labels: Sequence[Label]) -> list[Any]:
    """The labelled components, in the order of `updates`."""
    return [label.component for label in labels]


def updates(labels: Sequence[Label], language: str) -> list[Any]:
    """One update per label, in the order of `components`."""
    return [label.update(language) for label in labels]
