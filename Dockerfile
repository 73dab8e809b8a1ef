# syntax=docker/dockerfile:1
# Comet Bridge server image.
#   docker build -t comet-bridge .
#   docker run --rm -p 8080:8080 comet-bridge [--prefix /bridge --heartbeat ...]
# JVM options: set JAVA_TOOL_OPTIONS (the JVM reads it by itself), e.g.
#   docker run -e JAVA_TOOL_OPTIONS="-Xmx256m" ...

# ---- build stage: compiles all modules and shades the runnable jar ----
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# .dockerignore keeps target/ dirs and .git out of the context.
COPY . .
# The cache mount keeps downloaded dependencies between builds (BuildKit).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -DskipTests package \
 && cp samples/target/comet-bridge.jar /comet-bridge.jar

# ---- runtime stage: JRE only, runs as a non-root user ----
FROM eclipse-temurin:17-jre AS runtime
RUN groupadd --system comet \
 && useradd --system --gid comet --no-create-home --shell /usr/sbin/nologin comet
WORKDIR /app
COPY --from=build /comet-bridge.jar /app/comet-bridge.jar
USER comet
EXPOSE 8080
# The server has no dedicated health endpoint yet and curl is not in the image:
# a TCP connect to the port (bash's /dev/tcp) shows it is up and accepting.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
# Exec form: java is PID 1 and gets SIGTERM directly for a graceful stop.
# Arguments given to `docker run IMAGE ...` are appended to these.
ENTRYPOINT ["java", "-jar", "/app/comet-bridge.jar", "--host", "0.0.0.0", "--port", "8080"]
