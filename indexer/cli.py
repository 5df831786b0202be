"""The `izde` command line: subcommands mirror what users do (index, search, serve...)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from indexer.config import default_index_dir

INDEX_OPTION = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Index folder (default: $IZDE_INDEX or ./var/index).",
)


def _index_dir(index_dir: Path | None) -> Path:
    return index_dir or default_index_dir()


def _dump(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="izde")
def main() -> None:
    """izde: full-text search for Kazakh documents."""


# -- analysis ---------------------------------------------------------------------------


@main.command()
def stem() -> None:
    """Stem words read from stdin, one a line; print `word<TAB>stem`."""
    from indexer.analysis.analyzers import stem_word

    for line in sys.stdin:
        word = line.rstrip("\r\n")
        click.echo(f"{word}\t{stem_word(word)}")


@main.command()
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def analyze(text: str, as_json: bool) -> None:
    """Show each token of TEXT with its offsets, normalised form, stem and language."""
    from indexer.analysis.analyzers import analyze as run

    tokens = run(text)
    if as_json:
        _dump(tokens)
        return
    for t in tokens:
        click.echo(f"{t['start']}\t{t['end']}\t{t['text']}\t{t['norm']}\t{t['stem']}\t{t['lang']}")


@main.group(name="eval")
def eval_group() -> None:
    """Measure quality: stemming against gold lemmas, retrieval against judgements."""


@eval_group.command(name="stems")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--errors", type=int, default=0, help="Also print N example errors of each kind.")
@click.option("--by-source", is_flag=True, help="Also print figures per source group.")
def eval_stems(gold: Path, errors: int, by_source: bool) -> None:
    """Conflation recall/precision/F1 of the stemmer on a CoNLL-U file."""
    from indexer.eval.stems import evaluate, format_by_source, format_errors

    result = evaluate(gold, by_source=by_source)
    if errors:
        click.echo(format_errors(result, errors))
    if by_source:
        click.echo(format_by_source(result))
    click.echo(
        f"recall={result['recall']:.3f} precision={result['precision']:.3f} "
        f"f1={result['f1']:.3f} forms={result['forms']}"
    )


@eval_group.command(name="retrieval")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--per-query",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write per-query figures as JSON Lines to this file.",
)
def eval_retrieval(folder: Path, per_query: Path | None) -> None:
    """nDCG@10, MRR@10, Recall@10/100 on a corpus.jsonl/topics.tsv/qrels.tsv folder."""
    from indexer.eval.retrieval import evaluate

    result = evaluate(folder, per_query=per_query)
    click.echo(
        f"ndcg@10={result['ndcg@10']:.3f} mrr@10={result['mrr@10']:.3f} "
        f"recall@10={result['recall@10']:.3f} recall@100={result['recall@100']:.3f} "
        f"queries={result['queries']}"
    )


# -- index ------------------------------------------------------------------------------


@main.command(name="index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@INDEX_OPTION
@click.option("--rebuild", is_flag=True, help="Build a new index from scratch.")
@click.option("--check", is_flag=True, help="Verify the index without changing it.")
@click.option(
    "--wait",
    type=float,
    default=0.0,
    help="Seconds to wait for another index run to finish (default: fail at once).",
)
def index_cmd(
    paths: tuple[Path, ...], index_dir: Path | None, rebuild: bool, check: bool, wait: float
) -> None:
    """Index documents under PATHS (default: ./corpus); only new or changed files are re-read."""
    from indexer.index.store import IndexBusy, IndexDamaged, check_index, update_index

    target = _index_dir(index_dir)
    if check:
        problems = check_index(target)
        if problems:
            for p in problems:
                click.echo(f"error: {p}", err=True)
            click.echo(f"to rebuild: izde index --rebuild --index {target}", err=True)
            sys.exit(1)
        click.echo(f"ok: {target}")
        return
    try:
        summary = update_index(
            list(paths) or [Path("corpus")],
            target,
            rebuild=rebuild,
            progress=sys.stderr.isatty(),
            wait=wait,
        )
    except IndexBusy as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(3)
    except IndexDamaged as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(4)
    click.echo(summary.report())
    if summary.skipped:
        sys.exit(2)


@main.command()
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True)
def stats(index_dir: Path | None, as_json: bool) -> None:
    """Documents, paragraphs, distinct terms, size on disk, last update."""
    from indexer.index.store import IndexError_, index_stats

    try:
        data = index_stats(_index_dir(index_dir))
    except IndexError_ as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(4)
    if as_json:
        _dump(data)
        return
    for key, value in data.items():
        click.echo(f"{key}: {value}")


# -- search -----------------------------------------------------------------------------


@main.command()
@click.argument("query")
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON as /api/search.")
@click.option("--limit", type=int, default=10, show_default=True)
@click.option("--offset", type=int, default=0, show_default=True)
@click.option("--doc", "doc", default=None, help="Only this document id.")
@click.option("--order", type=click.Choice(["relevance", "document"]), default="relevance")
def search(
    query: str,
    index_dir: Path | None,
    as_json: bool,
    limit: int,
    offset: int,
    doc: str | None,
    order: str,
) -> None:
    """Search paragraphs; hits best first with matching forms marked."""
    from indexer.index.store import IndexError_, open_index
    from indexer.search.engine import QueryError
    from indexer.search.engine import search as run

    try:
        handle = open_index(_index_dir(index_dir))
        result = run(handle, query, limit=limit, offset=offset, doc=doc, order=order)
    except (QueryError, IndexError_) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if as_json:
        _dump(result)
        return
    from indexer.search.engine import format_text

    click.echo(format_text(result, color=sys.stdout.isatty()))


@main.command()
@click.argument("word")
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON as /api/term.")
def term(word: str, index_dir: Path | None, as_json: bool) -> None:
    """Where a word appears: its forms with counts, per document, and concordance lines."""
    from indexer.index.store import IndexError_, open_index
    from indexer.search.engine import QueryError, format_term_text, term_view

    try:
        result = term_view(open_index(_index_dir(index_dir)), word)
    except (QueryError, IndexError_) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if as_json:
        _dump(result)
    else:
        click.echo(format_term_text(result))


@main.command()
@INDEX_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option(
    "--threads", type=int, default=8, show_default=True, help="Threads per worker process."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: $IZDE_WORKERS, else one per CPU, at most 4).",
)
def serve(index_dir: Path | None, host: str, port: int, threads: int, workers: int | None) -> None:
    """Serve the web front end and the JSON API with waitress."""
    from webapp.serve import serve as run

    run(_index_dir(index_dir), host=host, port=port, threads=threads, workers=workers)


if __name__ == "__main__":
    main()
