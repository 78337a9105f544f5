using FastEndpoints;

namespace ReportService.Api.Features.Aggregates;

/// <summary>Filters and grouping shared by both aggregate endpoints.</summary>
internal sealed class AggregateRequest
{
    /// <summary>报告年度 (or use fromYear/toYear); 2019–2100, other years are a 400.</summary>
    [System.ComponentModel.DataAnnotations.Range(AggregateFilter.FirstYear, AggregateFilter.LastYear)]
    public int? Year { get; init; }

    /// <summary>First year of a range, inclusive (2019–2100).</summary>
    [System.ComponentModel.DataAnnotations.Range(AggregateFilter.FirstYear, AggregateFilter.LastYear)]
    public int? FromYear { get; init; }

    /// <summary>Last year of a range, inclusive (2019–2100).</summary>
    [System.ComponentModel.DataAnnotations.Range(AggregateFilter.FirstYear, AggregateFilter.LastYear)]
    public int? ToYear { get; init; }

    /// <summary>Region code prefix: the region and everything below it (2, 4, 6 or 9 digits; 140000 forms accepted). A code not in the division reference is a 400.</summary>
    public string? Region { get; init; }

    /// <summary>行政层级 of the agencies: national, province, city, county, township.</summary>
    public string? Level { get; init; }

    /// <summary>机关类型: government, department, other.</summary>
    public string? Kind { get; init; }

    /// <summary>报告范围: agency (default) or regionAggregate. The two are never summed together.</summary>
    public string? Scope { get; init; }

    /// <summary>Dimensions to group by, comma-separated or repeated: year, province, city, county, township, level, kind.</summary>
    public string[]? GroupBy { get; init; }

    /// <summary>approved: sum only reports whose review status is approved (DHIS2's "hide unapproved data"); absent: every accepted report. Any other value is a 400.</summary>
    public string? ReviewStatus { get; init; }

    /// <summary>Outcomes only (a 400 on /v1/aggregates): the applicant column (naturalPerson … otherOrganization, total; default total).</summary>
    public string? Applicant { get; init; }

    /// <summary>The media type asked for: text/csv when it is preferred to application/json by the q-values, else JSON.</summary>
    [FromHeader("Accept", isRequired: false)]
    public string? Accept { get; init; }
}
