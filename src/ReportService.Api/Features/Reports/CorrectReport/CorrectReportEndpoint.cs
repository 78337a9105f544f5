using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Features.Reports.ReviewReport;
using ReportService.Api.Infrastructure.Endpoints;
using Microsoft.EntityFrameworkCore;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Security;
using AccessPolicies = ReportService.Api.Infrastructure.Security.Policies;
using ReportService.Api.Persistence;
using ReportService.Statutory.Json;
using ReportService.Statutory.Model;
using ReportService.Statutory.Validation;

namespace ReportService.Api.Features.Reports.CorrectReport;

/// <summary>A correction: the report's id from the route and the new body, read by the project's reader.</summary>
internal sealed class CorrectReportRequest : IBindsItself<CorrectReportRequest>
{
    public Guid Id { get; init; }

    [HideFromDocs]
    public required ReportBody Body { get; init; }

    // The route constraint ({id:guid}) guarantees the value parses.
    public static async ValueTask<CorrectReportRequest> BindAsync(HttpContext context) => new()
    {
        Id = Guid.Parse((string)context.Request.RouteValues["id"]!, System.Globalization.CultureInfo.InvariantCulture),
        Body = await ReportBody.BindAsync(context),
    };
}

internal sealed class CorrectReportEndpoint(ReportValidator validator, ReportsDbContext db, TimeProvider clock, ReviewLocks locks)
    : Endpoint<CorrectReportRequest, Results<Ok<ReportAcceptedResponse>, ProblemHttpResult>>
{
    private const string Operation = "correct";

    public override void Configure()
    {
        Put("{id:guid}");
        Group<ReportsGroup>();
        RequestBinder(new BindsItself<CorrectReportRequest>());
        Description(b => b.WithName("CorrectReport").RequirePolicy(AccessPolicies.Write)
            .Accepts<Report>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "Correct a report (a new revision)";
            s.Description = "Replaces the report's content with a new revision, checked like a submission; earlier revisions stay readable. " +
                "Needs If-Match with the current ETag: 428 without it, 412 when another correction came first. " +
                "The identity (agency.creditCode, year, agency.scope) cannot change. An approved report, or one of a locked period, " +
                "must be returned by a reviewer first (409).";
        });
    }

    public override async Task<Results<Ok<ReportAcceptedResponse>, ProblemHttpResult>> ExecuteAsync(CorrectReportRequest req, CancellationToken cancellationToken)
    {
        var (id, body, context) = (req.Id, req.Body, HttpContext);
        var language = Languages.Preferred(context.Request);
        var (ifMatch, precondition) = RevisionPreconditions.Read(context.Request, id, "correction");
        if (precondition is not null)
        {
            return precondition;
        }

        if (body.Problem is { } unreadable)
        {
            return unreadable;
        }

        var stored = await db.Reports.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (stored is null)
        {
            return ReportProblems.NotFound(id);
        }

        var caller = Caller.From(context.User);
        if (!caller.MayWrite(stored.CreditCode, stored.RegionCode))
        {
            return caller.Forbidden(stored.CreditCode, stored.RegionCode, Operation);
        }

        if (!RevisionPreconditions.Matches(ifMatch, stored.CurrentRevision))
        {
            return Stale(stored.CurrentRevision);
        }

        if (body.Result is ReportReadResult.WrongFormat wrong)
        {
            return ReportChecks.Reject([wrong.Violation], Operation, language);
        }

        var report = ((ReportReadResult.Parsed)body.Result!).Report;
        if (report.Agency.CreditCode != stored.CreditCode || report.Year != stored.Year || report.Agency.Scope != stored.Scope)
        {
            return TypedResults.Problem(
                title: "A correction cannot change the report's identity",
                detail: $"This report is for credit code {stored.CreditCode}, year {stored.Year}, scope {ContractEnums.Name(stored.Scope)}. " +
                    "A report for another agency, year or scope is a new submission (POST /v1/reports).",
                statusCode: StatusCodes.Status422UnprocessableEntity,
                type: "https://report-service/problems/identity-changed");
        }

        // The correction may move the agency to another region: the token must grant that one too.
        if (!caller.MayWrite(report.Agency.CreditCode, report.Agency.RegionCode))
        {
            return caller.Forbidden(report.Agency.CreditCode, report.Agency.RegionCode, Operation);
        }

        var (violations, rejection) = await ReportChecks.CheckAsync(report, validator, db, Operation, language, cancellationToken);
        if (rejection is not null)
        {
            return rejection;
        }

        var now = clock.GetUtcNow();
        var revision = stored.CurrentRevision + 1;
        var before = ReportRecords.Snapshot(stored);
        ReportRecords.Describe(stored, report);
        stored.CurrentRevision = revision;
        stored.UpdatedAt = now;
        // A new revision has not been reviewed.
        stored.ReviewStatus = ReviewStatuses.Pending;
        ReportRecords.AddRevision(db, ReportRecords.NewRevision(id, revision, body.Utf8, violations, now, caller, RevisionOperations.Correct), report);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // The report's row is locked first, so that a review cannot approve the revision this correction replaces
            // between the check and the write (a review waits, then finds the new revision: 412), and so is the year's
            // period lock (shared), so that a lock change cannot be acknowledged while this correction may still commit.
            if (await locks.RefusalAsync(db, before, await ReviewLocks.LockStatusAsync(db, id, stored.Year, cancellationToken), cancellationToken) is { } locked)
            {
                return locked;
            }

            await db.SaveChangesAsync(cancellationToken);
            await AggregateRollups.RemoveAsync(db, before, before.CurrentRevision, cancellationToken);
            await AggregateRollups.AddAsync(db, stored, cancellationToken);
            // Not cancellable: cancelling the commit's wait for a synchronous standby would leave the correction
            // committed on the primary alone (ADR 12).
            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Stale(null);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex, "report_revisions_pkey"))
        {
            return Stale(null);
        }

        await ReportChanges.AdvanceAsync(db);
        Telemetry.ReportsAccepted.Add(1, new KeyValuePair<string, object?>("operation", Operation));
        context.Response.Headers.ETag = ReportRecords.ETag(revision);
        return TypedResults.Ok(new ReportAcceptedResponse
        {
            Id = id,
            Revision = revision,
            Status = ReportStatus.Accepted,
            Warnings = RuleViolation.From(violations, language),
        });
    }

    private static ProblemHttpResult Stale(int? current) => RevisionPreconditions.Stale(current, "apply your correction to it and retry");
}
