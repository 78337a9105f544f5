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

        using var body = JsonDocument.Parse(row.Body);
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
            Report = body.RootElement.Clone(),
        };
    }
}
