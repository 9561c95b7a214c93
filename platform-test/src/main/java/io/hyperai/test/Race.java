package io.hyperai.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

import io.restassured.response.Response;

/** Calls that race each other: each on a thread of its own, released together, answered in order. */
public final class Race {

    private Race() {
    }

    /** Runs {@code each(0..racers-1)} at once (as far as threads allow) and returns their answers in that order. */
    public static <T> List<T> of(int racers, IntFunction<T> each) throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<T>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < racers; i++) {
                int n = i;
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return each.apply(n);
                }, pool));
            }
            go.countDown();
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get();
        } finally {
            pool.shutdownNow();
        }
        List<T> answers = new ArrayList<>();
        for (CompletableFuture<T> call : calls) {
            answers.add(call.get());
        }
        return answers;
    }

    /**
     * How many uploads of a race for the last bytes of a quota were accepted (201); every other one must have been
     * refused with 409 and the {@code quota-exceeded} problem. Each status is added to {@code statuses}, in order.
     */
    public static int acceptedOrOverQuota(List<Response> answers, List<Integer> statuses) {
        int accepted = 0;
        for (Response r : answers) {
            statuses.add(r.statusCode());
            if (r.statusCode() == 201) {
                accepted++;
            } else {
                assertThat(r.statusCode()).as("a refused upload: %s", r.asString()).isEqualTo(409);
                assertThat(r.jsonPath().getString("type")).isEqualTo("urn:hyperai:problem:quota-exceeded");
            }
        }
        return accepted;
    }
}
