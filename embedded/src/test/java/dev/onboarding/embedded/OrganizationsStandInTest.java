package dev.onboarding.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.Organization;
import software.amazon.awssdk.services.organizations.model.OrganizationsException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/** DescribeOrganization as the SDK's OrganizationsClient calls it, against the STS stand-in's port. */
class OrganizationsStandInTest {
    private static final AwsCredentialsProvider PROVIDER =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));
    private static StsStandIn sts;
    private static StsClient stsClient;
    private static OrganizationsClient organizations;

    @BeforeAll
    static void start() {
        sts = StsStandIn.start();
        stsClient = StsClient.builder().endpointOverride(sts.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(PROVIDER).build();
        organizations = OrganizationsClient.builder().endpointOverride(sts.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(PROVIDER).build();
    }

    @AfterAll
    static void stop() {
        organizations.close();
        stsClient.close();
        sts.close();
    }

    @Test
    void answersTheOrganizationOfTheAccountWhoseRoleWasAssumedSetThroughTheAdminRoute() throws Exception {
        String account = randomAccount();
        AwsCredentialsProvider role = assumeRoleIn(account);

        assertThat(admin("POST", "", "{\"accountId\":\"" + account + "\",\"organizationId\":\"o-a1b2c3d4e5\"}")
                .statusCode()).isEqualTo(200);
        Organization organization = organizations.describeOrganization(b -> b.overrideConfiguration(
                o -> o.credentialsProvider(role))).organization();

        assertThat(organization.id()).isEqualTo("o-a1b2c3d4e5");
        assertThat(organization.masterAccountId()).matches("\\d{12}").isNotEqualTo(account);
        assertThat(organization.arn()).endsWith(":organization/o-a1b2c3d4e5");
        assertThat(sts.organizations().describeOrganizationCalls(account)).isEqualTo(1);

        assertThat(admin("DELETE", "?accountId=" + account, null).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> organizations.describeOrganization(b -> b.overrideConfiguration(
                o -> o.credentialsProvider(role))))
                .isInstanceOfSatisfying(OrganizationsException.class, e -> assertThat(
                        e.awsErrorDetails().errorCode()).isEqualTo("AWSOrganizationsNotInUseException"));
    }

    @Test
    void credentialsItDidNotIssueAreNotRecognized() {
        sts.organizations().join(randomAccount(), "o-a1b2c3d4e5");

        assertThatThrownBy(() -> organizations.describeOrganization(b -> { }))
                .isInstanceOfSatisfying(OrganizationsException.class, e -> assertThat(
                        e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException"));
    }

    @Test
    void adminRouteRejectsWhatItCannotUse() throws Exception {
        assertThat(admin("POST", "", "not json").statusCode()).isEqualTo(400);
        assertThat(admin("POST", "", "{\"accountId\":\"12\",\"organizationId\":\"o-a1b2c3d4e5\"}").statusCode())
                .isEqualTo(400);
        assertThat(admin("POST", "", "{\"accountId\":\"" + randomAccount() + "\",\"organizationId\":\"org\"}")
                .statusCode()).isEqualTo(400);
        assertThat(admin("DELETE", "", null).statusCode()).isEqualTo(400);
        assertThat(admin("PUT", "", "{}").statusCode()).isEqualTo(405);
    }

    private static AwsCredentialsProvider assumeRoleIn(String account) {
        String role = "arn:aws:iam::" + account + ":role/ProviderReadOnly";
        sts.trust(role, "ext-org");
        Credentials c = stsClient.assumeRole(b -> b.roleArn(role).roleSessionName("test").externalId("ext-org")
                .durationSeconds(900)).credentials();
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(),
                c.sessionToken()));
    }

    private static HttpResponse<String> admin(String method, String query, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(sts.endpoint() + OrganizationsStandIn.ADMIN_PATH + query))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String randomAccount() {
        return String.valueOf(100_000_000_000L + ThreadLocalRandom.current().nextLong(899_999_999_999L));
    }
}
