"""The `izde` command line: subcommands mirror what users do (index, search, stats...)."""

from __future__ import annotations

import json
import sys
import traceback
from importlib.metadata import entry_points
from pathlib import Path
from typing import NoReturn

import click

from indexer.config import ConfigError, default_index_dir

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


class _Commands(click.Group):
    """izde's commands plus those other packages register under the `izde.commands` entry
    point (`izde serve` comes from webapp: the core does not import the web app). They are
    loaded only when named, so `izde search` never imports the web server."""

    def _plugins(self) -> dict:
        return {ep.name: ep for ep in entry_points(group="izde.commands")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._plugins()))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is None and cmd_name in (plugins := self._plugins()):
            found = plugins[cmd_name].load()
        return found

    def invoke(self, ctx: click.Context):
        # A bad $IZDE_... setting is read when a command's modules are imported: one line
        # naming the variable ("Error: $IZDE_SEARCH_CACHE_MB is '1g'; ..."), no traceback.
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="izde")
def main() -> None:
    """izde: full-text search for Kazakh documents."""


# -- analysis ---------------------------------------------------------------------------


@main.command()
def stem() -> None:
    """Stem words read from stdin, one a line; print `word<TAB>stem` (the word layer's
    key; for a form with two readings, the likelier one)."""
    # Imported here: each command loads only its own rooms, so `izde --help` stays quick.
    from indexer.analysis.analyzers import stem_word

    for line in sys.stdin:
        word = line.rstrip("\r\n")
        click.echo(f"{word}\t{stem_word(word)}")


@main.command()
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def analyze(text: str, as_json: bool) -> None:
    """Show each token of TEXT with its offsets, normalised form, both layers (the word,
    and the root that reaches across derivation), folded key and language."""
    # lazy, per command: the CLI starts in 0.1 s instead of 0.6 s with the index code
    from indexer.analysis import analyze as run

    tokens = run(text)
    if as_json:
        _dump(tokens)
        return
    click.echo("start\tend\ttext\tnorm\tword\troot\tfold\tlang")
    for t in tokens:
        click.echo(
            f"{t['start']}\t{t['end']}\t{t['text']}\t{t['norm']}\t{t['stem']}\t{t['root']}"
            f"\t{t['fold']}\t{t['lang'] or '-'}"
        )


@main.group(name="eval")
def eval_group() -> None:
    """Measure quality: stemming against gold lemmas, retrieval against judgements."""


@eval_group.command(name="stems")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--errors", type=int, default=0, help="Also print N example errors of each kind.")
@click.option("--by-source", is_flag=True, help="Also print figures per source group.")
@click.option(
    "--confusions",
    type=int,
    default=0,
    help="Also print the N stem classes that cost most precision and the N lemmas split most.",
)
def eval_stems(gold: Path, errors: int, by_source: bool, confusions: int) -> None:
    """Conflation recall/precision/F1 and token purity/completeness on a CoNLL-U file."""
    # Imported here: each command loads only its own rooms, so `izde --help` stays quick.
    from indexer.eval.stems import evaluate, format_by_source, format_confusions, format_errors

    result = evaluate(gold, by_source=by_source)
    if errors:
        click.echo(format_errors(result, errors))
    if confusions:
        click.echo(format_confusions(result, confusions))
    if by_source:
        click.echo(format_by_source(result))
    click.echo(
        f"recall={result['recall']:.3f} precision={result['precision']:.3f} "
        f"f1={result['f1']:.3f} forms={result['forms']}"
    )
    click.echo(
        f"token purity={result['purity']:.3f} completeness={result['completeness']:.3f} "
        f"tokens={result['tokens']}"
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
    # lazy, per command: the CLI starts in 0.1 s instead of 0.6 s with the index code
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
@click.option(
    "--prune",
    is_flag=True,
    help="Remove the documents of every file that is gone, even when a path given is "
    "missing or empty (without it, such a path is an error and nothing is removed).",
)
@click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Read symbolic links that lead outside the paths given (skipped by default).",
)
@click.option("--debug", is_flag=True, help="On an error, print the traceback too.")
@click.pass_context
def index_cmd(
    ctx: click.Context,
    paths: tuple[Path, ...],
    index_dir: Path | None,
    rebuild: bool,
    check: bool,
    wait: float,
    prune: bool,
    follow_symlinks: bool,
    debug: bool,
) -> None:
    """Index documents under PATHS (default: ./corpus); only new or changed files are re-read.

    Exit status: 0 all indexed, 2 some files skipped (listed with the reason), 1 a path
    missing or empty or the disk refused a write, 3 another run holds the index, 4 the
    index is damaged or was built by another version (rebuild it with --rebuild)."""
    # Imported per command, so that `izde --help` or `izde stem` does not load Whoosh.
    from indexer.index.store import IndexError_, check_index, update_index

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
            prune=prune,
            follow_symlinks=follow_symlinks,
            # Only tests put a hook here (tests/izde_paused.py): no option or variable does.
            hook=(ctx.obj or {}).get("index_hook"),
        )
    except IndexError_ as exc:
        _index_failure(exc, debug)
    click.echo(summary.report())
    if summary.skipped:
        sys.exit(2)


def _index_failure(exc: Exception, debug: bool) -> NoReturn:
    """One line on stderr (the message names the fix), the traceback with --debug, and the
    exit status of `izde index --help`."""
    from indexer.index.store import IndexBusy, IndexDamaged  # per command, as in index_cmd

    if debug:
        traceback.print_exception(exc)
    click.echo(f"error: {exc}", err=True)
    sys.exit(3 if isinstance(exc, IndexBusy) else 4 if isinstance(exc, IndexDamaged) else 1)


@main.command()
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True)
def stats(index_dir: Path | None, as_json: bool) -> None:
    """Documents, paragraphs, distinct terms, size on disk, last update."""
    from indexer.index.store import IndexError_, index_stats  # per command, as in index_cmd

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
@click.option(
    "--budget",
    type=click.FloatRange(min=0, min_open=True, max=30),
    default=None,
    help="Seconds the search may take (default: $IZDE_QUERY_BUDGET, else 2); past it the "
    "hits found so far are shown and the total is a lower bound.",
)
def search(
    query: str,
    index_dir: Path | None,
    as_json: bool,
    limit: int,
    offset: int,
    doc: str | None,
    order: str,
    budget: float | None,
) -> None:
    """Search paragraphs; hits best first with matching forms marked."""
    # lazy, per command: the CLI starts in 0.1 s instead of 0.6 s with the index code
    from indexer.index.store import IndexError_, open_index

    # lazy, per command: the CLI starts in 0.1 s instead of 0.6 s with the index code
    from indexer.search.engine import Busy, QueryError

    # lazy, per command: the CLI starts in 0.1 s instead of 0.6 s with the index code
    from indexer.search.engine import search as run

    # lazy, per command: the CLI starts in 0.1 s instead of 0.6 s with the index code
    from indexer.search.text_output import format_text

    try:
        handle = open_index(_index_dir(index_dir))
        result = run(handle, query, limit=limit, offset=offset, doc=doc, order=order, budget=budget)
    except (QueryError, IndexError_, Busy) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if as_json:
        _dump(result)
        return
    click.echo(format_text(result, color=sys.stdout.isatty()))


@main.command()
@click.argument("word")
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON as /api/term.")
@click.option("--offset", type=int, default=0, show_default=True, help="First document listed.")
@click.option("--limit", type=int, default=50, show_default=True, help="Documents listed.")
def term(word: str, index_dir: Path | None, as_json: bool, offset: int, limit: int) -> None:
    """Where a word appears: its forms with counts, per document, and concordance lines."""
    # lazy, per command: the CLI starts in 0.1 s instead of 0.6 s with the index code
    from indexer.index.store import IndexError_, open_index

    # lazy, per command: the CLI starts in 0.1 s instead of 0.6 s with the index code
    from indexer.search.views import QueryError, format_term_text, term_view

    try:
        result = term_view(open_index(_index_dir(index_dir)), word, offset, limit)
    except (QueryError, IndexError_) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if as_json:
        _dump(result)
    else:
        click.echo(format_term_text(result))


@main.command()
@click.argument("word")
@INDEX_OPTION
@click.option("--form", "forms", multiple=True, help="Only this form (repeat for more).")
@click.option("--doc", "doc", default=None, help="Only this document id.")
@click.option(
    "--sort", type=click.Choice(["doc", "left", "right", "form"]), default="doc", show_default=True
)
@click.option("--offset", type=int, default=0, show_default=True)
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--width", type=int, default=60, show_default=True, help="Context characters.")
@click.option("--tsv", is_flag=True, help="Every line as TSV (header row first), not one page.")
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON as /api/concordance.")
@click.option(
    "--budget",
    type=click.FloatRange(min=0, min_open=True, max=30),
    default=None,
    help="Seconds a sort by context may take (default: $IZDE_QUERY_BUDGET, else 2); past it "
    "the lines come in document order.",
)
def concordance(
    word: str,
    index_dir: Path | None,
    forms: tuple[str, ...],
    doc: str | None,
    sort: str,
    offset: int,
    limit: int,
    width: int,
    tsv: bool,
    as_json: bool,
    budget: float | None,
) -> None:
    """Every occurrence of a word in context (keyword in context), in order."""
    # (imported here, as in the other commands: `izde --help` stays quick)
    from indexer.index.store import IndexError_, open_index

    # lazy, per command: the CLI starts in 0.1 s instead of 0.6 s with the index code
    from indexer.search import concordance as kwic

    try:
        handle = open_index(_index_dir(index_dir))
        if tsv:
            rows = kwic.iter_tsv(
                handle,
                word,
                forms=list(forms) or None,
                doc=doc,
                sort=sort,
                width=width,
                budget=budget,
            )
        else:
            result = kwic.concordance(
                handle, word, list(forms) or None, doc, sort, offset, limit, width, budget
            )
    except (kwic.QueryError, kwic.Busy, IndexError_) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if tsv:
        for row in rows:
            click.echo(row, nl=False)
        return
    if as_json:
        _dump(result)
        return
    click.echo(kwic.format_text(result))


if __name__ == "__main__":
    main()
