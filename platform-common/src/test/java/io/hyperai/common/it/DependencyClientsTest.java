package io.hyperai.common.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hyperai.common.client.BillingClient;
import io.hyperai.common.client.DependencyFailures;
import io.hyperai.common.client.ExecutionClient;
import io.hyperai.common.client.RefusedByDependency;
import io.hyperai.common.client.StorageClient;
import io.hyperai.common.client.StorageReservations;
import io.hyperai.contracts.billing.BillingApi;
import io.hyperai.infra.RoundRobin;
import io.hyperai.contracts.storage.StorageApi;
import io.hyperai.test.StandInService;
import io.hyperai.test.StandInService.Answer;
import io.hyperai.test.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The shared clients against a stand-in: they carry this service's token, read the contracts' records, and apply
 * their dependency's policy from configuration (storage: 3 s timeout; execution: a circuit over 4 calls), where
 * a 4xx answer is a refusal that does not count against the dependency. The contracts this module does not
 * implement are not endpoints here.
 */
@QuarkusTest
@QuarkusTestResource(DependencyStandInResource.class)
class DependencyClientsTest {

    private static final String OUTPUT = "/internal/executions/([^/]+)/output";

    @Inject
    @RestClient
    StorageClient storage;

    @Inject
    StorageReservations reservations;

    @Inject
    @RestClient
    ExecutionClient executions;

    @Inject
    @RestClient
    BillingClient billing;

    @Inject
    Vertx vertx;

    private final StandInService standIn = DependencyStandInResource.dependencies;

    @BeforeEach
    @AfterEach
    void reset() {
        standIn.reset();
        CircuitBreakerMaintenance.get().resetAll();
    }

    @Test
    void aContractThisServiceDoesNotImplementIsNoEndpoint() {
        given().auth().oauth2(Tokens.service("gear-service")).get("/internal/storage/admission/alice").then()
                .statusCode(404);
        given().auth().oauth2(Tokens.service("execution-service")).get("/internal/gears/g-1").then().statusCode(404);
    }

    @Test
    void answersArriveAsTheContractsRecordsWithTheServiceToken() {
        standIn.on("GET", "/internal/storage/admission/alice", r -> Answer.json("{\"userId\":\"alice\","
                + "\"quotaBytes\":1000,\"usedBytes\":400,\"reservedBytes\":100,\"blocked\":false,\"later\":1}"));
        standIn.on("POST", "/internal/storage/reservations", r -> new Answer(201, "{\"id\":\"r-1\","
                + "\"userId\":\"alice\",\"bytes\":5,\"expiresAt\":\"2026-11-29T09:30:15Z\"}"));

        assertThat(await(storage.admission("alice")).freeBytes()).isEqualTo(500);
        RestResponse<StorageApi.Reservation> created = await(
                storage.reserve(new StorageApi.ReservationRequest("alice", 5L, null)));
        assertThat(created.getStatus()).isEqualTo(201);
        assertThat(created.getEntity().id()).isEqualTo("r-1");
        // the stand-in answers 401 to a call without the role service: these carried the client-credentials token
        assertThat(standIn.received()).extracting(StandInService.Request::path)
                .containsExactly("/internal/storage/admission/alice", "/internal/storage/reservations");
        assertThat(standIn.received().get(1).body()).contains("\"userId\":\"alice\"", "\"bytes\":5");
    }

    @Test
    void aFourXxIsARefusalThatLeavesTheCircuitClosed() {
        standIn.on("GET", OUTPUT, r -> Answer.status(404));
        for (int i = 0; i < 8; i++) {
            assertThat(failure(executions.output("e-" + i))).isInstanceOfSatisfying(RefusedByDependency.class,
                    refused -> assertThat(refused.isNotFound()).isTrue());
        }
        assertThat(CircuitBreakerMaintenance.get().currentState("execution")).isEqualTo(CircuitBreakerState.CLOSED);
    }

    @Test
    void failuresOpenTheDependencysCircuitAfterItsConfiguredWindow() {
        standIn.failing(true);
        for (int i = 0; i < 4; i++) {
            assertThat(DependencyFailures.isUnavailability(failure(executions.output("e-" + i)))).isTrue();
        }
        assertThat(CircuitBreakerMaintenance.get().currentState("execution")).isEqualTo(CircuitBreakerState.OPEN);

        standIn.failing(false);
        standIn.on("GET", OUTPUT, r -> Answer.json("{\"executionId\":\"e-9\"}"));
        assertThat(failure(executions.output("e-9"))).isInstanceOf(CircuitBreakerOpenException.class);
        assertThat(standIn.received()).as("calls that reached the dependency while its circuit was open").isEmpty();
        // another dependency's circuit is its own
        assertThat(CircuitBreakerMaintenance.get().currentState("storage")).isEqualTo(CircuitBreakerState.CLOSED);
    }

    @Test
    void aCallWhoseConnectionClosedUnderItIsMadeOnceMore() {
        AtomicInteger calls = new AtomicInteger();
        standIn.on("GET", "/internal/storage/admission/alice", r -> calls.incrementAndGet() == 1
                ? Answer.dropConnection()
                : Answer.json("{\"userId\":\"alice\",\"quotaBytes\":10}"));

        assertThat(await(storage.admission("alice")).quotaBytes()).isEqualTo(10);
        assertThat(calls).hasValue(2);

        // once more only: a dependency that keeps closing is unavailable
        standIn.on("GET", "/internal/storage/admission/bob", r -> Answer.dropConnection());
        Throwable failure = failure(storage.admission("bob"));
        assertThat(DependencyFailures.isWorthOneMoreTry(failure)).as("%s", failure).isTrue();
        assertThat(DependencyFailures.isUnavailability(failure)).isTrue();
        assertThat(standIn.received()).filteredOn(r -> r.path().endsWith("/bob")).hasSize(2);
        // a call whose service token could not be had never left: one more try too (as the OIDC client reports a
        // connection to the token endpoint closed under its request, without the cause)
        assertThat(DependencyFailures.isWorthOneMoreTry(
                new io.quarkus.oidc.client.OidcClientException("OIDC Server is not available"))).isTrue();
    }

    /**
     * An instance that stops closes all its kept-alive connections at once; a call sent on one of them just then is
     * lost, and its one more try must not take another of those connections before the caller has seen them close.
     * A race: repeated, so that a retry made at once fails in most runs (in 1 of about 10 rounds here).
     */
    @Test
    void aCallLostWhenEveryConnectionClosedAtOnceIsMadeOnceMoreOnALiveOne() {
        RoundRobin relay = DependencyStandInResource.billingRelay;
        standIn.on("GET", "/internal/billing/admission/(.*)",
                r -> Answer.json("{\"userId\":\"" + r.group(1) + "\",\"allowed\":true}"));
        standIn.delay("/internal/billing/admission/warm-.*", Duration.ofMillis(300));
        for (int round = 0; round < 30; round++) {
            // calls at once leave several kept-alive connections in the client's pool
            List<Uni<BillingApi.BillingAdmission>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(billing.admission("warm-" + round + "-" + i));
            }
            await(Uni.join().all(calls).andFailFast());
            assertThat(relay.connections()).as("connections kept alive").isGreaterThan(1);

            relay.closeAllOnNextRequest();
            String user = "after-stop-" + round;
            assertThat(await(billing.admission(user)).allowed()).as(user).isTrue();
            assertThat(standIn.received()).filteredOn(r -> r.path().endsWith("/" + user)).hasSize(1);
        }
    }

    @Test
    void aCallThatTimedOutOrWasAnswered503IsMadeOnceMore() {
        // an instance too cold to answer within storage's 3 s, then a warm one
        AtomicInteger cold = new AtomicInteger();
        standIn.on("GET", "/internal/storage/admission/cold", r -> {
            if (cold.incrementAndGet() == 1) {
                sleep(Duration.ofMillis(4_500));
            }
            return Answer.json("{\"userId\":\"cold\",\"quotaBytes\":10}");
        });
        assertThat(await(storage.admission("cold")).quotaBytes()).isEqualTo(10);
        assertThat(cold).hasValue(2);

        // an instance past its shutdown delay answers 503 to a new request
        AtomicInteger stopping = new AtomicInteger();
        standIn.on("GET", "/internal/storage/admission/stopping", r -> stopping.incrementAndGet() == 1
                ? Answer.status(503)
                : Answer.json("{\"userId\":\"stopping\",\"quotaBytes\":20}"));
        assertThat(await(storage.admission("stopping")).quotaBytes()).isEqualTo(20);
        assertThat(stopping).hasValue(2);
    }

    @Test
    void aReservationWhoseAnswerWasLostIsAskedForAgainUnderItsId() {
        // the connection closed after storage read the request: storage may have reserved; the repeat carries the
        // same id, so storage answers with that reservation instead of holding the bytes twice
        AtomicInteger calls = new AtomicInteger();
        standIn.on("POST", "/internal/storage/reservations", r -> {
            if (calls.incrementAndGet() == 1) {
                return Answer.dropConnection();
            }
            String id = new JsonObject(r.body()).getString("id");
            return new Answer(201, "{\"id\":\"" + id + "\",\"userId\":\"alice\",\"bytes\":5}");
        });
        java.util.UUID reservation = await(reservations.reserve("alice", 5));

        assertThat(standIn.received()).hasSize(2).extracting(r -> new JsonObject(r.body()).getString("id"))
                .containsOnly(reservation.toString());
    }

    @Test
    void aSlowDependencyIsCutOffAtItsConfiguredTimeout() {
        standIn.on("GET", "/internal/storage/admission/slow", r -> Answer.json("{\"userId\":\"slow\"}"));
        standIn.delay("/internal/storage/admission/slow", Duration.ofSeconds(12));
        long started = System.nanoTime();
        assertThat(failure(storage.admission("slow"))).isInstanceOf(TimeoutException.class);
        // two tries of storage's 3 s each (only two make 6 s), not the guard's built-in 1 s nor the stand-in's 12 s
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(5800),
                Duration.ofSeconds(11));
    }

    /**
     * Why no caller captures its Vert.x context by hand: a guarded call made on a request's context answers on it,
     * its timeout included (fault tolerance schedules it there), so the session of that context can be used after
     * a failure as after an answer.
     */
    @Test
    void answersAndTimeoutsComeBackOnTheCallersContext() throws Exception {
        standIn.on("GET", "/internal/storage/admission/alice", r -> Answer.json("{\"userId\":\"alice\"}"));
        standIn.on("GET", "/internal/storage/admission/slow", r -> Answer.json("{\"userId\":\"slow\"}"));
        standIn.delay("/internal/storage/admission/slow", Duration.ofSeconds(12));
        for (String user : List.of("alice", "slow")) {
            Context caller = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            CompletableFuture<Context> back = new CompletableFuture<>();
            caller.runOnContext(v -> storage.admission(user).subscribe().with(
                    answer -> back.complete(Vertx.currentContext()), failure -> back.complete(Vertx.currentContext())));
            assertThat(back.get(15, TimeUnit.SECONDS)).as(user).isSameAs(caller);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T await(Uni<T> call) {
        return call.await().atMost(Duration.ofSeconds(15));
    }

    private static Throwable failure(Uni<?> call) {
        return catchThrowable(() -> await(call));
    }
}
