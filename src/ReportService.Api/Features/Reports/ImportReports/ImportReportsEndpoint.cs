using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure.Endpoints;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Security;
using AccessPolicies = ReportService.Api.Infrastructure.Security.Policies;
using ReportService.Api.Persistence;
using ReportService.Statutory.Json;
using ReportService.Statutory.Model;
using ReportService.Statutory.Rules;
using ReportService.Statutory.Validation;

namespace ReportService.Api.Features.Reports.ImportReports;

/// <summary>Reads its NDJSON body itself, line by line with its limits, so it has no request DTO.</summary>
internal sealed class ImportReportsEndpoint(ReportValidator validator, ReportsDbContext db, TimeProvider clock)
    : EndpointWithoutRequest<Results<Ok<ImportReportsResponse>, ProblemHttpResult>>
{
    public const string Route = "/batch";

    /// <summary>Large enough for ~10,000 reports of ordinary size per request.</summary>
    public const long MaxBodyBytes = 64L * 1024 * 1024;

    public const int MaxLines = 20_000;

    public static readonly string[] AcceptedMediaTypes = ["application/x-ndjson", "application/jsonl", "application/json-seq"];

    public override void Configure()
    {
        Post(Route);
        Group<ReportsGroup>();
        Description(b => b.WithName("ImportReports").RequirePolicy(AccessPolicies.Write)
            .Accepts<Report>(AcceptedMediaTypes[0], AcceptedMediaTypes[1..])
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithMetadata(new Microsoft.AspNetCore.Http.Timeouts.RequestTimeoutAttribute(RequestTimeoutSetup.BatchPolicy)));
        Summary(s =>
        {
            s.Summary = "Bulk import of reports (NDJSON)";
            s.Description = "For backfills: one report per line (application/x-ndjson), up to 20,000 lines and 64 MiB. " +
                "Every line is checked and answered on its own: accepted (with its id and warnings), rejected (with its violations " +
                "or what is wrong with its JSON), duplicate (the agency already has that report) or forbidden (the token does not grant " +
                "the line's agency). Accepted lines are stored " +
                "together; the answer is 200 whatever the mix. Corrections are not imported: use PUT.";
        });
    }

    public override async Task<Results<Ok<ImportReportsResponse>, ProblemHttpResult>> ExecuteAsync(CancellationToken cancellationToken)
    {
        var context = HttpContext;
        var request = context.Request;
        if (MediaTypes.Unsupported(request, AcceptedMediaTypes, "Send one report per line (UTF-8) as " + string.Join(", ", AcceptedMediaTypes)) is { } unsupported)
        {
            return unsupported;
        }

        if (await LineBatch.ReadAsync(request, MaxBodyBytes, LineMarks.RecordSeparators, cancellationToken) is not { } lines)
        {
            return LineBatch.TooLarge(MaxBodyBytes);
        }

        if (lines.Count == 0)
        {
            return TypedResults.Problem(title: "Empty batch",
                detail: "The body holds no report: send one report JSON per line.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (lines.Count > MaxLines)
        {
            return LineBatch.TooManyLines(MaxLines, "reports");
        }

        var language = Languages.Preferred(request);
        var caller = Caller.From(context.User);
        var answers = new ImportReportsLine?[lines.Count];
        var parsed = new List<(int Index, Report Report, byte[] Utf8)>();
        for (var i = 0; i < lines.Count; i++)
        {
            var (line, utf8) = lines[i];
            switch (utf8.Length > RequestLimits.ReportBodyBytes ? null : ReportReader.Read(utf8))
            {
                case null:
                    answers[i] = Rejected(line, $"A line may have at most {RequestLimits.ReportBodyBytes} bytes.", null);
                    break;
                case ReportReadResult.Malformed malformed:
                    answers[i] = Rejected(line, malformed.Detail, malformed.Pointer);
                    break;
                case ReportReadResult.WrongFormat wrong:
                    answers[i] = new ImportReportsLine { Line = line, Status = ImportLineStatus.Rejected, Violations = RuleViolation.From([wrong.Violation], language) };
                    break;
                case ReportReadResult.Parsed ok when !caller.MayWrite(ok.Report.Agency.CreditCode, ok.Report.Agency.RegionCode):
                    answers[i] = new ImportReportsLine
                    {
                        Line = line,
                        Status = ImportLineStatus.Forbidden,
                        Problem = caller.ForbiddenDetail(ok.Report.Agency.CreditCode, ok.Report.Agency.RegionCode),
                    };
                    break;
                case ReportReadResult.Parsed ok:
                    parsed.Add((i, ok.Report, utf8));
                    break;
            }
        }

        var connection = (NpgsqlConnection)Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetDbConnection(db.Database);
        var identities = parsed.Select(p => Identity.Of(p.Report)).ToList();
        var previousKeys = identities.Select(k => k with { Year = k.Year - 1 }).ToList();
        var storedPrevious = await IdentityLookup.CurrentBodiesAsync(connection, previousKeys, cancellationToken);
        var existing = await IdentityLookup.ExistingIdsAsync(connection, identities, cancellationToken);
        var inBatch = new Dictionary<Identity, Report>();
        foreach (var p in parsed)
        {
            inBatch.TryAdd(Identity.Of(p.Report), p.Report);
        }

        var now = clock.GetUtcNow();
        var firstLine = new Dictionary<Identity, int>();
        var toStore = new List<(int Index, BulkReport Report, IReadOnlyList<Violation> Warnings)>();
        foreach (var (index, report, utf8) in parsed)
        {
            var identity = Identity.Of(report);
            var previousKey = identity with { Year = identity.Year - 1 };
            var previous = storedPrevious.TryGetValue(previousKey, out var body) ? StoredBodies.Read(body)
                : inBatch.GetValueOrDefault(previousKey);
            var violations = validator.Check(new ReportUnderReview(report, previous));
            var line = lines[index].Line;
            if (violations.Any(v => v.IsError))
            {
                Telemetry.CountRejection("batch", violations);
                answers[index] = new ImportReportsLine { Line = line, Status = ImportLineStatus.Rejected, Violations = RuleViolation.From(violations, language) };
            }
            else if (existing.TryGetValue(identity, out var existingId))
            {
                answers[index] = Duplicate(line, existingId, null);
            }
            else if (firstLine.TryGetValue(identity, out var earlier))
            {
                answers[index] = new ImportReportsLine { Line = line, Status = ImportLineStatus.Duplicate, DuplicateOfLine = earlier };
            }
            else
            {
                firstLine[identity] = line;
                var stored = ReportRecords.NewReport(report, now);
                var revision = ReportRecords.NewRevision(stored.Id, 1, utf8, violations, now, caller, RevisionOperations.Import);
                toStore.Add((index, new BulkReport(stored, revision, report), violations));
            }
        }

        var written = await BulkReportWriter.WriteAsync(db, [.. toStore.Select(s => s.Report)], cancellationToken);
        if (written.Count > 0)
        {
            await ReportChanges.AdvanceAsync(db);
        }

        var raced = toStore.Where(s => !written.Contains(s.Report.Report.Id)).ToList();
        var racedIds = raced.Count == 0 ? [] : await IdentityLookup.ExistingIdsAsync(connection, [.. raced.Select(s => Identity.Of(s.Report.Content))], cancellationToken);
        foreach (var (index, bulk, warnings) in toStore)
        {
            var line = lines[index].Line;
            answers[index] = written.Contains(bulk.Report.Id)
                ? new ImportReportsLine
                {
                    Line = line,
                    Status = ImportLineStatus.Accepted,
                    Id = bulk.Report.Id,
                    Href = ReportRecords.Location(bulk.Report.Id),
                    Violations = RuleViolation.From(warnings, language),
                }
                : Duplicate(line, racedIds.GetValueOrDefault(Identity.Of(bulk.Content)), null);
        }

        var all = answers.Select(a => a!).ToList();
        var tally = new LineTally<ImportLineStatus>(all.Select(a => a.Status));
        tally.Record(Telemetry.BatchLines, "status");
        Telemetry.WritesForbidden.Add(tally[ImportLineStatus.Forbidden], new KeyValuePair<string, object?>("operation", "batch"));
        Telemetry.ReportsAccepted.Add(tally[ImportLineStatus.Accepted], new KeyValuePair<string, object?>("operation", "batch"));
        return TypedResults.Ok(new ImportReportsResponse
        {
            Accepted = tally[ImportLineStatus.Accepted],
            Rejected = tally[ImportLineStatus.Rejected],
            Duplicates = tally[ImportLineStatus.Duplicate],
            Forbidden = tally[ImportLineStatus.Forbidden],
            Lines = all,
        });
    }

    private static ImportReportsLine Rejected(int line, string problem, string? pointer) =>
        new() { Line = line, Status = ImportLineStatus.Rejected, Problem = problem, Pointer = pointer };

    private static ImportReportsLine Duplicate(int line, Guid existing, int? ofLine) => new()
    {
        Line = line,
        Status = ImportLineStatus.Duplicate,
        Id = existing == Guid.Empty ? null : existing,
        Href = existing == Guid.Empty ? null : ReportRecords.Location(existing),
        DuplicateOfLine = ofLine,
    };
}
