# syntax=docker/dockerfile:1
# One image for all five services; the command picks the service and what it does:
#   registry serve | catalog migrate | finance replay --since … | … (python -m <service> <command>)
#   servicekit.topics create --bootstrap kafka:9092 …  (the topics job)
# The base is pinned by digest: python:3.11.10-slim-bookworm as recorded in the public digest file of
# nalabelle/build (images/digests.Dockerfile). No Docker engine runs where this was written: re-check the digest
# with `docker buildx imagetools inspect python:3.11.10-slim-bookworm` before the first production build.
ARG PYTHON_IMAGE=python:3.11.10-slim-bookworm@sha256:5148c0e4bbb64271bca1d3322360ebf4bfb7564507ae32dd639322e4952a6b16

FROM ${PYTHON_IMAGE} AS build
ENV UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
COPY contracts/ contracts/
COPY libs/ libs/
COPY deploy/devstack/ deploy/devstack/
COPY services/ services/
RUN uv sync --frozen --no-dev --all-packages

FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 10001 shuzhuan \
    && useradd --system --uid 10001 --gid shuzhuan --home-dir /app --no-create-home shuzhuan \
    && mkdir -p /var/lib/shuzhuan && chown shuzhuan:shuzhuan /var/lib/shuzhuan
COPY --from=build /app /app
WORKDIR /app
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
USER 10001:10001
EXPOSE 8001 8002 8003 8004 8005
ENTRYPOINT ["python", "-m"]
CMD ["registry", "serve"]
