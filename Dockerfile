# One image for every Hogatar process; docker-compose.yml picks the command.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY workflow ./workflow
COPY tasks ./tasks
COPY web ./web
RUN pip install --no-cache-dir . && useradd --create-home hogatar && mkdir -p /app/var && chown hogatar /app/var
USER hogatar
ENV HOGATAR_VAR_DIR=/app/var
ENTRYPOINT ["hogatar"]
