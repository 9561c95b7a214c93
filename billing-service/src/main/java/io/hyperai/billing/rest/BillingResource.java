package io.hyperai.billing.rest;

import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.hyperai.billing.mapping.AccountView;
import io.hyperai.billing.mapping.ChargeView;
import io.hyperai.billing.mapping.LimitsRequest;
import io.hyperai.billing.mapping.LimitsView;
import io.hyperai.billing.mapping.PriceView;
import io.hyperai.billing.mapping.StatementView;
import io.hyperai.billing.service.AccountService;
import io.hyperai.billing.service.LimitsService;
import io.hyperai.billing.service.PriceService;
import io.hyperai.billing.service.StatementService;
import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.security.CurrentUser;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** The signed-in user's own billing: balance, spending limits, ledger, statements; and the price list. */
@Path("/api/v1/billing")
@Authenticated
@Tag(name = "Billing", description = "The caller's prepaid balance, which running executions are charged against in"
        + " intervals (a minute by default), the charge ledger, monthly statements and the price list. Amounts are in"
        + " minor units (cents, fen) of the account's currency.")
public class BillingResource {

    public static final String TEXT_CSV = "text/csv";

    private final AccountService accounts;
    private final StatementService statements;
    private final PriceService prices;
    private final LimitsService limits;
    private final CurrentUser user;

    public BillingResource(AccountService accounts, StatementService statements, PriceService prices,
            LimitsService limits, CurrentUser user) {
        this.limits = limits;
        this.accounts = accounts;
        this.statements = statements;
        this.prices = prices;
        this.user = user;
    }

    @GET
    @Path("me")
    @Operation(summary = "The caller's balance", description = "At zero the caller's executions are stopped and new"
            + " ones refused (402) until a top-up. With the runway at the current rate, this month's spend and the"
            + " spending limits.")
    public Uni<AccountView> me() {
        return accounts.account(user.id());
    }

    @PUT
    @Path("me/limits")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the caller's spending limits", description = "Replaces both limits (null or absent: none)."
            + " At the monthly cap (this calendar month in UTC, charged plus what runs now has used) new starts are"
            + " refused (409 `spending-cap-reached`) and running executions stopped, until the month ends or the cap is"
            + " raised; at or below the low-balance threshold (the balance projected to now) a `billing.balance.low`"
            + " warning is sent once per crossing. Judged at once and then every few seconds.")
    public Uni<LimitsView> setLimits(@RequestBody(content = @Content(examples = @ExampleObject(name = "cap-and-warning",
            value = "{\"monthlyCapMinor\": 50000, \"lowBalanceThresholdMinor\": 2000}")))
            @Valid @NotNull LimitsRequest request) {
        return limits.set(user.id(), request);
    }

    @GET
    @Path("me/charges")
    @Operation(summary = "The caller's charges", description = "One entry per execution and charged interval.")
    public Uni<Page<ChargeView>> charges(
            @Parameter(description = "Only charges at or after this ISO-8601 instant, e.g. 2026-11-01T00:00:00Z")
            @QueryParam("from") String from,
            @Parameter(description = "Only charges before this ISO-8601 instant") @QueryParam("to") String to,
            @BeanParam @Valid PageRequest page) {
        Instant start = instant("from", from);
        Instant end = instant("to", to);
        if (start != null && end != null && !start.isBefore(end)) {
            throw ProblemException.invalid("to", "must be after from");
        }
        return statements.charges(user.id(), start, end, page);
    }

    @GET
    @Path("me/statement")
    @Produces({ MediaType.APPLICATION_JSON, TEXT_CSV })
    @Operation(summary = "The caller's statement for a month", description = "Totals by compute spec and by"
            + " execution; as CSV when the client prefers `text/csv`.")
    @APIResponse(responseCode = "200", description = "The statement", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StatementView.class)),
            @Content(mediaType = TEXT_CSV, schema = @Schema(type = SchemaType.STRING)) })
    public Uni<Response> statement(@Parameter(description = "The month as YYYY-MM (required)")
            @QueryParam("month") String month, HttpHeaders headers) {
        YearMonth parsed = month(month);
        boolean csv = wantsCsv(headers.getAcceptableMediaTypes());
        return statements.statement(user.id(), parsed).map(s -> csv
                ? Response.ok(s.csv(), TEXT_CSV + ";charset=UTF-8")
                        .header("Content-Disposition", "attachment; filename=\"statement-" + s.month() + ".csv\"")
                        .build()
                : Response.ok(s, MediaType.APPLICATION_JSON).build());
    }

    @GET
    @Path("prices")
    @Operation(summary = "The price list", description = "The price per hour of each compute spec.")
    public Uni<List<PriceView>> prices() {
        return prices.prices();
    }

    /** CSV only when the client prefers it to JSON (the list is already ordered by preference). */
    static boolean wantsCsv(List<MediaType> acceptable) {
        for (MediaType type : acceptable) {
            if ("text".equals(type.getType()) && "csv".equals(type.getSubtype())) {
                return true;
            }
            if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                return false;
            }
        }
        return false;
    }

    private static Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(field, "must be an ISO-8601 instant such as 2026-11-01T00:00:00Z");
        }
    }

    private static YearMonth month(String value) {
        if (value == null || !value.matches("\\d{4}-\\d{2}")) {
            throw ProblemException.invalid("month", "must be a month as YYYY-MM");
        }
        try {
            YearMonth month = YearMonth.parse(value);
            if (month.getYear() < 2000 || month.getYear() > 9999) {
                throw ProblemException.invalid("month", "must be a month as YYYY-MM");
            }
            return month;
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid("month", "must be a month as YYYY-MM");
        }
    }
}
