"""``python -m rag``: ingest, stats, ask, model.

python -m rag ingest corpus/ ../shared/data/wh_foreign_readouts.jsonl
python -m rag stats --json
python -m rag ask "What energy cooperation was discussed with Serbia?" --json
python -m rag ask --batch questions.jsonl > answers.jsonl
python -m rag brief "Serbia energy" --since 2024-01-01 --format docx --out note.docx
python -m rag model prepare          # join + verify the packaged local model once
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from rag.settings import BACKENDS, SettingsError, load_settings


class UsageError(ValueError):
    """A command-line value that cannot work; the message names the flag."""


def parse_as_of(value: str | None, where: str = "--as-of") -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise UsageError(f"{where}: '{value}' is not a date like 2024-12-23") from None


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="index folder (default .rag/, or RAG_DATA_DIR)")
    parser = argparse.ArgumentParser(prog="python -m rag", description="Diplomatic briefing assistant")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", parents=[common], help="index files or folders")
    ingest.add_argument("paths", nargs="+", help=".txt .md .html .pdf .docx .jsonl files or folders")
    ingest.add_argument("--field", action="append", default=[], help="JSONL mapping TARGET=NAME, e.g. text=body")
    ingest.add_argument("--json", action="store_true", help="print the summary as JSON")
    ingest.add_argument("--no-progress", action="store_true")

    stats = commands.add_parser("stats", parents=[common], help="documents and chunks in the index")
    stats.add_argument("--json", action="store_true")

    ask = commands.add_parser("ask", parents=[common], help="answer a question with citations")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--as-of", help="answer as of this date (YYYY-MM-DD): later documents are ignored")
    ask.add_argument("--backend", choices=BACKENDS, help="who writes the answer (default RAG_BACKEND or auto)")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--batch", help="JSONL file of {question, as_of, history}; one JSON result per line")

    evaluate = commands.add_parser("eval", parents=[common], help="measure retrieval and answers on questions")
    evaluate.add_argument("questions", nargs="+", help="JSONL question files (see rag/evaluation.py)")
    evaluate.add_argument("--backend", choices=BACKENDS, default="extractive")
    evaluate.add_argument("--baseline", help="also measure the naive baseline built from these paths", nargs="*")
    evaluate.add_argument("--json", action="store_true", help="print the full report as JSON")
    evaluate.add_argument("--markdown", help="write the results table to this file")

    brief = commands.add_parser("brief", parents=[common], help="a briefing note on a topic, every sentence cited")
    brief.add_argument("topic", help='a topic or question, e.g. "Serbia energy cooperation"')
    brief.add_argument("--since", help="only documents dated on or after this date (YYYY-MM-DD)")
    brief.add_argument("--until", help="only documents dated on or before this date (YYYY-MM-DD)")
    brief.add_argument("--as-of", help="the note's as-of date (default today): later documents are ignored")
    brief.add_argument("--format", choices=["md", "docx", "pdf"], default="md")
    brief.add_argument("--out", help="write the note to this file (required for docx and pdf)")
    brief.add_argument("--backend", choices=BACKENDS, help="who writes the summary (default RAG_BACKEND or auto)")
    brief.add_argument("--json", action="store_true", help="print the note's structure as JSON")

    model = commands.add_parser("model", parents=[common], help="the packaged local model")
    model.add_argument("action", choices=["prepare", "status"])
    return parser


def cmd_ingest(args, settings) -> int:
    from rag.factory import make_embeddings, make_keyword_index, make_store
    from rag.ingest import Ingestor
    from rag.loaders.jsonl import FieldMap
    from rag.locking import ingest_lock

    embeddings = make_embeddings(settings)
    with ingest_lock(settings.data_dir):
        store, keyword = make_store(settings, embeddings), make_keyword_index(settings)
        report = Ingestor(store, embeddings, keyword, max_file_mb=settings.max_file_mb).ingest(
            args.paths, FieldMap.parse(args.field), progress=False if args.no_progress else None
        )
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    for duplicate in report.duplicates:
        print(f"duplicate (stored once): {duplicate}", file=sys.stderr)
    print(json.dumps(report.as_dict()) if args.json else report.summary())
    return 1 if report.failed else 0


def cmd_stats(args, settings) -> int:
    from rag.factory import make_embeddings, make_store

    counts = make_store(settings, make_embeddings(settings)).stats()
    print(json.dumps(counts) if args.json else f"{counts['documents']} documents, {counts['chunks']} chunks")
    return 0


def format_answer(answer) -> str:
    """The answer as plain text with its numbered sources below."""
    lines = [answer.answer, ""]
    if answer.notice:
        lines.insert(0, f"[{answer.notice}]")
    for c in answer.citations:
        where = ", ".join(x for x in (c.source, c.date) if x)
        lines.append(f"[{c.n}] {c.title} ({where}){' ' + c.url if c.url else ''}")
        lines.append(f"    “{' '.join(c.quote.split())}”")
    lines.append(f"(answered by: {answer.backend})")
    return "\n".join(lines)


def parse_history(items: list, where: str) -> list:
    """A chat's earlier turns: questions as strings, or ``{"role": "user"|"assistant", "content": …}``.

    >>> parse_history(["What did we discuss with Armenia?"], "x")
    [Turn(role='user', content='What did we discuss with Armenia?')]
    """
    from rag.answer.base import Turn

    if not isinstance(items, list):
        raise ValueError(f"{where}: give a list of earlier questions or {{role, content}} objects")
    turns = []
    for item in items:
        if isinstance(item, str):
            turns.append(Turn("user", item))
        elif (
            isinstance(item, dict)
            and item.get("role") in ("user", "assistant")
            and isinstance(item.get("content"), str)
        ):
            turns.append(Turn(item["role"], item["content"]))
        else:
            raise ValueError(f'{where}: each turn is a string or {{"role": "user", "content": "…"}}')
    return turns


def _batch(assistant, path: str, backend: str | None) -> int:
    failures = 0
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                question = item["question"]
                as_of = parse_as_of(item.get("as_of"), f"{path}:{number} as_of")
                history = parse_history(item.get("history") or [], f"{path}:{number} history")
                result = assistant.ask(question, as_of=as_of, backend=backend, history=history).as_dict()
            except (ValueError, KeyError, TypeError) as error:
                failures += 1
                detail = "missing 'question'" if isinstance(error, KeyError) else str(error)
                where = "" if detail.startswith(path) else f"{path}:{number}: "
                result = {"line": number, "error": where + detail}
            print(json.dumps(result, ensure_ascii=False), flush=True)
    return 1 if failures else 0


def cmd_ask(args, settings) -> int:
    from rag.assistant import Assistant

    assistant = Assistant(settings)
    if args.batch:
        return _batch(assistant, args.batch, args.backend)
    if not args.question:
        raise UsageError("ask: give a QUESTION or --batch FILE")
    answer = assistant.ask(args.question, as_of=parse_as_of(args.as_of), backend=args.backend)
    if answer.notice:
        print(f"notice: {answer.notice}", file=sys.stderr)
    print(json.dumps(answer.as_dict(), ensure_ascii=False, indent=2) if args.json else format_answer(answer))
    return 0


def cmd_brief(args, settings) -> int:
    from pathlib import Path

    from rag.assistant import Assistant
    from rag.briefing.export import export, note_markdown
    from rag.briefing.note import Briefer

    if args.format != "md" and not args.out:
        raise UsageError(f"brief: --format {args.format} needs --out FILE")
    since, until = parse_as_of(args.since, "--since"), parse_as_of(args.until, "--until")
    if since and until and since > until:
        raise UsageError(f"brief: --since {since} is after --until {until}")
    note = Briefer(Assistant(settings)).build(args.topic, since, until, parse_as_of(args.as_of), args.backend)
    if note.notice:
        print(f"notice: {note.notice}", file=sys.stderr)
    if args.out:
        print(f"briefing note written to {export(note, args.format, Path(args.out))}", file=sys.stderr)
    if args.json:
        print(json.dumps(note.as_dict(), ensure_ascii=False, indent=2))
    elif not args.out:
        print(note_markdown(note))
    return 0 if not note.empty else 1


def cmd_model(args, settings) -> int:
    from rag.answer.local_llm import runtime_installed
    from rag.factory import local_available, local_model_path

    if args.action == "prepare":
        path = local_model_path(settings, prepare=True)
        print(f"local model ready: {path}")
        return 0
    print(f"runtime installed: {runtime_installed()}; local model available: {local_available(settings)}")
    return 0


def cmd_eval(args, settings) -> int:
    from pathlib import Path

    from rag.assistant import Assistant
    from rag.evaluation import evaluate_assistant, evaluate_baseline, load_questions, markdown_table

    questions = [q for path in args.questions for q in load_questions(Path(path))]
    assistant = Assistant(settings)
    reports = [evaluate_assistant(assistant, questions, args.backend)]
    if args.baseline is not None:
        from rag.baseline import NaiveBaseline

        baseline = NaiveBaseline(Path(settings.data_dir) / "naive-baseline", assistant.embeddings)
        build = baseline.build(args.baseline or [])
        print(f"baseline index: {build}", file=sys.stderr)
        reports.append(evaluate_baseline(baseline, questions))
    table = markdown_table(reports)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n", encoding="utf-8")
    print(json.dumps([r.as_dict() for r in reports], indent=2) if args.json else table)
    return 0


COMMANDS = {
    "ingest": cmd_ingest,
    "stats": cmd_stats,
    "ask": cmd_ask,
    "brief": cmd_brief,
    "eval": cmd_eval,
    "model": cmd_model,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from rag.answer.local_llm import LocalModelUnavailable
    from rag.documents import InputError
    from rag.embeddings import EmbedderUnavailable
    from rag.locking import IngestBusy

    expected = (SettingsError, UsageError, InputError, LocalModelUnavailable, EmbedderUnavailable, IngestBusy, OSError)
    try:
        settings = load_settings(data_dir=args.data_dir)
        return COMMANDS[args.command](args, settings)
    except expected as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
