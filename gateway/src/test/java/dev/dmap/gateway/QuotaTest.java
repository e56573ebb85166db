package dev.dmap.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The owner's quota, as the API's upload and the console's both ask it. */
class QuotaTest {
    private final GatewaySettings.Quota quota = new GatewaySettings.Quota(2, 1000);

    @Test
    void shouldTakeAFileThatFitsToTheLastFileAndByte() {
        assertThat(quota.refusal(1, 400, 600)).isEmpty();
    }

    @Test
    void shouldRefuseOneFileTooManyOrOneByteTooManyAndSayWhatIsKept() {
        assertThat(quota.refusal(2, 0, 1)).hasValueSatisfying(problem -> assertThat(problem)
                .isEqualTo("This owner keeps 2 files of 0 bytes; the quota is 2 files and 1000 bytes. Delete files to make room."));
        assertThat(quota.refusal(1, 400, 601)).isPresent();
    }
}
