"""The ``digest`` command: the only place that parses arguments, sets up logging, prints and exits.

Exit codes: 0 success, 1 a page/article/build problem (the rest was still processed), 2 usage or
config error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Sequence
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digest",
        description="Turn saved news pages into a browsable static website.",
        epilog="Run 'digest COMMAND --help' for a command's options.")
    parser.add_argument("--version", action="version", version=f"digest {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more detail")
    parser.add_argument("-q", "--quiet", action="count", default=0, help="less detail")
    parser.add_argument("--config", type=Path, help="site config file (default: ./digest.yaml)")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="parse saved pages into content/*.md")
    ingest.add_argument("paths", nargs="+", type=Path, help="page files or folders (recursive)")
    ingest.add_argument("--content-dir", type=Path, help="where to write articles (default: content/)")
    ingest.add_argument("--captured-at", type=_iso_datetime,
                        help="when the pages were saved (ISO 8601); resolves '2 hours ago'")
    ingest.set_defaults(run=_cmd_ingest)

    build = sub.add_parser("build", help="ingest new pages, then render content/ into site/")
    build.add_argument("--output", type=Path, help="output folder (default: site/)")
    build.add_argument("--base-url", help="override base_url, e.g. https://user.github.io/repo/")
    build.add_argument("--strict", action="store_true", help="fail on warnings")
    build.set_defaults(run=_cmd_build)

    serve = sub.add_parser("serve", help="preview the site with live reload")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-reload", action="store_true", help="do not watch or reload")
    serve.add_argument("--open", action="store_true", help="open the site in a browser")
    serve.set_defaults(run=_cmd_serve)

    deploy = sub.add_parser("deploy", help="publish site/ to GitHub Pages (gh-pages branch)")
    deploy.add_argument("--remote", default="origin")
    deploy.add_argument("--branch", default="gh-pages")
    deploy.add_argument("--message", help="commit message")
    deploy.add_argument("--no-build", action="store_true", help="publish site/ as it is")
    deploy.add_argument("--force", action="store_true", help="replace the branch history")
    deploy.set_defaults(run=_cmd_deploy)

    init = sub.add_parser("init", help="create a new site folder")
    init.add_argument("directory", type=Path)
    init.set_defaults(run=_cmd_init)

    ci = sub.add_parser("ci", help="write CI configuration")
    ci.add_argument("provider", choices=["github"])
    ci.set_defaults(run=_cmd_ci)
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
                        progress=sys.stderr.isatty() and args.quiet == 0)
    print(report.summary())
    if args.strict and report.warnings:
        print(f"--strict: {len(report.warnings)} warning(s) fail the build", file=sys.stderr)
        return 1
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from digest.serve import serve_site

    return serve_site(_config(args), host=args.host, port=args.port,
                      reload=not args.no_reload, open_browser=args.open, config_path=args.config,
                      announce=lambda message: print(message, flush=True))


def _cmd_deploy(args: argparse.Namespace) -> int:
    from digest.deploy import deploy_site

    report = deploy_site(_config(args), remote=args.remote, branch=args.branch,
                         message=args.message, build=not args.no_build, force=args.force)
    print(report.summary())
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from digest.scaffold import init_site

    for path in init_site(args.directory):
        print(f"created {path}")
    return 0


def _cmd_ci(args: argparse.Namespace) -> int:
    from digest.scaffold import write_pages_workflow

    config = _config(args)
    print(f"created {write_pages_workflow(config.root, output_dir=config.output_dir)}")
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
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
