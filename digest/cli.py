"""The ``digest`` command: the only place that parses arguments, sets up logging, prints and exits.

Exit codes: 0 success, 1 a page/article/build problem (the rest was still processed), 2 usage or
config error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from digest import __version__
from digest.config import Config, load_config, site_timezone
from digest.errors import ConfigError, DigestError

log = logging.getLogger("digest")


def _iso_datetime(value: str) -> dt.datetime:
    """argparse type: an ISO 8601 moment; a naive one is taken as UTC."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(
            f"expected ISO 8601 like 2025-06-22T12:00:00+00:00, got {value!r}") from e
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _common_options(parser: argparse.ArgumentParser, *, default: object) -> None:
    """Add the options every command takes, so they work before or after the command name.

    On the subcommands the default is ``argparse.SUPPRESS``: an option given there overrides the
    same one given before the command, and one not given leaves it alone.
    """
    parser.add_argument("-v", "--verbose", action="count", default=default,
                        help="more detail (-vv for debugging)")
    parser.add_argument("-q", "--quiet", action="count", default=default, help="less detail")
    parser.add_argument("--config", type=Path, default=None if default == 0 else default,
                        help="site config file (default: ./digest.yaml)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digest",
        description="Turn saved news pages into a browsable static website.",
        epilog="Run 'digest COMMAND --help' for a command's options.")
    parser.add_argument("--version", action="version", version=f"digest {__version__}")
    _common_options(parser, default=0)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, run: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help, description=help[:1].upper() + help[1:] + ".")
        _common_options(cmd, default=argparse.SUPPRESS)
        cmd.set_defaults(run=run)
        return cmd

    ingest = command("ingest", "parse saved pages into content/*.md", _cmd_ingest)
    ingest.add_argument("paths", nargs="+", type=Path, help="page files or folders (read recursively)")
    ingest.add_argument("--content-dir", type=Path,
                        help="where to write articles (default: the config's content_dir)")
    ingest.add_argument("--captured-at", type=_iso_datetime,
                        help="when the pages were saved (ISO 8601); resolves '2 hours ago'")

    build = command("build", "ingest new pages, then render content/ into site/", _cmd_build)
    build.add_argument("--output", type=Path, help="output folder (default: the config's output_dir)")
    build.add_argument("--base-url", help="override base_url, e.g. https://user.github.io/repo/")
    build.add_argument("--strict", action="store_true", help="exit 1 when there are warnings")
    build.add_argument("--refresh", action="store_true",
                       help="read every saved page again (after upgrading digest); hand edits are kept")

    serve = command("serve", "preview the site with live reload", _cmd_serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8000,
                       help="port to listen on; the next free one if taken (default: %(default)s)")
    serve.add_argument("--no-reload", action="store_true", help="do not watch files or reload pages")
    serve.add_argument("--open", action="store_true", help="open the site in a web browser")

    deploy = command("deploy", "publish site/ to GitHub Pages (a gh-pages branch)", _cmd_deploy)
    deploy.add_argument("--remote", default="origin", help="git remote to push to (default: %(default)s)")
    deploy.add_argument("--branch", default="gh-pages",
                        help="branch that holds the published site (default: %(default)s)")
    deploy.add_argument("--message", help="commit message (default: names the source commit)")
    deploy.add_argument("--base-url",
                        help="build for this URL (default: base_url, or the Pages URL of the remote)")
    deploy.add_argument("--no-build", action="store_true", help="publish site/ as it is")
    deploy.add_argument("--force", action="store_true", help="replace the branch's history")

    init = command("init", "create a new site folder", _cmd_init)
    init.add_argument("directory", type=Path, help="the new site's folder (must be empty or absent)")

    templates = command("templates", "list the default templates, or copy them into templates/ "
                        "to change them", _cmd_templates)
    templates.add_argument("--copy", nargs="+", metavar="NAME",
                           help="templates to copy into the site's templates folder ('all' for all)")

    ci = command("ci", "write a CI workflow that builds and publishes the site", _cmd_ci)
    ci.add_argument("provider", choices=["github"], help="CI service")
    return parser


def _config(args: argparse.Namespace) -> Config:
    return load_config(args.config)


def _cmd_ingest(args: argparse.Namespace) -> int:
    from digest.ingest.store import ingest_paths

    config = _config(args)
    content_dir = args.content_dir or config.path(config.content_dir)
    report = ingest_paths(args.paths, content_dir, captured_at=args.captured_at,
                          timezone=site_timezone(config), on_page=lambda r: print(r.summary()))
    print(report.summary())
    return 0 if report.ok else 1


def _cmd_build(args: argparse.Namespace) -> int:
    from digest.build import build_site

    config = _config(args)
    report = build_site(config, output_dir=args.output, base_url=args.base_url,
                        progress=sys.stderr.isatty() and args.quiet == 0, strict=args.strict,
                        refresh=args.refresh)
    if args.quiet == 0:
        print(report.summary())
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from digest.serve import serve_site

    return serve_site(_config(args), host=args.host, port=args.port,
                      reload=not args.no_reload, open_browser=args.open, config_path=args.config,
                      announce=lambda message: print(message, flush=True))


def _cmd_deploy(args: argparse.Namespace) -> int:
    from digest.deploy import deploy_site

    report = deploy_site(_config(args), remote=args.remote, branch=args.branch,
                         message=args.message, build=not args.no_build, force=args.force,
                         base_url=args.base_url)
    print(report.summary())
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from digest.scaffold import init_site, install_note, next_steps

    for path in init_site(args.directory):
        print(f"created {path}")
    note = install_note(args.directory)
    print("\n".join(["", *next_steps(args.directory), *(["", note] if note else [])]))
    return 0


def _cmd_templates(args: argparse.Namespace) -> int:
    from digest.scaffold import copy_templates, default_templates

    config = _config(args)
    if args.copy:
        for path in copy_templates(config, args.copy):
            print(f"created {path}")
        return 0
    folder, names = default_templates()
    print(f"default templates in {folder}:")
    for name in names:
        print(f"  {name}")
    print("copy one with 'digest templates --copy NAME' and edit it: the copy wins")
    return 0


def _cmd_ci(args: argparse.Namespace) -> int:
    from digest.scaffold import install_note, write_pages_workflow

    config = _config(args)
    print(f"created {write_pages_workflow(config.root, output_dir=config.output_dir)}")
    note = install_note(config.root)
    if note:
        print(note)
    return 0


def _setup_logging(verbosity: int) -> None:
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(
        max(-1, min(verbosity, 2)), logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``digest`` command line; return the process exit code."""
    args = _parser().parse_args(argv)
    _setup_logging(args.verbose - args.quiet)
    try:
        code: int = args.run(args)
    except DigestError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2 if isinstance(e, ConfigError) else 1
    except OSError as e:  # disk full, permission denied, a port that cannot be bound...
        where = f"{e.filename}: " if e.filename else ""
        print(f"error: {where}{e.strerror or e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
