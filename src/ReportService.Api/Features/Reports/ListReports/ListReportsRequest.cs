namespace ReportService.Api.Features.Reports.ListReports;

/// <summary>Filters and paging of <c>GET /v1/reports</c>.</summary>
internal sealed class ListReportsRequest
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>报告年度.</summary>
    public int? Year { get; init; }

    /// <summary>Region code prefix: reports of agencies in this region and below (2, 4, 6 or 9 digits; 140000 forms accepted).</summary>
    public string? Region { get; init; }

    /// <summary>行政层级: national, province, city, county or township.</summary>
    public string? Level { get; init; }

    /// <summary>报告范围: agency or regionAggregate.</summary>
    public string? Scope { get; init; }

    /// <summary>统一社会信用代码.</summary>
    public string? CreditCode { get; init; }

    /// <summary>The <c>nextCursor</c> of the previous page, sent with the same filters as that page (other filters: 400).</summary>
    public string? Cursor { get; init; }

    /// <summary>Page size, 1 to 500 (default 50).</summary>
    public int? Limit { get; init; }
}
