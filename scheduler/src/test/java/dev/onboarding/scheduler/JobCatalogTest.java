package dev.onboarding.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.scheduler.JobCatalog.CatalogException;
import dev.onboarding.scheduler.JobCatalog.ResourceType;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobCatalogTest {

    @Test
    void theDefaultCatalogIsARealisticInventoryOfTheCommonServices() {
        JobCatalog catalog = JobCatalog.defaults();

        assertThat(catalog.types()).hasSizeGreaterThanOrEqualTo(100);
        Set<String> services = catalog.types().stream().map(ResourceType::service).collect(Collectors.toSet());
        assertThat(services).contains("ec2", "s3", "iam", "rds", "lambda", "ecs", "eks", "dynamodb", "cloudtrail",
                "kms", "cloudwatch", "sns", "sqs", "elasticloadbalancing", "route53", "cloudfront");
        assertThat(catalog.types()).filteredOn(ResourceType::global).extracting(ResourceType::service)
                .contains("iam", "organizations", "cloudfront", "route53");
        assertThat(catalog.types()).filteredOn(t -> t.service().equals("iam")).allMatch(ResourceType::global);
        assertThat(catalog.types()).extracting(ResourceType::interval).containsOnly(Duration.ofMinutes(15),
                Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1));
        // What each collector calls; the cli's CustomerPolicyTest holds these against IAM and the template.
        assertThat(catalog.types()).allSatisfy(t -> assertThat(t.actions()).as(t.resourceType()).isNotEmpty()
                .allMatch(a -> a.startsWith(t.service() + ":")));
    }

    @Test
    void oneNewAccountYieldsHundredsOfJobsOverTheDefaultRegions() {
        JobCatalog catalog = JobCatalog.defaults();
        CollectionPlan plan = CollectionPlan.of(catalog, SchedulerConfig.DEFAULT_REGIONS, "us-east-1",
                Duration.ofMinutes(1));

        long globals = catalog.types().stream().filter(ResourceType::global).count();
        long regionals = catalog.types().size() - globals;
        assertThat(SchedulerConfig.DEFAULT_REGIONS).hasSize(17);
        assertThat(plan.jobCount()).isEqualTo(globals + regionals * 17).isGreaterThan(500);
    }

    @Test
    void parsesCommentsBlankLinesScopesAndIntervals() throws IOException {
        JobCatalog catalog = JobCatalog.parse(new StringReader("""
                # a comment
                ec2,AWS::EC2::Instance,regional,15m

                  iam , AWS::IAM::Role , GLOBAL , 6h
                s3,AWS::S3::Bucket,global,1d
                sqs,AWS::SQS::Queue,regional,30s
                """), "test");

        assertThat(catalog.types()).containsExactly(
                new ResourceType("ec2", "AWS::EC2::Instance", false, Duration.ofMinutes(15)),
                new ResourceType("iam", "AWS::IAM::Role", true, Duration.ofHours(6)),
                new ResourceType("s3", "AWS::S3::Bucket", true, Duration.ofDays(1)),
                new ResourceType("sqs", "AWS::SQS::Queue", false, Duration.ofSeconds(30)));
    }

    @Test
    void aFifthColumnNamesTheIamActionsAndFourColumnLinesStillLoad() throws IOException {
        JobCatalog catalog = parse("""
                ec2,AWS::EC2::Instance,regional,15m,ec2:DescribeInstances
                iam,AWS::IAM::Role,global,6h, iam:ListRoles  iam:GetRole\t
                s3,AWS::S3::Bucket,global,1d
                sqs,AWS::SQS::Queue,regional,30s,
                """);

        assertThat(catalog.types()).containsExactly(
                new ResourceType("ec2", "AWS::EC2::Instance", false, Duration.ofMinutes(15),
                        List.of("ec2:DescribeInstances")),
                new ResourceType("iam", "AWS::IAM::Role", true, Duration.ofHours(6),
                        List.of("iam:ListRoles", "iam:GetRole")),
                new ResourceType("s3", "AWS::S3::Bucket", true, Duration.ofDays(1), List.of()),
                new ResourceType("sqs", "AWS::SQS::Queue", false, Duration.ofSeconds(30), List.of()));
        assertThat(catalog.withInterval(Duration.ofMinutes(1)).types().get(1).actions())
                .containsExactly("iam:ListRoles", "iam:GetRole");
    }

    @Test
    void aBadIamActionIsRejectedNamingTheLine() {
        assertThatThrownBy(() -> parse("ec2,AWS::EC2::Instance,regional,15m,ec2:Describe*"))
                .isInstanceOf(CatalogException.class).hasMessageContaining("test:1")
                .hasMessageContaining("'ec2:Describe*' must look like prefix:Action");
        assertThatThrownBy(() -> parse("ec2,AWS::EC2::Instance,regional,15m,DescribeInstances"))
                .hasMessageContaining("prefix:Action");
        assertThatThrownBy(() -> parse("ec2,AWS::EC2::Instance,regional,15m,ec2:DescribeInstances,ec2:DescribeTags"))
                .hasMessageContaining("6 field");
        assertThatThrownBy(() -> parse("ec2,AWS::EC2::Instance,regional,15m,ec2:DescribeTags ec2:DescribeTags"))
                .hasMessageContaining("ec2:DescribeTags is listed twice");
    }

    @Test
    void aBadLineIsRejectedNamingTheSourceAndLine() {
        assertThatThrownBy(() -> parse("ec2,AWS::EC2::Instance,regional,15m\nec2,AWS::EC2::Volume,regional\n"))
                .isInstanceOf(CatalogException.class).hasMessageContaining("test:2").hasMessageContaining("3 field");
        assertThatThrownBy(() -> parse("ec2,AWS::EC2::Instance,zonal,15m"))
                .hasMessageContaining("test:1").hasMessageContaining("global or regional");
        assertThatThrownBy(() -> parse("ec2,AWS::EC2::Instance,regional,soon"))
                .hasMessageContaining("refresh interval 'soon'");
        assertThatThrownBy(() -> parse("ec2,Instance,regional,15m")).hasMessageContaining("AWS::Service::Type");
        assertThatThrownBy(() -> parse("EC2 !,AWS::EC2::Instance,regional,15m")).hasMessageContaining("service");
        assertThatThrownBy(() -> parse("ec2,AWS::EC2::Instance,regional,0s")).hasMessageContaining("outside");
        assertThatThrownBy(() -> parse("ec2,AWS::EC2::Instance,regional,90d")).hasMessageContaining("outside");
    }

    @Test
    void duplicatesAndEmptyCatalogsAreRejected() {
        assertThatThrownBy(() -> parse("ec2,AWS::EC2::Instance,regional,15m\nec2,AWS::EC2::Instance,regional,1h"))
                .hasMessageContaining("listed twice");
        assertThatThrownBy(() -> parse("# nothing here\n")).hasMessageContaining("no resource types");
    }

    @Test
    void loadsAFileAndNamesAMissingOne(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("catalog.csv");
        Files.writeString(file, "ec2,AWS::EC2::Instance,regional,15m\n");

        assertThat(JobCatalog.load(file).types()).hasSize(1);
        assertThat(JobCatalog.load(file).source()).isEqualTo(file.toString());
        assertThatThrownBy(() -> JobCatalog.load(dir.resolve("absent.csv")))
                .isInstanceOf(CatalogException.class).hasMessageContaining("absent.csv");
    }

    @Test
    void withIntervalReplacesEveryInterval() {
        JobCatalog fast = JobCatalog.defaults().withInterval(Duration.ofSeconds(30));

        assertThat(fast.types()).hasSameSizeAs(JobCatalog.defaults().types())
                .extracting(ResourceType::interval).containsOnly(Duration.ofSeconds(30));
    }

    private static JobCatalog parse(String text) throws IOException {
        return JobCatalog.parse(new StringReader(text), "test");
    }
}
