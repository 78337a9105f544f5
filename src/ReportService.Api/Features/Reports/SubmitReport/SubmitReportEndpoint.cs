using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure.Endpoints;
using Microsoft.EntityFrameworkCore;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Security;
using AccessPolicies = ReportService.Api.Infrastructure.Security.Policies;
using ReportService.Api.Persistence;
using ReportService.Statutory.Json;
using ReportService.Statutory.Model;
using ReportService.Statutory.Validation;

namespace ReportService.Api.Features.Reports.SubmitReport;

/// <summary>A submission: the report body, read by the project's reader, and its Idempotency-Key.</summary>
internal sealed class SubmitReportRequest : IBindsItself<SubmitReportRequest>
{
    [HideFromDocs]
    public required ReportBody Body { get; init; }

    [FromHeader(SubmitReportEndpoint.IdempotencyKeyHeader, isRequired: false)]
    public string? IdempotencyKey { get; init; }

    public static async ValueTask<SubmitReportRequest> BindAsync(HttpContext context) => new()
    {
        Body = await ReportBody.BindAsync(context),
        IdempotencyKey = context.Request.Headers.TryGetValue(SubmitReportEndpoint.IdempotencyKeyHeader, out var key) ? key.ToString() : null,
    };
}

internal sealed class SubmitReportEndpoint(ReportValidator validator, ReportsDbContext db, SubmissionWriter writer, TimeProvider clock)
    : Endpoint<SubmitReportRequest, Results<Created<ReportAcceptedResponse>, ProblemHttpResult>>
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    private const string Operation = "submit";
    private const int MaxIdempotencyKeyLength = 200;

    public override void Configure()
    {
        Post("");
        Group<ReportsGroup>();
        RequestBinder(new BindsItself<SubmitReportRequest>());
        Description(b => b.WithName("SubmitReport").RequirePolicy(AccessPolicies.Write)
            .Accepts<Report>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "Submit an annual report";
            s.Description = "Checks the report against every statutory rule and stores it when no rule of severity error fails. " +
                "One report per agency credit code, year and scope: a second one is 409 (correct the first with PUT). " +
                "With an Idempotency-Key, a retry of the same body returns the first response; the same key with another body is 422.";
        });
    }

    public override async Task<Results<Created<ReportAcceptedResponse>, ProblemHttpResult>> ExecuteAsync(SubmitReportRequest req, CancellationToken cancellationToken)
    {
        var (body, idempotencyKey, context) = (req.Body, req.IdempotencyKey, HttpContext);
        var language = Languages.Preferred(context.Request);
        if (body.Problem is { } unreadable)
        {
            return unreadable;
        }

        if (idempotencyKey is { Length: 0 or > MaxIdempotencyKeyLength })
        {
            return TypedResults.Problem(
                title: "Invalid Idempotency-Key",
                detail: $"An Idempotency-Key has 1 to {MaxIdempotencyKeyLength} characters.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        if (body.Result is ReportReadResult.WrongFormat wrong)
        {
            return ReportChecks.Reject([wrong.Violation], Operation, language);
        }

        var report = ((ReportReadResult.Parsed)body.Result!).Report;
        var caller = Caller.From(context.User);
        if (!caller.MayWrite(report.Agency.CreditCode, report.Agency.RegionCode))
        {
            return caller.Forbidden(report.Agency.CreditCode, report.Agency.RegionCode, Operation);
        }

        var requestHash = ReportRecords.Hash(body.Utf8);

        // One physical connection for the whole request (look-ups, write, version advance) instead of one
        // pool checkout and reset per statement.
        cancellationToken.ThrowIfCancellationRequested();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (idempotencyKey is not null && await ReplayAsync(db, idempotencyKey, requestHash, context, language, cancellationToken) is { } replay)
            {
                return replay;
            }

            var (violations, rejection) = await ReportChecks.CheckAsync(report, validator, db, Operation, language, cancellationToken);
            if (rejection is not null)
            {
                return rejection;
            }

            var now = clock.GetUtcNow();
            var stored = ReportRecords.NewReport(report, now);
            var revision = ReportRecords.NewRevision(stored.Id, 1, body.Utf8, violations, now, caller, RevisionOperations.Submit);

            var idempotency = idempotencyKey is null ? null
                : new IdempotencyRecord { Key = idempotencyKey, RequestHash = requestHash, ReportId = stored.Id, Revision = 1, CreatedAt = now };

            // A request that has run out of time (or whose client left) stops here, before anything is stored.
            cancellationToken.ThrowIfCancellationRequested();

            // The writer stores the report row, the revision row, the idempotency record and the rollup deltas
            // in one transaction, possibly together with other requests' submissions (group commit, ADR 10), and
            // answers once that transaction has committed and the data version has advanced. The request's own
            // connection goes back to the pool meanwhile.
            await db.Database.CloseConnectionAsync();
            var outcome = await writer.WriteAsync(new PendingSubmission(stored, revision, report, idempotency), cancellationToken);
            if (outcome == SubmissionOutcome.Conflict)
            {
                // A concurrent request won. With the same key and body it is this request's first attempt: replay it.
                if (idempotencyKey is not null && await ReplayAsync(db, idempotencyKey, requestHash, context, language, cancellationToken) is { } raced)
                {
                    return raced;
                }

                var existing = await db.Reports.AsNoTracking()
                    .WithIdentity(report.Agency.CreditCode, report.Year, report.Agency.Scope)
                    .Select(r => r.Id).FirstAsync(cancellationToken);
                return ReportProblems.Duplicate(existing);
            }

            Telemetry.ReportsAccepted.Add(1, new KeyValuePair<string, object?>("operation", Operation));
            context.Response.Headers.ETag = ReportRecords.ETag(1);
            return TypedResults.Created(ReportRecords.Location(stored.Id), new ReportAcceptedResponse
            {
                Id = stored.Id,
                Revision = 1,
                Status = ReportStatus.Accepted,
                Warnings = RuleViolation.From(violations, language),
            });
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The first response to this key, or a refusal when the key came with another body; null for a new key.</summary>
    private static async Task<Results<Created<ReportAcceptedResponse>, ProblemHttpResult>?> ReplayAsync(
        ReportsDbContext db, string key, string requestHash, HttpContext context, ReportService.Statutory.Rules.MessageLanguage language, CancellationToken cancellationToken)
    {
        var record = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Key == key, cancellationToken);
        if (record is null)
        {
            return null;
        }

        if (record.RequestHash != requestHash)
        {
            return TypedResults.Problem(
                title: "Idempotency-Key reused with a different body",
                detail: "This Idempotency-Key was first used with another request body. Use a new key for a new request.",
                statusCode: StatusCodes.Status422UnprocessableEntity,
                type: "https://report-service/problems/idempotency-key-reused");
        }

        // The record may be visible while no standby has it: its commit's wait for the standby was cancelled, or this
        // is an old primary that came back after a crash (ADR 19). Answer 201 only once the standby has it too.
        await db.Database.OpenConnectionAsync(CancellationToken.None);
        try
        {
            // A write of the key's own row (the same values): its commit waits for the standby, after the record's.
            await StandbyConfirmation.ConfirmAsync((Npgsql.NpgsqlConnection)db.Database.GetDbConnection(),
                "UPDATE idempotency_keys SET key = key WHERE key = $1", key);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        var warnings = await db.Revisions.AsNoTracking()
            .Where(v => v.ReportId == record.ReportId && v.Revision == record.Revision)
            .Select(v => v.Warnings).FirstAsync(cancellationToken);
        context.Response.Headers.ETag = ReportRecords.ETag(record.Revision);
        return TypedResults.Created(ReportRecords.Location(record.ReportId), new ReportAcceptedResponse
        {
            Id = record.ReportId,
            Revision = record.Revision,
            Status = ReportStatus.Accepted,
            Warnings = RuleViolation.From(StoredWarnings.Deserialize(warnings), language),
        });
    }
}
