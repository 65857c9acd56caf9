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
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/onboarding.jar"]
CMD ["--help"]
