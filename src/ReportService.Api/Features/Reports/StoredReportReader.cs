using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReportService.Api.Persistence;
using ReportService.Statutory.Rules;

namespace ReportService.Api.Features.Reports;

/// <summary>Reads one stored revision into its response (shared by GET report and GET revision).</summary>
internal static class StoredReportReader
{
    public static ReportReviewStatus ReviewStatusOf(string stored) => Enum.Parse<ReportReviewStatus>(stored, ignoreCase: true);

    /// <summary>One revision (<c>revision</c>), or the current one when <c>revision</c> is null.</summary>
    public static async Task<StoredReportResponse?> ReadAsync(ReportsDbContext db, Guid id, int? revision, MessageLanguage language, CancellationToken cancellationToken)
    {
        var row = await (
            from r in db.Reports.AsNoTracking()
            where r.Id == id
            join v in db.Revisions.AsNoTracking() on r.Id equals v.ReportId
            where v.Revision == (revision ?? r.CurrentRevision)
            select new { r.CurrentRevision, r.ReviewStatus, v.Revision, v.SubmittedAt, v.SubmittedBy, v.SubmittedClient, v.Operation, v.ContentHash, v.Warnings, v.Body })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        return new StoredReportResponse
        {
            Id = id,
            Revision = row.Revision,
            CurrentRevision = row.CurrentRevision,
            Status = ReportStatus.Accepted,
            ReviewStatus = ReviewStatusOf(row.ReviewStatus),
            SubmittedAt = row.SubmittedAt,
            SubmittedBy = row.SubmittedBy,
            SubmittedClient = row.SubmittedClient,
            Operation = row.Operation,
            ContentHash = row.ContentHash,
            Warnings = RuleViolation.From(StoredWarnings.Deserialize(row.Warnings), language),
            Report = Canonical(row.Body),
        };
    }

    /// <summary>
    /// The stored body with <c>agency.level</c>, <c>kind</c> and <c>scope</c> in their canonical spelling. The reader takes
    /// these case-insensitively (a client generated with NSwag's System.Text.Json settings sends <c>Township</c>), and the
    /// body is stored as received; the answer must still be one of the enum values its schema lists (issue 14).
    /// </summary>
    private static JsonElement Canonical(string stored)
    {
        if (System.Text.Json.Nodes.JsonNode.Parse(stored) is not System.Text.Json.Nodes.JsonObject { } report
            || report["agency"] is not System.Text.Json.Nodes.JsonObject agency)
        {
            using var document = JsonDocument.Parse(stored);
            return document.RootElement.Clone();
        }

        Spell<Statutory.Model.AgencyLevel>(agency, "level");
        Spell<Statutory.Model.AgencyKind>(agency, "kind");
        Spell<Statutory.Model.ReportScope>(agency, "scope");
        return JsonSerializer.SerializeToElement(report);

        static void Spell<T>(System.Text.Json.Nodes.JsonObject agency, string name) where T : struct, Enum
        {
            if (agency[name] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var text)
                && Enum.GetValues<T>().Select(Infrastructure.ContractEnums.Name).FirstOrDefault(n => n.Equals(text, StringComparison.OrdinalIgnoreCase)) is { } canonical)
            {
                agency[name] = canonical;
            }
        }
    }
}
