# workplan-auditor: `auditor` and `scheduler` on a slim Python, as the k8s/ CronJobs run them
# (uid 10001, read-only root filesystem, HOME=/tmp on an emptyDir).
# Build: docker build -t workplan-auditor:0.1.0 .

FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY auditor auditor
COPY scheduler scheduler
COPY workplans workplans
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check ".[temporal]"

FROM python:3.12-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp
COPY --from=build /opt/venv /opt/venv
RUN groupadd --gid 10001 auditor \
    && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin auditor
USER 10001:10001
WORKDIR /tmp
CMD ["auditor", "--help"]
