using Microsoft.EntityFrameworkCore;
using ReportService.Api.Features.Regions;
using ReportService.Api.Persistence;
using ReportService.Statutory.Model;
using ReportService.Statutory.Validation;

namespace ReportService.Api.Features.Completeness;

/// <summary>
/// One agency that owes a report for a year: the government of a region, for one scope (no credit code: the division
/// reference does not know it), or a registered department or other body, for its own report.
/// </summary>
internal sealed record ExpectedReporter(string RegionCode, string Name, AgencyLevel Level, AgencyKind Kind, ReportScope Scope, string? CreditCode = null, string? Source = null)
{
    /// <summary>The order of lists: region code, then the government (no credit code) before agencies by credit code, then scope.</summary>
    public static int Compare(ExpectedReporter a, ExpectedReporter b)
    {
        var order = string.CompareOrdinal(a.RegionCode, b.RegionCode);
        order = order != 0 ? order : string.CompareOrdinal(a.CreditCode ?? "", b.CreditCode ?? "");
        return order != 0 ? order : a.Scope.CompareTo(b.Scope);
    }
}

/// <summary>Whether an expected reporter has reported, and when (by publishedOn, else by its first submission).</summary>
internal sealed record ReporterState(ExpectedReporter Reporter, bool Reported, bool OnTime, bool JudgedBySubmission);

/// <summary>What completeness counts: the year, and the expected reporters' region prefix, scope, level and kind (each null for all).</summary>
internal sealed record CompletenessScope(int Year, string? Prefix, ReportScope? Scope, AgencyLevel? Level, AgencyKind? Kind, bool ApprovedOnly);

/// <summary>
/// Who must report (issue 16 item 1). Governments follow from the division reference: every township, county,
/// prefecture and province has a government that owes its own report (scope agency) and, from county level up, the
/// region's report (scope regionAggregate). Departments and other bodies come from the agencies register: those in
/// force in the year (firstYear ≤ year ≤ lastYear), registered or learned from a report, each owing its own report
/// (matched by credit code, wherever the report says the agency is). Read from the database on every request, so a
/// report or registration accepted by one request is counted by the next.
/// </summary>
internal sealed class ExpectedReporters
{
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    private readonly List<ExpectedReporter> _governments;

    public ExpectedReporters(RegionDirectory regions)
    {
        _governments = [];
        foreach (var region in regions.All.OrderBy(r => r.Code, StringComparer.Ordinal))
        {
            var level = region.Level switch
            {
                RegionLevel.Province => AgencyLevel.Province,
                RegionLevel.City => AgencyLevel.City,
                RegionLevel.County => AgencyLevel.County,
                _ => AgencyLevel.Township,
            };
            _governments.Add(new ExpectedReporter(region.Code, region.Name, level, AgencyKind.Government, ReportScope.Agency));
            if (level != AgencyLevel.Township)
            {
                _governments.Add(new ExpectedReporter(region.Code, region.Name, level, AgencyKind.Government, ReportScope.RegionAggregate));
            }
        }
    }

    /// <summary>The governments of a region prefix, scope and level (each null for all), in code order.</summary>
    private IEnumerable<ExpectedReporter> GovernmentsOf(CompletenessScope of) =>
        _governments.Where(r => (of.Prefix is null || r.RegionCode.StartsWith(of.Prefix, StringComparison.Ordinal))
            && (of.Scope is null || r.Scope == of.Scope) && (of.Level is null || r.Level == of.Level));

    /// <summary>Each expected reporter with its state for the year, from the stored reports, in list order.</summary>
    public async Task<List<ReporterState>> StatesAsync(ReportsDbContext db, CompletenessScope of, CancellationToken cancellationToken)
    {
        var states = new List<ReporterState>();
        if (of.Kind is null or AgencyKind.Government)
        {
            states.AddRange(await GovernmentStatesAsync(db, of, cancellationToken));
        }

        if (of.Kind is not AgencyKind.Government && of.Scope is not ReportScope.RegionAggregate)
        {
            states.AddRange(await AgencyStatesAsync(db, of, cancellationToken));
        }

        states.Sort((a, b) => ExpectedReporter.Compare(a.Reporter, b.Reporter));
        return states;
    }

    private static IQueryable<StoredReport> ReportsOf(ReportsDbContext db, CompletenessScope of)
    {
        var query = db.Reports.AsNoTracking().Where(r => r.Year == of.Year);
        return of.ApprovedOnly ? query.Where(r => r.ReviewStatus == ReviewStatuses.Approved) : query;
    }

    private async Task<IEnumerable<ReporterState>> GovernmentStatesAsync(ReportsDbContext db, CompletenessScope of, CancellationToken cancellationToken)
    {
        var query = ReportsOf(db, of).Where(r => r.Kind == AgencyKind.Government);
        if (of.Prefix is { } prefix)
        {
            query = query.Where(r => r.RegionCode.StartsWith(prefix));
        }

        if (of.Scope is { } only)
        {
            query = query.Where(r => r.Scope == only);
        }

        var stored = await query.Select(r => new { r.RegionCode, r.Scope, r.PublishedOn, r.CreatedAt }).ToListAsync(cancellationToken);
        // A region with several government reports (a misfiled kind) counts once, by its earliest.
        var reported = stored
            .GroupBy(r => (r.RegionCode, r.Scope))
            .ToDictionary(g => g.Key, g => g.Select(r => When(r.PublishedOn, r.CreatedAt)).Min());
        return GovernmentsOf(of).Select(reporter => State(reporter, reported.TryGetValue((reporter.RegionCode, reporter.Scope), out var when) ? when : null, of.Year));
    }

    private static async Task<IEnumerable<ReporterState>> AgencyStatesAsync(ReportsDbContext db, CompletenessScope of, CancellationToken cancellationToken)
    {
        var year = of.Year;
        var agencies = db.Agencies.AsNoTracking().Where(a => a.FirstYear <= year && (a.LastYear == null || a.LastYear >= year));
        if (of.Prefix is { } prefix)
        {
            agencies = agencies.Where(a => a.RegionCode.StartsWith(prefix));
        }

        if (of.Level is { } level)
        {
            agencies = agencies.Where(a => a.Level == level);
        }

        if (of.Kind is { } kind)
        {
            agencies = agencies.Where(a => a.Kind == kind);
        }

        var expected = await agencies.Select(a => new { a.CreditCode, a.Name, a.RegionCode, a.Level, a.Kind, a.Source }).ToListAsync(cancellationToken);
        // Their own reports of the year, by credit code: the report may place the agency elsewhere than the register does.
        var reports = await (
            from a in agencies
            join r in ReportsOfAgencies(db, of) on a.CreditCode equals r.CreditCode
            select new { r.CreditCode, r.PublishedOn, r.CreatedAt }).ToListAsync(cancellationToken);
        var reported = reports.ToDictionary(r => r.CreditCode, r => When(r.PublishedOn, r.CreatedAt), StringComparer.Ordinal);
        return expected.Select(a => State(
            new ExpectedReporter(a.RegionCode, a.Name, a.Level, a.Kind, ReportScope.Agency, a.CreditCode, a.Source),
            reported.TryGetValue(a.CreditCode, out var when) ? when : null,
            year));
    }

    private static IQueryable<StoredReport> ReportsOfAgencies(ReportsDbContext db, CompletenessScope of) =>
        ReportsOf(db, of).Where(r => r.Scope == ReportScope.Agency);

    /// <summary>The day that judges timeliness: publishedOn, or the day (UTC+8) the report was first submitted.</summary>
    private static (DateOnly Date, bool BySubmission) When(DateOnly? publishedOn, DateTimeOffset createdAt) =>
        (publishedOn ?? DateOnly.FromDateTime(createdAt.ToOffset(ChinaStandardTime).DateTime), publishedOn is null);

    private static ReporterState State(ExpectedReporter reporter, (DateOnly Date, bool BySubmission)? when, int year)
    {
        if (when is not { } reported)
        {
            return new ReporterState(reporter, false, false, false);
        }

        var deadline = Deadlines.For(reporter.Level, reporter.Kind, reporter.Scope, year);
        return new ReporterState(reporter, true, reported.Date <= deadline, reported.BySubmission);
    }
}
