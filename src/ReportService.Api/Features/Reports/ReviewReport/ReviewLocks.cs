using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using ReportService.Api.Features.PeriodLocks;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Reports.ReviewReport;

/// <summary>Review settings (section <c>Review</c>).</summary>
internal sealed class ReviewOptions
{
    public const string Section = "Review";

    /// <summary>
    /// Per report year, the last day (UTC+8) on which its reports may be corrected freely, e.g.
    /// <c>Review:PeriodLocks:2023 = 2024-06-30</c>. After it, a correction needs a reviewer to return the report first.
    /// A lock stored through PUT /v1/period-locks/{year} wins for its year (ADR 16).
    /// </summary>
    public Dictionary<string, DateOnly> PeriodLocks { get; set; } = [];
}

/// <summary>A report's review status and its year's stored period lock, read under the correction's locks.</summary>
internal sealed record LockState(string Status, DateOnly? StoredPeriodLock);

/// <summary>
/// When a correction is refused because of a review: the report is approved (locked until a reviewer
/// returns it), or its year's period is locked (a lock stored through PUT /v1/period-locks/{year}, which wins for
/// its year, else the configured one; ADR 16) and no reviewer has returned it.
/// </summary>
internal sealed class ReviewLocks(PeriodLockStore periodLocks, TimeProvider clock)
{
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    /// <summary>
    /// The refusal of a correction of <paramref name="report"/> in the state read by <see cref="LockStatusAsync"/> (in
    /// the correction's transaction, so that neither a concurrent review nor a concurrent lock change can slip between).
    /// </summary>
    public async Task<ProblemHttpResult?> RefusalAsync(ReportsDbContext db, StoredReport report, LockState state, CancellationToken cancellationToken)
    {
        var status = state.Status;
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

        var (day, source) = state.StoredPeriodLock is { } stored
            ? (stored, $"the period lock set through PUT /v1/period-locks/{report.Year}")
            : periodLocks.Configured(report.Year) is { } configured
                ? (configured, $"the period lock of the configuration (Review:PeriodLocks:{report.Year})")
                : ((DateOnly?)null, "");
        if (day is { } last && Today() > last && status != ReviewStatuses.Returned)
        {
            return TypedResults.Problem(
                title: "The reporting period is locked",
                detail: $"Corrections of {report.Year} reports closed on {last:yyyy-MM-dd} (UTC+8), by {source}. A reviewer must return this report " +
                    "(POST " + ReportRecords.Location(report.Id) + "/reviews, decision returned) before it can be corrected.",
                statusCode: StatusCodes.Status409Conflict,
                type: "https://report-service/problems/period-locked",
                extensions: new Dictionary<string, object?>
                {
                    ["lockedAfter"] = last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["lockSource"] = state.StoredPeriodLock is null ? "configuration" : "database",
                });
        }

        return null;
    }

    /// <summary>
    /// In the correction's transaction: holds the year's period-lock advisory lock (shared, until the transaction ends;
    /// <see cref="PeriodLockStore"/>), locks the report's row, and reads its review status and the year's stored lock —
    /// after the holds, so that a lock change acknowledged before is seen and one in progress is waited for.
    /// </summary>
    public static async Task<LockState> LockStatusAsync(ReportsDbContext db, Guid id, int year, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(PeriodLockStore.ShareSql) { Parameters = { new NpgsqlParameter<int> { TypedValue = year } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT review_status FROM reports WHERE id = $1 FOR UPDATE") { Parameters = { new NpgsqlParameter<Guid> { TypedValue = id } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT locked_after FROM period_locks WHERE year = $1") { Parameters = { new NpgsqlParameter<int> { TypedValue = year } } });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var status = reader.GetString(0);
        await reader.NextResultAsync(cancellationToken);
        DateOnly? stored = await reader.ReadAsync(cancellationToken) ? reader.GetFieldValue<DateOnly>(0) : null;
        return new LockState(status, stored);
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(ChinaStandardTime).DateTime);
}
