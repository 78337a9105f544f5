using ReportService.Api.Infrastructure;
using ReportService.Statutory.Identity;
using ReportService.Statutory.Model;
using ReportService.Statutory.Tables;

namespace ReportService.Api.Features.Aggregates;

/// <summary>A grouping dimension of the aggregates.</summary>
internal enum Dimension
{
    Year,
    Province,
    City,
    County,
    Township,
    Level,
    Kind,
}

/// <summary>
/// A checked aggregate query: what to sum and how to group it. <paramref name="ApprovedOnly"/>: the approved view, the
/// reports a reviewer approved (<c>approved_rollups</c>, ADR 17).
/// </summary>
internal sealed record AggregateFilter(
    int? FromYear, int? ToYear, string? RegionPrefix, AgencyLevel? Level, AgencyKind? Kind, ReportScope Scope,
    IReadOnlyList<Dimension> GroupBy, ApplicantColumn Applicant, bool ApprovedOnly = false)
{
    public const int FirstYear = 2019;

    /// <summary>The last year a query may name: far enough for any dashboard, near enough to catch a mistyped year.</summary>
    public const int LastYear = 2100;

    /// <summary>
    /// Parses the query; on failure says which parameter is wrong and why. A region must exist in
    /// <paramref name="regions"/>; <paramref name="outcomes"/> says whether the applicant column applies.
    /// </summary>
    public static bool TryParse(
        AggregateRequest request, Statutory.Validation.IRegionDirectory regions, bool outcomes,
        out AggregateFilter filter, out (string Parameter, string Detail) error)
    {
        filter = null!;
        error = default;
        foreach (var (name, value) in new[] { ("year", request.Year), ("fromYear", request.FromYear), ("toYear", request.ToYear) })
        {
            if (value is < FirstYear or > LastYear)
            {
                error = (name, $"{name} must be a report year from {FirstYear} to {LastYear}; {value} is not.");
                return false;
            }
        }

        int? from = request.FromYear, to = request.ToYear;
        if (request.Year is { } year)
        {
            if (from is not null || to is not null)
            {
                error = ("year", "Give either year or fromYear/toYear, not both.");
                return false;
            }

            from = to = year;
        }

        if (from > to)
        {
            error = ("fromYear", "fromYear is after toYear.");
            return false;
        }

        string? prefix = null;
        if (request.Region is { } region)
        {
            if (!RegionCode.TryNormalize(region, out var normalized))
            {
                error = ("region", "region must be a 2, 4, 6 or 9 digit region code.");
                return false;
            }

            if (!regions.Exists(normalized))
            {
                error = ("region", $"region {region} is not in the division reference (GET /v1/regions lists the codes).");
                return false;
            }

            prefix = normalized;
        }

        AgencyLevel? level = null;
        if (request.Level is { } levelText)
        {
            if (!ContractEnums.TryParse<AgencyLevel>(levelText, out var parsed))
            {
                error = ("level", "level must be one of " + ContractEnums.Names<AgencyLevel>() + ".");
                return false;
            }

            level = parsed;
        }

        AgencyKind? kind = null;
        if (request.Kind is { } kindText)
        {
            if (!ContractEnums.TryParse<AgencyKind>(kindText, out var parsed))
            {
                error = ("kind", "kind must be one of " + ContractEnums.Names<AgencyKind>() + ".");
                return false;
            }

            kind = parsed;
        }

        var scope = ReportScope.Agency;
        if (request.Scope is { } scopeText && !ContractEnums.TryParse(scopeText, out scope))
        {
            error = ("scope", "scope must be agency or regionAggregate; the two are never summed together.");
            return false;
        }

        var groupBy = new List<Dimension>();
        foreach (var name in (request.GroupBy ?? []).SelectMany(g => g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!ContractEnums.TryParse<Dimension>(name, out var dimension))
            {
                error = ("groupBy", $"Unknown groupBy dimension \"{name}\": use " + ContractEnums.Names<Dimension>() + ".");
                return false;
            }

            if (!groupBy.Contains(dimension))
            {
                groupBy.Add(dimension);
            }
        }

        var applicant = Table3.Columns[Table3.TotalColumn];
        if (request.Applicant is not null && !outcomes)
        {
            error = ("applicant", "applicant chooses the column of /v1/aggregates/outcomes; /v1/aggregates sums every column, so it takes none.");
            return false;
        }

        if (request.Applicant is { } applicantText)
        {
            if (Table3.Columns.FirstOrDefault(c => c.Key == applicantText) is not { } column)
            {
                error = ("applicant", "applicant must be one of " + string.Join(", ", Table3.Columns.Select(c => c.Key)) + ".");
                return false;
            }

            applicant = column;
        }

        if (request.ReviewStatus is { } reviewStatus && reviewStatus != Persistence.ReviewStatuses.Approved)
        {
            error = ("reviewStatus", "reviewStatus can only be approved (sum only approved reports); leave it out to sum every accepted report.");
            return false;
        }

        filter = new AggregateFilter(from, to, prefix, level, kind, scope, groupBy, applicant, request.ReviewStatus is not null);
        return true;
    }
}
