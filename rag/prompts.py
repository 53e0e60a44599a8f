"""Prompt templates live in ``prompts/`` as files; rendering fails on any undefined variable.

>>> "{{ question }}" in template_source("answer_user.j2")
True
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


def prompts_dir() -> Path:
    """``RAG_PROMPTS_DIR`` lets a ministry keep edited templates outside the code."""
    return Path(os.environ.get("RAG_PROMPTS_DIR") or PROMPTS_DIR)


@lru_cache(maxsize=8)
def _environment(folder: str):
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from rag.formatting import escape_markdown, safe_url
    from rag.injection import as_data

    environment = Environment(
        loader=FileSystemLoader(folder),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    # Source text is data: never markup on screen (md), never instructions to a model (as_data).
    environment.filters.update(md=escape_markdown, safe_url=safe_url, as_data=as_data)
    return environment


def template_source(name: str) -> str:
    return (prompts_dir() / name).read_text(encoding="utf-8")


def render(name: str, **variables) -> str:
    """Render ``prompts/<name>``; a missing variable raises ``jinja2.UndefinedError``."""
    return _environment(str(prompts_dir())).get_template(name).render(**variables).strip()
