"""``dlcourse <command>``: a thin CLI. Each subcommand parses its arguments and calls one function.

Every command prints what it did and exits non-zero with a one-line reason on failure.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

from dlcourse.config import AUTOGRADE_DIR, BUILD_DIR, LECTURES_DIR, REPO_ROOT, is_fast


def cmd_badges(args: argparse.Namespace) -> int:
    from dlcourse.cells import course_notebooks, stale_first_cells, stamp

    notebooks = [Path(p) for p in args.notebooks] or course_notebooks()
    if args.check:
        problems = [p for nb in notebooks for p in stale_first_cells(nb)]
        for p in problems:
            print(p)
        if problems:
            print(f"{len(problems)} stale first cell(s); run `dlcourse badges` to rewrite them", file=sys.stderr)
            return 1
        print(f"{len(notebooks)} notebooks: first cells up to date")
        return 0
    changed = [nb for nb in notebooks if stamp(nb)]
    for nb in changed:
        print(f"rewrote first cells: {nb.resolve().relative_to(REPO_ROOT)}")
    print(f"{len(notebooks)} notebooks checked, {len(changed)} rewritten")
    return 0


def cmd_execute(args: argparse.Namespace) -> int:
    from dlcourse.notebooks import execute_notebook, record_time

    notebooks = [Path(p) for p in args.notebooks] or sorted(LECTURES_DIR.glob("*.ipynb"))
    if args.sweep is not None:
        return _sweep(args, notebooks)
    fast = is_fast() if args.mode is None else args.mode == "fast"
    for i, nb in enumerate(notebooks, 1):
        result = execute_notebook(nb, fast=fast, write=args.write, cell_timeout=args.cell_timeout)
        record_time(BUILD_DIR / "notebook-times.json", result)
        print(f"[{i}/{len(notebooks)}] {nb}: {result.mode} mode, {result.seconds:.1f} s"
              + (" (outputs written)" if args.write else ""))
    return 0


def _sweep(args: argparse.Namespace, notebooks: list[Path]) -> int:
    from dlcourse.sweep import markdown, smallest_margins, sweep, table

    if args.write:
        raise ValueError("--sweep never writes outputs into notebooks; drop --write")
    missing = [str(p) for p in notebooks if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"no such notebook: {', '.join(missing)}")
    modes = tuple(m.strip() for m in args.modes.split(",")) if args.modes else (
        (args.mode,) if args.mode else ("fast",))
    out = Path(args.out) if args.out else BUILD_DIR / "sweep"
    results = sweep(notebooks, n=args.sweep, modes=modes, onednn=tuple(o.strip() for o in args.onednn.split(",")),
                    jobs=args.jobs, out=out, fresh=args.fresh, cell_timeout=args.cell_timeout,
                    stored_only=args.stored_only, first_seed=args.first_seed)
    rows = table(results)
    print(markdown(rows, results))
    for r in smallest_margins(rows):
        print(f"smallest margin: {r.notebook} · {r.check} ({r.mode}): {r.worst_value:.4g} {r.op} "
              f"{r.worst_threshold:.4g}, margin {r.worst_margin:+.4g} in {r.worst_run}")
    failed = [r for r in rows if r.failures] + [r for r in results if not r.ok]
    print(f"{len(results)} runs, {len(rows)} check rows; table in {out / 'sweep.md'}")
    if failed:
        print(f"{len(failed)} failing check row(s) or run(s): see above", file=sys.stderr)
        return 1
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from dlcourse.envcheck import failures, format_table, run_checks

    checks = run_checks()
    print(format_table(checks))
    failed = failures(checks)
    if failed:
        print(f"{len(failed)} check(s) failed: {', '.join(c.name for c in failed)}", file=sys.stderr)
        return 1
    return 0


def cmd_lab(args: argparse.Namespace) -> int:
    """Start JupyterLab on the repository with lectures/ open (what `make lab` runs)."""
    argv = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.root_dir={REPO_ROOT}",
        "--LabApp.default_url=/lab/tree/lectures",
        f"--ServerApp.port={args.port}",
        "--ServerApp.ip=127.0.0.1",
    ]
    if args.token is not None:
        argv.append(f"--IdentityProvider.token={args.token}")
    if args.no_browser:
        argv.append("--no-browser")
    if os.geteuid() == 0:  # containers and CI run as root; Jupyter refuses without this
        argv.append("--allow-root")
    # nbgrader's lab extension (Validate, formgrader) reads nbgrader_config.py from the server's working
    # directory: start in autograde/, whose config points at the repository as the course directory. The
    # published student repository has no autograde/: its own nbgrader_config.py sits at the root.
    os.chdir(AUTOGRADE_DIR if AUTOGRADE_DIR.is_dir() else REPO_ROOT)
    os.execv(sys.executable, argv)
    return 0  # not reached


# ── instructor: the grading pipeline (dlcourse.grading; see autograde/README.md) ─────────────────────

def cmd_release(args: argparse.Namespace) -> int:
    from dlcourse.grading.course import Course
    from dlcourse.grading.release import release

    release(course=Course.default(), assignments=args.assignments or None,
            publish=Path(args.publish) if args.publish else None, repository=args.repository, branch=args.branch)
    return 0


def cmd_roster(args: argparse.Namespace) -> int:
    from dlcourse.grading.course import Course
    from dlcourse.grading.roster import load_roster

    load_roster(course=Course.default(), path=Path(args.file) if args.file else None)
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    from dlcourse.grading.collect import collect
    from dlcourse.grading.course import Course

    collect(source=Path(args.source), assignment=args.assignment, course=Course.default(), pattern=args.pattern,
            lms=args.lms, timestamps=Path(args.timestamps) if args.timestamps else None)
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from dlcourse.grading.course import Course
    from dlcourse.grading.grade import grade
    from dlcourse.grading.report import table

    rows = grade(assignment=args.assignment, course=Course.default(), jobs=args.jobs, cell_timeout=args.cell_timeout,
                 timeout=args.timeout, memory_gb=args.memory, sandbox=not args.no_sandbox, gpu=args.gpu,
                 force=args.force, cluster=args.cluster, students=args.student)
    print(table(rows))
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from dlcourse.grading.course import Course
    from dlcourse.grading.feedback import bundle, check_bundle_lms, feedback

    if args.bundle:
        check_bundle_lms(args.lms)  # before any work: Blackboard has no bulk upload
    feedback(assignment=args.assignment, course=Course.default())
    if args.bundle:
        bundle(assignment=args.assignment, course=Course.default(), lms=args.lms)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from dlcourse.grading.course import Course
    from dlcourse.grading.export import export

    export(course=Course.default(), lms=args.lms)
    return 0


def cmd_similarity(args: argparse.Namespace) -> int:
    from dlcourse.grading.course import Course
    from dlcourse.grading.similarity import similarity

    similarity(assignment=args.assignment, course=Course.default(), top=args.top)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from dlcourse.grading.course import Course
    from dlcourse.grading.demo import demo, is_demo_course, run_demo

    course = Course.default()
    if not is_demo_course(course):  # the repository: make build/demo and run there, with its settings
        return run_demo(repo=course, assignment=args.assignment, jobs=args.jobs)
    demo(course=course, assignment=args.assignment, jobs=args.jobs)
    return 0


def grading_available() -> bool:
    """Whether the instructor's grading pipeline is installed here (not in the published student repository)."""
    return importlib.util.find_spec("dlcourse.grading") is not None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dlcourse", description="딥러닝 실습 코스 도구 (course tools)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("badges", help="rewrite (or --check) the Colab badge and setup cell of every notebook")
    p.add_argument("notebooks", nargs="*", help="default: lectures/*.ipynb and solutions/*/*.ipynb")
    p.add_argument("--check", action="store_true", help="only report stale cells; exit 1 if any")
    p.set_defaults(func=cmd_badges)

    p = sub.add_parser("execute", help="run notebooks in a fresh kernel (default: all lectures)")
    p.add_argument("notebooks", nargs="*")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--full", dest="mode", action="store_const", const="full", help="full sizes")
    mode.add_argument("--fast", dest="mode", action="store_const", const="fast", help="DLCOURSE_FAST sizes")
    p.add_argument("--write", action="store_true", help="save the outputs into the notebooks")
    p.add_argument("--cell-timeout", type=int, metavar="S", help="seconds one cell may run (default: cell_timeout)")
    p.add_argument("--sweep", type=int, metavar="N",
                   help="seed sweep: run each notebook N times (seed offsets 0..N-1) per mode and oneDNN setting, "
                        "and print every check's worst margin (dlcourse.sweep)")
    p.add_argument("--first-seed", type=int, default=0, metavar="K",
                   help="sweep: seed offsets K..K+N-1 instead of 0..N-1 (add seeds to an earlier sweep)")
    p.add_argument("--modes", help="sweep modes, comma-separated (default: --fast/--full, else fast)")
    p.add_argument("--onednn", default="0,1", help="sweep TF_ENABLE_ONEDNN_OPTS values (default: 0,1)")
    p.add_argument("--jobs", "-j", type=int, default=1, help="sweep runs at once (default: 1)")
    p.add_argument("--stored-only", action="store_true",
                   help="sweep: run nothing, table the stored runs of the current code cells (e.g. runs gathered "
                        "from several machines into one --out folder)")
    p.add_argument("--out", help="sweep folder (default: build/sweep)")
    p.add_argument("--fresh", action="store_true", help="sweep: run again even the runs stored for unchanged notebooks")
    p.set_defaults(func=cmd_execute, mode=None)

    p = sub.add_parser("doctor", help="check the environment (what lecture 00 shows)")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("lab", help="start JupyterLab on the course (what `make lab` runs)")
    p.add_argument("--port", type=int, default=8888)
    p.add_argument("--token", default=None, help="server token (default: JupyterLab's own)")
    p.add_argument("--no-browser", action="store_true")
    p.set_defaults(func=cmd_lab)

    if not grading_available():  # the published student repository leaves dlcourse/grading out
        return parser
    p = sub.add_parser("release", help="solutions/A → assignments/A with nbgrader, then the leak check")
    p.add_argument("assignments", nargs="*", help="default: every assignment in solutions/")
    p.add_argument("--publish", metavar="DIR", help="also write the student repository into DIR (a clone of the "
                                                    "public repository keeps its .git)")
    p.add_argument("--repository", metavar="OWNER/NAME",
                   help="with --publish: the public repository its Colab badges, setup cells and figure links point "
                        "to (default: DIR's git remote origin, else [tool.dlcourse] repository)")
    p.add_argument("--branch", help="with --publish: the public repository's branch (default: [tool.dlcourse] branch)")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("roster", help="load autograde/roster.csv (student_id,name,email,lms_id) into the gradebook")
    p.add_argument("file", nargs="?", metavar="FILE", help="default: autograde/roster.csv")
    p.set_defaults(func=cmd_roster)

    p = sub.add_parser("collect", help="keep, validate and repair submissions (a folder or an LMS .zip)")
    p.add_argument("source", metavar="SOURCE", help="folder (SOURCE/<student>/*.ipynb or <student>_*.ipynb) or .zip")
    p.add_argument("--assignment", "-a", required=True)
    p.add_argument("--pattern", help="regex for the student id in a file name (default: before the first '_')")
    p.add_argument("--lms", choices=("folders", "moodle", "canvas", "blackboard"), default="folders",
                   help="naming rules of the LMS's 'download all submissions' archive (default: folders)")
    p.add_argument("--timestamps", metavar="CSV", help="student_id,timestamp: submission times the export lacks")
    p.set_defaults(func=cmd_collect)

    p = sub.add_parser("grade", help="autograde every collected submission, each in its own sandboxed process")
    p.add_argument("assignment")
    p.add_argument("--jobs", "-j", type=int, help="submissions graded at once (default: CPU count)")
    p.add_argument("--cell-timeout", type=int, metavar="S", help="seconds per cell (default: grade_cell_timeout)")
    p.add_argument("--timeout", type=int, metavar="S", help="seconds per notebook (default: grade_timeout)")
    p.add_argument("--memory", type=float, metavar="GB", help="kernel memory limit (default: grade_memory_gb)")
    p.add_argument("--no-sandbox", action="store_true", help="run student code unconfined (prints a warning)")
    p.add_argument("--gpu", action="store_true", help="one job per visible GPU, each kernel on its own GPU")
    p.add_argument("--force", action="store_true", help="grade again submissions that are up to date")
    p.add_argument("--cluster", metavar="SPEC",
                   help="grade on Dask instead of this machine's pool: local:N (N worker processes here), "
                        "tcp://HOST:PORT (an existing `dask scheduler`), or slurm|pbs|sge (batch jobs shaped by "
                        "the cluster_* settings); see autograde/README.md")
    p.add_argument("--student", action="append", metavar="ID",
                   help="grade only this student (repeatable); with --force, regrade only them")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("feedback", help="per-student HTML feedback, hidden tests redacted")
    p.add_argument("assignment")
    p.add_argument("--bundle", action="store_true", help="also one zip of all pages for the LMS's bulk upload")
    p.add_argument("--lms", choices=("folders", "moodle", "canvas", "blackboard"), default="folders",
                   help="file names in the bundle: <student_id>/… (folders), Moodle's feedback-zip names or the "
                        "names Canvas's Re-Upload Submissions reads (Blackboard: no known bulk upload, refused)")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("export", help="every roster student × assignment into autograde/grades.csv (+ totals.csv)")
    p.add_argument("--lms", choices=("canvas", "moodle"),
                   help="also autograde/grades-LMS.csv for that gradebook's import")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("similarity", help="pairwise similarity of the answer cells (scaffold removed); never scores")
    p.add_argument("assignment")
    p.add_argument("--top", type=int, default=20, help="pairs shown side by side in the HTML page (default: 20)")
    p.set_defaults(func=cmd_similarity)

    p = sub.add_parser("demo", help="a semester in miniature on the sample submissions, in build/demo: roster, a late "
                                    "submission, grading, feedback, similarity, grades.csv; offline on CPU")
    p.add_argument("--assignment", "-a", default="a3_char_rnn",
                   help="whose sample submissions (autograde/examples/A) to use (default: a3_char_rnn)")
    p.add_argument("--jobs", "-j", type=int, help="submissions graded at once (default: CPU count)")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (FileNotFoundError, ValueError, RuntimeError) as e:
        print(f"dlcourse {args.command}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
