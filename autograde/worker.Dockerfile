# A Dask worker for `dlcourse grade A --cluster tcp://SCHEDULER:8786` (autograde/README.md, "Grading on a
# cluster"): the course environment (requirements.txt, the dlcourse package), bubblewrap for the sandbox, a
# JRE for KoNLPy and the Korean font. Nothing of autograde/ or solutions/ goes into the image: the jobs
# bring the release and the submissions as data.
#
#   docker build -f autograde/worker.Dockerfile -t dlcourse-worker .        # from the repository root
#   docker run --rm --network host \
#       --security-opt seccomp=unconfined --security-opt apparmor=unconfined \  # bubblewrap: user namespaces
#       --cgroupns host -v /sys/fs/cgroup:/sys/fs/cgroup:rw \                   # pids cgroup per job
#       dlcourse-worker tcp://SCHEDULER:8786 --nthreads 2 --name "$(hostname)"
#
# Without the two security options bubblewrap cannot create its namespaces in most container runtimes; the
# worker then grades WITHOUT a sandbox and says so per job (flag sandbox:none). Without a writable cgroup
# filesystem the kernel's processes are not capped (flag sandbox:no-process-limit). Add `--gpus all` and
# `--resources GPU=<n>` for GPU grading.
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        bubblewrap default-jre-headless fonts-nanum fontconfig \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /course
COPY requirements.txt pyproject.toml README.md ./
RUN python -m venv .venv \
 && .venv/bin/python -m pip install -q --upgrade pip uv \
 && .venv/bin/uv pip install -q --python .venv/bin/python -r requirements.txt
COPY dlcourse/ dlcourse/
COPY data/ data/
RUN .venv/bin/uv pip install -q --python .venv/bin/python --no-deps -e . \
 && .venv/bin/python -m ipykernel install --sys-prefix --name dlcourse --display-name "딥러닝 실습 (dlcourse)"

ENV PATH=/course/.venv/bin:$PATH \
    JAVA_HOME=/usr/lib/jvm/default-java \
    DLCOURSE_OFFLINE=1
ENTRYPOINT ["python", "-m", "distributed.cli.dask_worker"]
