"""The parts of `grade --cluster` that need no running cluster: the --cluster argument, the batch scripts
dask-jobqueue would submit (Slurm, PBS, SGE cannot run here), GPU selection on a worker (no GPU here: the
lock files and CUDA_VISIBLE_DEVICES are checked, not a GPU), the bundle that travels to the workers.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from dlcourse.config import settings
from dlcourse.grading import cluster
from dlcourse.grading.execute import Job, JobResult, kernel_env


@pytest.mark.parametrize("spec, parsed", [
    ("local:3", ("local", 3)), ("tcp://10.0.0.5:8786", ("address", "tcp://10.0.0.5:8786")),
    ("tls://head:8786", ("address", "tls://head:8786")), ("slurm", ("slurm", "")), ("pbs", ("pbs", "")),
    ("sge", ("sge", "")),
])
def test_cluster_specs(spec, parsed):
    assert cluster.parse(spec) == parsed


@pytest.mark.parametrize("spec", ["local:0", "local:x", "10.0.0.5:8786", "kubernetes"])
def test_bad_cluster_specs_say_what_is_expected(spec):
    with pytest.raises(ValueError, match="--cluster takes local:N, tcp://HOST:PORT, slurm, pbs or sge"):
        cluster.parse(spec)


HPC = dict(cluster_queue="gpu", cluster_account="dl-course", cluster_cores=8, cluster_processes=2,
           cluster_memory="48GiB", cluster_walltime="03:30:00", cluster_gpus=2, cluster_jobs=3,
           cluster_prologue=("module load cuda", "source ~/rnn-to-gan/.venv/bin/activate"),
           cluster_job_extra=("--constraint=a100",), cluster_local_directory="$TMPDIR")


def test_the_slurm_script_carries_the_settings():
    script = cluster.job_script("slurm", cfg=replace(settings(), **HPC), scheduler="tcp://head:8786")
    for line in ("#SBATCH -J dlcourse-grade", "#SBATCH -p gpu", "#SBATCH -A dl-course", "#SBATCH --cpus-per-task=8",
                 "#SBATCH --mem=48G", "#SBATCH -t 03:30:00", "#SBATCH --constraint=a100", "#SBATCH --gres=gpu:2",
                 "module load cuda", "source ~/rnn-to-gan/.venv/bin/activate"):
        assert line in script.splitlines(), (line, script)
    worker = script.splitlines()[-1]
    assert worker.startswith("python -m distributed.cli.dask_worker tcp://head:8786 ")
    for part in ("--nthreads 4", "--nworkers 2", "--memory-limit 24.00GiB", "--local-directory $TMPDIR",
                 "--resources GPU=1"):
        assert part in worker, (part, worker)


@pytest.mark.parametrize("kind, lines", [
    ("pbs", ["#PBS -N dlcourse-grade", "#PBS -q gpu", "#PBS -A dl-course", "#PBS -l walltime=03:30:00"]),
    ("sge", ["#$ -N dlcourse-grade", "#$ -q gpu", "#$ -P dl-course", "#$ -l h_rt=03:30:00"]),
])
def test_pbs_and_sge_scripts_carry_the_settings(kind, lines):
    script = cluster.job_script(kind, cfg=replace(settings(), **{**HPC, "cluster_gpus": 0}))
    for line in lines:
        assert line in script.splitlines(), (line, script)
    assert "--nworkers 2" in script and "--nthreads 4" in script and "--resources" not in script


@pytest.mark.parametrize("change, message", [
    (dict(cluster_memory="8GiB", cluster_processes=4, cluster_cores=4),
     "gives each of the 4 submissions a batch job grades at once 2.0 GiB"),
    (dict(cluster_processes=8, cluster_cores=4), "cluster_processes = 8 is more than cluster_cores = 4"),
    (dict(cluster_gpus=1, cluster_processes=2, cluster_cores=2, cluster_memory="16GiB"),
     "use cluster_processes ≤ 1"),
])
def test_impossible_batch_jobs_are_refused(change, message):
    with pytest.raises(ValueError, match=message):
        cluster.jobqueue_kwargs("slurm", cfg=replace(settings(), **change))


def test_one_gpu_per_job_on_a_worker(tmp_path):
    """Two GPUs on a host: two jobs get one each, a third waits until one is free."""
    got: list[str | None] = []
    with cluster.gpu_slot(True, gpus=["0", "1"], locks=tmp_path, poll=0.05) as a, \
            cluster.gpu_slot(True, gpus=["0", "1"], locks=tmp_path, poll=0.05) as b:
        assert {a, b} == {"0", "1"}

        def third():
            with cluster.gpu_slot(True, gpus=["0", "1"], locks=tmp_path, poll=0.05) as c:
                got.append(c)

        waiter = threading.Thread(target=third)
        waiter.start()
        time.sleep(0.5)
        assert got == []  # both GPUs busy: it waits
    waiter.join(timeout=10)
    assert got and got[0] in ("0", "1")
    with cluster.gpu_slot(False) as none:
        assert none is None
    env = kernel_env(home=tmp_path, gpu="1", fast=True, threads=1)
    assert env["CUDA_VISIBLE_DEVICES"] == "1" and env["TF_FORCE_GPU_ALLOW_GROWTH"] == "true"
    assert kernel_env(home=tmp_path, gpu=None, fast=True, threads=1)["CUDA_VISIBLE_DEVICES"] == ""


class FakeClient:
    def __init__(self, workers):
        self._workers = workers

    def scheduler_info(self, n_workers=-1):
        return {"workers": self._workers}


def test_gpu_grading_needs_workers_that_offer_gpus():
    plain = {"tcp://a:1": {"host": "a", "nthreads": 2, "resources": {}}}
    with pytest.raises(RuntimeError, match="--gpu: no worker of tcp://s:1 offers a GPU; start the workers with"):
        cluster.DaskPool(FakeClient(plain), label="tcp://s:1", gpu=True).check()
    gpus = {**plain, "tcp://b:1": {"host": "b", "nthreads": 1, "resources": {"GPU": 2}}}
    pool = cluster.DaskPool(FakeClient(gpus), label="tcp://s:1", gpu=True)
    pool.check()
    assert pool.describe() == "on the Dask cluster tcp://s:1 (2 workers, 3 at a time, GPU jobs)"
    assert pool.host_slots() == {"a": 2, "b": 1}


def test_the_bundle_travels_as_data(tmp_path):
    release, template = tmp_path / "release", tmp_path / "template"
    (release / "data").mkdir(parents=True)
    (release / "tiny.ipynb").write_text("{}")
    (release / "data" / "x.txt").write_bytes(b"\x00\x01")
    (template / "home" / ".matplotlib").mkdir(parents=True)
    (template / "gradebook.db").write_bytes(b"sqlite")
    (template / "key").write_text("k")
    (template / "home" / ".matplotlib" / "fontlist.json").write_text("[]")
    (template / "release").mkdir()
    (template / "release" / "not-sent.ipynb").write_text("{}")
    bundle = cluster.make_bundle(release=release, template=template)
    assert sorted(bundle["files"]) == ["release/data/x.txt", "release/tiny.ipynb", "template/gradebook.db",
                                       "template/home/.matplotlib/fontlist.json", "template/key"]
    assert cluster.make_bundle(release=release, template=template)["key"] == bundle["key"]  # by content
    root = cluster.unpack_bundle(bundle, tmp_path / "worker")
    assert root == tmp_path / "worker" / bundle["key"]
    assert (root / "release" / "data" / "x.txt").read_bytes() == b"\x00\x01"
    assert cluster.unpack_bundle(bundle, tmp_path / "worker") == root  # once
    (release / "tiny.ipynb").write_text('{"changed": 1}')
    assert cluster.make_bundle(release=release, template=template)["key"] != bundle["key"]


def test_what_comes_back_is_laid_out_as_a_local_job_leaves_it(tmp_path):
    job = Job(assignment="tiny", student="s01", submitted=tmp_path / "in", release=tmp_path, template=tmp_path,
              job_dir=tmp_path / "jobs" / "s01", cell_timeout=1, memory_bytes=1, sandbox=True, fast=True)
    out = {"result": {"status": "graded"}, "autograded": {"tiny.ipynb": b"{}", "data/x.txt": b"x"},
           "gradebook": b"db", "log": "[INFO] ok"}
    cluster.materialize(job, out)
    graded = job.job_dir / "autograded" / "s01" / "tiny"
    assert (graded / "tiny.ipynb").read_bytes() == b"{}" and (graded / "data" / "x.txt").read_bytes() == b"x"
    assert (job.job_dir / "gradebook.db").read_bytes() == b"db"
    assert (job.job_dir / "log.txt").read_text() == "[INFO] ok"
    assert cluster.out_bytes(out) == 2 + 1 + 2 + 9
    assert JobResult(**out["result"]).status == "graded"


def test_every_job_field_but_the_workers_own_travels_in_the_spec(tmp_path):
    """Deadlines, extensions and limits set on the coordinator reach the worker's Job unchanged; paths,
    threads, GPU and processes are the worker's."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "tiny.ipynb").write_bytes(b"{}")
    (tmp_path / "in" / "timestamp.txt").write_text("2026-03-09 14:00:00")
    job = Job(assignment="tiny", student="s01", submitted=tmp_path / "in", release=tmp_path, template=tmp_path,
              job_dir=tmp_path / "jobs" / "s01", cell_timeout=7, memory_bytes=123, sandbox=True, fast=False,
              threads=3, gpu="1", parent_pid=42, timeout=99, max_processes=64, cgroup="/sys/x",
              duedate="2026-03-08T14:59:00", extension_days=1.5)
    spec = cluster.job_spec(job, timeout=99, gpu=True, environment={}, host_slots={}, bundle="k")
    assert spec["files"] == {"tiny.ipynb": b"{}", "timestamp.txt": b"2026-03-09 14:00:00"}
    assert not {"submitted", "release", "template", "job_dir", "threads", "parent_pid", "cgroup"} & set(spec)
    assert spec["gpu"] is True  # the job wants a GPU; the worker picks which
    got = cluster.job_from_spec(spec, folder=tmp_path / "w", root=tmp_path / "b", sandbox=False, threads=2)
    assert replace(got, submitted=job.submitted, release=job.release, template=job.template, job_dir=job.job_dir,
                   threads=job.threads, gpu=job.gpu, parent_pid=job.parent_pid, cgroup=job.cgroup,
                   sandbox=True) == job
    assert (got.submitted, got.job_dir, got.threads, got.gpu, got.sandbox) == \
        (tmp_path / "w" / "in", tmp_path / "w" / "job", 2, None, False)


def test_the_environment_fingerprint_names_what_must_match(monkeypatch):
    env = cluster.environment()
    assert env == cluster.environment()
    assert {"dlcourse code", "python", "nbgrader", "tensorflow"} <= set(env)
    # the late-penalty settings are read by the worker's nbgrader (AssignLatePenalties): they must match
    cfg = settings()
    monkeypatch.setattr(cluster, "settings", lambda: replace(cfg, late_penalty_per_day=cfg.late_penalty_per_day + 1))
    assert cluster.environment()["settings"] != env["settings"]
