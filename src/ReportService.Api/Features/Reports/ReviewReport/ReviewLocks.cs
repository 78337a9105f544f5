using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Reports.ReviewReport;

/// <summary>Review settings (section <c>Review</c>).</summary>
internal sealed class ReviewOptions
{
    public const string Section = "Review";

    /// <summary>
    /// Per report year, the last day (UTC+8) on which its reports may be corrected freely, e.g.
    /// <c>Review:PeriodLocks:2023 = 2024-06-30</c>. After it, a correction needs a reviewer to return the report first.
    /// </summary>
    public Dictionary<string, DateOnly> PeriodLocks { get; set; } = [];
}

/// <summary>
/// When a correction is refused because of a review: the report is approved (locked until a reviewer
/// returns it), or its year's period is locked and no reviewer has returned it.
/// </summary>
internal sealed class ReviewLocks(IOptions<ReviewOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    /// <summary>The day after which corrections of <paramref name="year"/>'s reports need a return, if any.</summary>
    public DateOnly? PeriodLock(int year) =>
        options.Value.PeriodLocks.TryGetValue(year.ToString(CultureInfo.InvariantCulture), out var day) ? day : null;

    /// <summary>
    /// The refusal of a correction of <paramref name="report"/> in its current review status, or null. Call it
    /// with the report row locked (<see cref="LockStatusAsync"/>) so that a concurrent review cannot slip between.
    /// </summary>
    public async Task<ProblemHttpResult?> RefusalAsync(ReportsDbContext db, StoredReport report, string status, CancellationToken cancellationToken)
    {
        if (status == ReviewStatuses.Approved)
        {
            var approval = await db.Reviews.AsNoTracking()
                .Where(r => r.ReportId == report.Id && r.Decision == ReviewStatuses.Approved)
                .OrderByDescending(r => r.Id).FirstAsync(cancellationToken);
            return TypedResults.Problem(
                title: "The report is approved",
                detail: $"Revision {approval.Revision} was approved by {approval.ReviewedBy ?? "a reviewer"} on {approval.ReviewedAt.ToOffset(ChinaStandardTime):yyyy-MM-dd HH:mm} (UTC+8). " +
                    "An approved report is locked: a reviewer must return it (POST " + ReportRecords.Location(report.Id) + "/reviews, decision returned) before it can be corrected.",
                statusCode: StatusCodes.Status409Conflict,
                type: "https://report-service/problems/report-approved",
                extensions: new Dictionary<string, object?>
                {
                    ["review"] = new Dictionary<string, object?>
                    {
                        ["revision"] = approval.Revision,
                        ["reviewedBy"] = approval.ReviewedBy,
                        ["reviewedAt"] = approval.ReviewedAt,
                        ["comment"] = approval.Comment,
                    },
                });
        }

        if (PeriodLock(report.Year) is { } day && Today() > day && status != ReviewStatuses.Returned)
        {
            return TypedResults.Problem(
                title: "The reporting period is locked",
                detail: $"Corrections of {report.Year} reports closed on {day:yyyy-MM-dd} (UTC+8). A reviewer must return this report " +
                    "(POST " + ReportRecords.Location(report.Id) + "/reviews, decision returned) before it can be corrected.",
                statusCode: StatusCodes.Status409Conflict,
                type: "https://report-service/problems/period-locked",
                extensions: new Dictionary<string, object?> { ["lockedAfter"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        }

        return null;
    }

    /// <summary>Locks the report's row for the rest of the transaction and reads its review status.</summary>
    public static Task<string> LockStatusAsync(ReportsDbContext db, Guid id, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<string>($"SELECT review_status AS \"Value\" FROM reports WHERE id = {id} FOR UPDATE").SingleAsync(cancellationToken);

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(ChinaStandardTime).DateTime);
}
