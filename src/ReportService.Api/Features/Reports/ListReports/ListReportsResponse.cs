using ReportService.Statutory.Model;

namespace ReportService.Api.Features.Reports.ListReports;

/// <summary>A page of reports, oldest submission first.</summary>
public sealed class ListReportsResponse
{
    /// <summary>The reports of this page.</summary>
    public required IReadOnlyList<ListReportsItem> Items { get; init; }

    /// <summary>Pass as <c>cursor</c> to get the next page; absent on the last page.</summary>
[System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? NextCursor { get; init; }
}

/// <summary>A report in a list.</summary>
public sealed class ListReportsItem
{
    /// <summary>The report's id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The URL of the report.</summary>
    public required string Href { get; init; }

    /// <summary>The current revision.</summary>
    public required int Revision { get; init; }

    /// <summary>The report's review status: pending, approved or returned.</summary>
    public required ReportReviewStatus ReviewStatus { get; init; }

    /// <summary>格式版本 of the current revision.</summary>
    public required string Format { get; init; }

    /// <summary>报告年度.</summary>
    public required int Year { get; init; }

    /// <summary>机关名称.</summary>
    public required string AgencyName { get; init; }

    /// <summary>统一社会信用代码.</summary>
    public required string CreditCode { get; init; }

    /// <summary>统计用区划代码 (normalised).</summary>
    public required string RegionCode { get; init; }

    /// <summary>行政层级.</summary>
    public required AgencyLevel Level { get; init; }

    /// <summary>机关类型.</summary>
    public required AgencyKind Kind { get; init; }

    /// <summary>报告范围.</summary>
    public required ReportScope Scope { get; init; }

    /// <summary>发布日期; absent when the report gives none.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DateOnly? PublishedOn { get; init; }

    /// <summary>When the current revision was accepted.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
