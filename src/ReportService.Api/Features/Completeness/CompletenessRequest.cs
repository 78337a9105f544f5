using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Features.Aggregates;
using ReportService.Api.Features.Regions;
using ReportService.Api.Infrastructure;
using ReportService.Statutory.Identity;
using ReportService.Statutory.Model;

namespace ReportService.Api.Features.Completeness;

/// <summary>The filters both completeness endpoints share.</summary>
internal abstract class CompletenessFilters
{
    /// <summary>报告年度 (required; GET /v1/completeness takes fromYear and toYear instead): whose reports for which year; 2019–2100.</summary>
    public int? Year { get; init; }

    /// <summary>Region code prefix: the expected reporters of this region and below (2, 4, 6 or 9 digits; 140000 forms accepted).</summary>
    public string? Region { get; init; }

    /// <summary>报告范围: agency or regionAggregate; both when absent.</summary>
    public string? Scope { get; init; }

    /// <summary>行政层级 of the expected reporters: national, province, city, county or township; all when absent.</summary>
    public string? Level { get; init; }

    /// <summary>机关类型 of the expected reporters: government (from the division reference), department or other (from the agencies register); all when absent.</summary>
    public string? Kind { get; init; }

    /// <summary>approved: count only reports a reviewer approved (DHIS2's "hide unapproved data"); absent: every stored report.</summary>
    public string? ReviewStatus { get; init; }

    /// <summary>Whether only approved reports count, or the 400 naming the parameter.</summary>
    private bool TryParseReviewStatus(out bool approvedOnly, out ProblemHttpResult? problem)
    {
        (approvedOnly, problem) = (false, null);
        if (ReviewStatus is null)
        {
            return true;
        }

        if (ReviewStatus != Persistence.ReviewStatuses.Approved)
        {
            problem = QueryProblems.Invalid("reviewStatus", "reviewStatus can only be approved (count only approved reports); leave it out to count every report.");
            return false;
        }

        approvedOnly = true;
        return true;
    }

    /// <summary>
    /// Checks every filter: what completeness counts, or the 400 naming the parameter. <paramref name="firstYear"/>, when
    /// given, stands for the year parameter (a range's first year, checked by the caller).
    /// </summary>
    public bool TryParse(RegionDirectory regions, out CompletenessScope of, out ProblemHttpResult? problem, int? firstYear = null)
    {
        of = null!;
        if (!TryParse(regions, firstYear ?? Year, out var year, out var prefix, out var scope, out problem) || !TryParseReviewStatus(out var approvedOnly, out problem))
        {
            return false;
        }

        AgencyLevel? level = null;
        if (Level is { } levelText)
        {
            if (!ContractEnums.TryParse<AgencyLevel>(levelText, out var parsed))
            {
                problem = QueryProblems.Invalid("level", "level must be one of " + ContractEnums.Names<AgencyLevel>() + ".");
                return false;
            }

            level = parsed;
        }

        AgencyKind? kind = null;
        if (Kind is { } kindText)
        {
            if (!ContractEnums.TryParse<AgencyKind>(kindText, out var parsed))
            {
                problem = QueryProblems.Invalid("kind", "kind must be one of " + ContractEnums.Names<AgencyKind>() + ".");
                return false;
            }

            kind = parsed;
        }

        of = new CompletenessScope(year, prefix, scope, level, kind, approvedOnly);
        return true;
    }

    /// <summary>Checks the filters: the year, the region's normalised prefix and the scope, or the 400 naming the parameter.</summary>
    private bool TryParse(RegionDirectory regions, int? asked, out int year, out string? prefix, out ReportScope? scope, out ProblemHttpResult? problem)
    {
        (year, prefix, scope, problem) = (0, null, null, null);
        if (asked is not { } y || y < AggregateFilter.FirstYear || y > AggregateFilter.LastYear)
        {
            problem = QueryProblems.Invalid("year", $"year is required, from {AggregateFilter.FirstYear} to {AggregateFilter.LastYear}.");
            return false;
        }

        year = y;
        if (Region is { } region)
        {
            if (!RegionCode.TryNormalize(region, out var normalized) || !regions.Exists(normalized))
            {
                problem = QueryProblems.Invalid("region", $"region {region} is not a region code of the division reference (GET /v1/regions lists them).");
                return false;
            }

            prefix = normalized;
        }

        if (Scope is { } scopeText)
        {
            if (!ContractEnums.TryParse<ReportScope>(scopeText, out var parsed))
            {
                problem = QueryProblems.Invalid("scope", "scope must be one of " + ContractEnums.Names<ReportScope>() + ".");
                return false;
            }

            scope = parsed;
        }

        return true;
    }

}
