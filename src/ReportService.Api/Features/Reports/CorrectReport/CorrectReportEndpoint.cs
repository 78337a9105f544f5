using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Api.Infrastructure.OpenApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Security;
using AccessPolicies = ReportService.Api.Infrastructure.Security.Policies;
using ReportService.Api.Persistence;
using ReportService.Statutory.Json;
using ReportService.Statutory.Model;
using ReportService.Statutory.Validation;

namespace ReportService.Api.Features.Reports.CorrectReport;

/// <summary>A correction: the report's id from the route and the new body, read by the project's reader.</summary>
[BodyReadByEndpoint]
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

internal sealed class CorrectReportEndpoint(ReportValidator validator, ReportsDbContext db, TimeProvider clock)
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
                "The identity (agency.creditCode, year, agency.scope) cannot change.";
        });
    }

    public override async Task<Results<Ok<ReportAcceptedResponse>, ProblemHttpResult>> ExecuteAsync(CorrectReportRequest req, CancellationToken cancellationToken)
    {
        var (id, body, context) = (req.Id, req.Body, HttpContext);
        var language = Languages.Preferred(context.Request);
        var ifMatch = context.Request.GetTypedHeaders().IfMatch;
        if (ifMatch.Count == 0 && context.Request.Headers.IfMatch.Count > 0)
        {
            // RFC 9110 §8.8.3: an entity tag is quoted. `If-Match: 3` is a malformed request, not a missing precondition.
            return TypedResults.Problem(
                title: "If-Match is not an entity tag",
                detail: "If-Match must be the ETag exactly as GET " + ReportRecords.Location(id) + " sent it, quotes included (for example \"3\").",
                statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["parameter"] = "If-Match" });
        }

        if (ifMatch.Count == 0)
        {
            return TypedResults.Problem(
                title: "If-Match required",
                detail: "A correction must name the revision it corrects: send If-Match with the ETag of GET " + ReportRecords.Location(id) + ".",
                statusCode: StatusCodes.Status428PreconditionRequired);
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

        if (!Matches(ifMatch, stored.CurrentRevision))
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
        ReportRecords.AddRevision(db, ReportRecords.NewRevision(id, revision, body.Utf8, violations, now, caller, RevisionOperations.Correct), report);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
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

    private static bool Matches(IList<EntityTagHeaderValue> ifMatch, int currentRevision)
    {
        var current = ReportRecords.ETag(currentRevision);
        return ifMatch.Any(tag => tag == EntityTagHeaderValue.Any || tag.Tag.Equals(current, StringComparison.Ordinal));
    }

    private static ProblemHttpResult Stale(int? current) => TypedResults.Problem(
        title: "The report has changed",
        detail: current is { } revision
            ? $"If-Match does not name the current revision ({ReportRecords.ETag(revision)}). Read the report again, apply your correction to it and retry."
            : "Another correction was stored first. Read the report again, apply your correction to it and retry.",
        statusCode: StatusCodes.Status412PreconditionFailed);
}
