# One image for every app: the command (bridge, processor, scheduler, api, all, topics create, ...) is the
# container's argument. Configuration comes from ONBOARDING_* environment variables (see README).
# It ships the production jar (module cli) only: the embedded services and the local sandbox (modules
# embedded, local) and the benchmarks are neither built nor downloaded here. DockerfileTest checks this.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The dependencies first, from the poms alone, so that a change of sources reuses this layer. The parent
# lists every module, so every pom is copied; only the production modules (-pl cli -am) are resolved, and
# -Dmaven.test.skip=true leaves out what only their tests need (the embedded services).
COPY pom.xml .
COPY runtime/pom.xml runtime/
COPY schemas/pom.xml schemas/
COPY embedded/pom.xml embedded/
COPY bridge/pom.xml bridge/
COPY processor/pom.xml processor/
COPY scheduler/pom.xml scheduler/
COPY api/pom.xml api/
COPY cli/pom.xml cli/
COPY local/pom.xml local/
COPY bench/pom.xml bench/
RUN mvn -B -q -pl cli -am -Dmaven.test.skip=true dependency:go-offline
# Then the sources of the production modules, built from the layer above (go-offline misses only the
# plexus-utils that Maven lends old plugins, fetched here).
COPY runtime/src runtime/src
COPY schemas/src schemas/src
COPY bridge/src bridge/src
COPY processor/src processor/src
COPY scheduler/src scheduler/src
COPY api/src api/src
COPY cli/src cli/src
RUN mvn -B -q -pl cli -am -Dmaven.test.skip=true package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 onboarding && mkdir -p /var/lib/onboarding && chown onboarding /var/lib/onboarding
COPY --from=build /src/cli/target/onboarding.jar /app/onboarding.jar
USER onboarding
WORKDIR /var/lib/onboarding
# 8080: every app's operations endpoint (ops.http.port: /health, /ready, /metrics); 8088: the API (api.http.port);
# 8090: the processor's interactive queries (processor.http.port), unauthenticated, never to publish.
EXPOSE 8080 8088 8090
# Memory: the heap takes half the container's limit, leaving the rest to RocksDB (the processor's, scheduler's and
# API's state stores live off-heap), metaspace, thread stacks and direct buffers; README gives the sizing rule.
# JAVA_OPTS adds or overrides options (the bridge, which keeps no state, runs well at -XX:MaxRAMPercentage=75).
ENV JAVA_OPTS=""
ENTRYPOINT ["sh", "-c", "exec java -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError $JAVA_OPTS -jar /app/onboarding.jar \"$@\"", "onboarding"]
CMD ["--help"]
# Alive while /health answers 200 on the operations port: bash's /dev/tcp, since the image has no curl and a JVM per
# check would cost the container memory. A one-shot command (topics create) ends long before its first check.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=4 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${ONBOARDING_OPS_HTTP_PORT:-8080} && printf 'GET /health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
