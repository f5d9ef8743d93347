"""Paths, the fast-mode flag and course settings, independent of the working directory.

Introduced in lecture 00. Notebooks run from lectures/, solutions/, assignments/ and from nbgrader's
autograded/ copies; every path here is derived from the package location (or ``DLCOURSE_ROOT``), never
from ``os.getcwd()``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import tomllib

T = TypeVar("T")

FAST_ENV = "DLCOURSE_FAST"
OFFLINE_ENV = "DLCOURSE_OFFLINE"
ROOT_ENV = "DLCOURSE_ROOT"


def _find_root() -> Path:
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env).resolve()
    # dlcourse/ sits in the repository root (editable install or Colab clone).
    return Path(__file__).resolve().parent.parent


REPO_ROOT: Path = _find_root()
DATA_DIR: Path = REPO_ROOT / "data"
CUSTOM_DATA_DIR: Path = DATA_DIR / "custom"
CACHE_DIR: Path = DATA_DIR / "cache"
LECTURES_DIR: Path = REPO_ROOT / "lectures"
SOLUTIONS_DIR: Path = REPO_ROOT / "solutions"
ASSIGNMENTS_DIR: Path = REPO_ROOT / "assignments"
AUTOGRADE_DIR: Path = REPO_ROOT / "autograde"
BUILD_DIR: Path = REPO_ROOT / "build"


def is_fast() -> bool:
    """True when ``DLCOURSE_FAST`` is set to 1/true/yes: the one place fast mode is read."""
    return os.environ.get(FAST_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def is_offline() -> bool:
    """True when ``DLCOURSE_OFFLINE`` is 1/true/yes/on: loaders then never touch the network (tests set it)."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def size(full: T, fast: T) -> T:
    """Pick a size: ``full`` normally, ``fast`` in fast mode. Fast mode shrinks sizes, never code paths.

    >>> epochs = size(full=200, fast=5)
    """
    return fast if is_fast() else full


@dataclass(frozen=True)
class CourseSettings:
    """Course-wide settings, read from ``[tool.dlcourse]`` in pyproject.toml."""

    repository: str = field(
        default="dlcourse-kr/rnn-to-gan",
        metadata={"help": "GitHub slug (owner/name) of the public student repository; Colab links point here."},
    )
    branch: str = field(default="main", metadata={"help": "Branch that Colab badges and the clone use."})
    clone_dir: str = field(
        default="/content/rnn-to-gan",
        metadata={"help": "Where the setup cell clones the repository on Colab."},
    )
    kernel_name: str = field(
        default="python3",
        metadata={"help": "Kernel name written into notebooks (Colab only knows python3)."},
    )
    cell_timeout: int = field(
        default=600, metadata={"help": "Seconds one cell may run when notebooks are executed by the tests."}
    )
    # grading (dlcourse.grading; see autograde/README.md)
    timezone: str = field(
        default="Asia/Seoul",
        metadata={"help": "IANA time zone of due dates, LMS submission times (Blackboard's attempt stamps) and "
                          "--timestamps values written without a zone."},
    )
    course_id: str = field(
        default="rnn-to-gan", metadata={"help": "nbgrader course id, stored in autograde/gradebook.db."}
    )
    due_dates: dict[str, str] = field(
        default_factory=dict,
        metadata={"help": "Due date per assignment ([tool.dlcourse.due_dates], a1_numpy_rnn = \"2026-03-20 23:59\", "
                          "in `timezone`); written into the gradebook, where nbgrader's late-penalty step reads it. "
                          "Per-student extensions: autograde/extensions.csv (student_id,assignment,days)."},
    )
    weights: dict[str, float] = field(
        default_factory=dict,
        metadata={"help": "Weight of each assignment in the course total ([tool.dlcourse.weights], a1_numpy_rnn = 15); "
                          "empty: every assignment in the gradebook weighs the same. The total is the weighted mean "
                          "of score / max_score, in percent (autograde/totals.csv)."},
    )
    late_penalty_per_day: float = field(
        default=0.1,
        metadata={"help": "Share of a late notebook's score taken per started day after the due date (plus any "
                          "extension); 0 turns late penalties off."},
    )
    late_max_days: float = field(
        default=7.0,
        metadata={"help": "Days late after which the late penalty is the whole score."},
    )
    grade_cell_timeout: int = field(
        default=300,
        metadata={"help": "Seconds one cell of a submission may run while grading; then it is interrupted, "
                          "gets a CellTimeoutError and the submission's status is timeout."},
    )
    grade_timeout: int = field(
        default=1200,
        metadata={"help": "Seconds one whole submission may take while grading; then it is stopped with "
                          "status timeout and no score."},
    )
    grade_memory_gb: float = field(
        default=4.0,
        metadata={"help": "Resident memory (GiB) the kernel's process tree may use while grading; above it "
                          "the kernel is killed and the status is memory_limit. A watchdog, not RLIMIT_AS, "
                          "because TensorFlow reserves far more address space than it uses."},
    )
    grade_output_lines: int = field(
        default=1000,
        metadata={"help": "Lines of stream output kept per cell in graded notebooks (the rest is truncated)."},
    )
    grade_fast: bool = field(
        default=True,
        metadata={"help": "Grade with DLCOURSE_FAST=1 so a notebook's own demo runs use the small sizes; "
                          "hidden tests use fixed sizes of their own."},
    )
    grade_max_processes: int = field(
        default=512,
        metadata={"help": "Processes and threads the kernel's tree may have while grading (a pids cgroup when "
                          "grading as root, RLIMIT_NPROC inside the sandbox otherwise); a fork bomb stops there. "
                          "TensorFlow and KoNLPy's JVM need a few dozen threads; 0 turns the cap off."},
    )
    # grading on a Dask cluster (`dlcourse grade A --cluster …`; see autograde/README.md)
    cluster_connect_timeout: int = field(
        default=10, metadata={"help": "Seconds to wait for a Dask scheduler (--cluster tcp://…) before giving up."}
    )
    cluster_retries: int = field(
        default=2,
        metadata={"help": "Times a job whose worker died (killed, out of memory, node lost) is started again on "
                          "another worker before it is reported crashed; for the clusters `grade` starts itself "
                          "(local:N, slurm, pbs, sge). An existing scheduler uses its own "
                          "distributed.scheduler.allowed-failures."},
    )
    cluster_queue: str = field(
        default="", metadata={"help": "slurm/pbs/sge: the partition or queue for worker jobs ('' = the default)."}
    )
    cluster_account: str = field(
        default="", metadata={"help": "slurm/pbs: the account (project) worker jobs are charged to ('' = none)."}
    )
    cluster_jobs: int = field(
        default=1, metadata={"help": "slurm/pbs/sge: batch jobs to submit, each running Dask workers."}
    )
    cluster_cores: int = field(
        default=4,
        metadata={"help": "slurm/pbs/sge: CPU cores per batch job; each core grades one submission at a time."},
    )
    cluster_processes: int = field(
        default=0,
        metadata={"help": "slurm/pbs/sge: Dask worker processes the cores are split into (0 = one per core, "
                          "the most isolated; with GPUs at most one per GPU)."},
    )
    cluster_memory: str = field(
        default="24GiB",
        metadata={"help": "slurm/pbs/sge: memory per batch job; each core's submission needs grade_memory_gb and "
                          "about 1 GiB more, or `grade` refuses to start."},
    )
    cluster_walltime: str = field(
        default="02:00:00", metadata={"help": "slurm/pbs/sge: wall-time limit of each batch job (HH:MM:SS)."}
    )
    cluster_gpus: int = field(
        default=0,
        metadata={"help": "slurm: GPUs per batch job (--gres=gpu:N); the workers then offer GPU resources for "
                          "`grade --gpu`. pbs/sge: request GPUs through cluster_job_extra."},
    )
    cluster_prologue: tuple[str, ...] = field(
        default=(),
        metadata={"help": "slurm/pbs/sge: shell lines run before the workers start, e.g. 'module load "
                          "apptainer' or 'source ~/rnn-to-gan/.venv/bin/activate' (the course environment)."},
    )
    cluster_python: str = field(
        default="",
        metadata={"help": "slurm/pbs/sge: the Python that runs the workers ('' = 'python' after the prologue if "
                          "there is one, else this Python's path)."},
    )
    cluster_job_extra: tuple[str, ...] = field(
        default=(), metadata={"help": "slurm/pbs/sge: extra scheduler directives, e.g. '--constraint=avx2'."}
    )
    cluster_local_directory: str = field(
        default="",
        metadata={"help": "slurm/pbs/sge: the workers' scratch folder on the node, e.g. '$TMPDIR' ('' = Dask's "
                          "default)."},
    )
    cluster_interface: str = field(
        default="",
        metadata={"help": "slurm/pbs/sge: the network interface the scheduler listens on, e.g. 'ib0' ('' = "
                          "Dask's default)."},
    )
    instructor_only: tuple[str, ...] = field(
        default=("instructor", "*.instructor.*", "*_instructor.*"),
        metadata={"help": "File name patterns in solutions/<assignment>/ that are never released, published "
                          "or copied next to a student's notebook while grading."},
    )
    publish_exclude: tuple[str, ...] = field(
        default=("solutions", "autograde", "dlcourse/grading", "tests/grading", "benchmarks"),
        metadata={"help": "Paths (relative to the repository root) left out of `dlcourse release --publish`, "
                          "besides git-ignored files; inside publish_include they carve out instructor code, "
                          "and the publish fails if any of them reaches the published tree."},
    )
    publish_include: tuple[str, ...] = field(
        default=("lectures", "assignments", "data", "dlcourse", "environment.yml", "requirements.in",
                 "requirements.txt", "pyproject.toml"),
        metadata={"help": "Paths (relative to the repository root) that `dlcourse release --publish` copies into "
                          "the student repository; everything else stays here. The student README, Makefile, "
                          "configuration and tests come from publish/, the shared tests from publish_tests."},
    )
    publish_tests: tuple[str, ...] = field(
        default=("tests/conftest.py", "tests/exercises", "tests/test_cells.py", "tests/test_checks.py",
                 "tests/test_config.py", "tests/test_data.py", "tests/test_data_mnist.py",
                 "tests/test_data_nietzsche.py", "tests/test_envcheck.py", "tests/test_exercises.py",
                 "tests/test_gan.py", "tests/test_metrics.py", "tests/test_morph.py", "tests/test_notebooks.py",
                 "tests/test_plots.py", "tests/test_reference_batchnorm.py", "tests/test_reference_gradcheck.py",
                 "tests/test_reference_lstm_gru.py", "tests/test_reference_rnn.py", "tests/test_seed.py",
                 "tests/test_word2vec.py"),
        metadata={"help": "Test files (or folders) of this repository that are copied unchanged into the published "
                          "tests/ and must pass there too: the student side of the package and the notebooks. "
                          "Instructor-only tests (grading, benchmarks, the browser, this README) stay here."},
    )
    publish_public_code: tuple[str, ...] = field(
        default=("dlcourse/reference/gradcheck.py",),
        metadata={"help": "Student-side files whose code is public on purpose (lecture tools such as the numeric "
                          "gradient). A hidden test may keep a private copy of such a tool (so a student cannot "
                          "patch it); the publish leak check does not count those lines as a copied hidden test. "
                          "Solution lines are never excused."},
    )

    @classmethod
    def help(cls) -> dict[str, str]:
        return {f.name: f.metadata["help"] for f in fields(cls)}


def tool_table(pyproject: Path) -> dict:
    """The raw ``[tool.dlcourse]`` table of ``pyproject`` ({} when the file or the table is missing)."""
    if not pyproject.exists():
        return {}
    return tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("dlcourse", {})


@lru_cache(maxsize=1)
def settings() -> CourseSettings:
    """Load :class:`CourseSettings` from pyproject.toml; unknown keys are an error, not ignored."""
    pyproject = REPO_ROOT / "pyproject.toml"
    table = tool_table(pyproject)
    known = {f.name for f in fields(CourseSettings)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ValueError(f"unknown [tool.dlcourse] keys in {pyproject}: {', '.join(unknown)}")
    # TOML arrays arrive as lists; the settings object is frozen and holds tuples.
    return CourseSettings(**{k: tuple(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v
                             for k, v in table.items()})
