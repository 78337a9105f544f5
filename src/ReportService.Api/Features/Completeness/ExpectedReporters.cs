using Microsoft.EntityFrameworkCore;
using ReportService.Api.Features.Regions;
using ReportService.Api.Persistence;
using ReportService.Statutory.Model;
using ReportService.Statutory.Validation;

namespace ReportService.Api.Features.Completeness;

/// <summary>One agency that owes a report for a year: the government of a region, for one scope.</summary>
internal sealed record ExpectedReporter(string RegionCode, string Name, AgencyLevel Level, ReportScope Scope);

/// <summary>Whether an expected reporter has reported, and when (by publishedOn, else by its first submission).</summary>
internal sealed record ReporterState(ExpectedReporter Reporter, bool Reported, bool OnTime, bool JudgedBySubmission);

/// <summary>
/// Who must report (issue 16 item 1), derived from the division reference: every township, county, prefecture
/// and province has a government that owes its own report (scope agency) and, from county level up, the
/// region's report (scope regionAggregate). Departments and other bodies are not expected yet (their register,
/// PUT /v1/agencies, is not built): their reports are stored and summed, but completeness does not count them.
/// </summary>
internal sealed class ExpectedReporters
{
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    private readonly List<ExpectedReporter> _all;

    public ExpectedReporters(RegionDirectory regions)
    {
        _all = [];
        foreach (var region in regions.All.OrderBy(r => r.Code, StringComparer.Ordinal))
        {
            var level = region.Level switch
            {
                RegionLevel.Province => AgencyLevel.Province,
                RegionLevel.City => AgencyLevel.City,
                RegionLevel.County => AgencyLevel.County,
                _ => AgencyLevel.Township,
            };
            _all.Add(new ExpectedReporter(region.Code, region.Name, level, ReportScope.Agency));
            if (level != AgencyLevel.Township)
            {
                _all.Add(new ExpectedReporter(region.Code, region.Name, level, ReportScope.RegionAggregate));
            }
        }
    }

    /// <summary>The expected reporters of a region prefix (all when null) and scope (both when null), in code order.</summary>
    public IEnumerable<ExpectedReporter> Of(string? prefix, ReportScope? scope) =>
        _all.Where(r => (prefix is null || r.RegionCode.StartsWith(prefix, StringComparison.Ordinal)) && (scope is null || r.Scope == scope));

    /// <summary>Each expected reporter of the prefix and scope with its state for the year, from the stored government reports.</summary>
    public async Task<List<ReporterState>> StatesAsync(ReportsDbContext db, int year, string? prefix, ReportScope? scope, bool approvedOnly, CancellationToken cancellationToken)
    {
        var query = db.Reports.AsNoTracking().Where(r => r.Year == year && r.Kind == AgencyKind.Government);
        if (approvedOnly)
        {
            query = query.Where(r => r.ReviewStatus == ReviewStatuses.Approved);
        }

        if (prefix is not null)
        {
            query = query.Where(r => r.RegionCode.StartsWith(prefix));
        }

        if (scope is { } only)
        {
            query = query.Where(r => r.Scope == only);
        }

        var stored = await query.Select(r => new { r.RegionCode, r.Scope, r.PublishedOn, r.CreatedAt }).ToListAsync(cancellationToken);
        // A region with several government reports (a misfiled kind) counts once, by its earliest.
        var reported = stored
            .GroupBy(r => (r.RegionCode, r.Scope))
            .ToDictionary(g => g.Key, g => g.Select(r => (Date: r.PublishedOn ?? DateOnly.FromDateTime(r.CreatedAt.ToOffset(ChinaStandardTime).DateTime), BySubmission: r.PublishedOn is null)).Min());

        return [.. Of(prefix, scope).Select(reporter =>
        {
            if (!reported.TryGetValue((reporter.RegionCode, reporter.Scope), out var when))
            {
                return new ReporterState(reporter, false, false, false);
            }

            var deadline = Deadlines.For(reporter.Level, AgencyKind.Government, reporter.Scope, year);
            return new ReporterState(reporter, true, when.Date <= deadline, when.BySubmission);
        })];
    }
}
