namespace ReportService.Statutory.Model;

/// <summary>The publishing agency (发布机关).</summary>
public sealed class Agency
{
    /// <summary>机关名称: the agency's full name as printed on the report.</summary>
    public required string Name { get; init; }

    /// <summary>统一社会信用代码 (GB 32100-2015): 18 characters with valid check characters.</summary>
    public required string CreditCode { get; init; }

    /// <summary>统计用区划代码: 2, 4, 6 or 9 digits; the six-digit forms <c>140000</c>/<c>141100</c> are accepted and normalised.</summary>
    public required string RegionCode { get; init; }

    /// <summary>行政层级.</summary>
    public required AgencyLevel Level { get; init; }

    /// <summary>机关类型.</summary>
    public required AgencyKind Kind { get; init; }

    /// <summary>报告范围: <c>agency</c> (本机关) or <c>regionAggregate</c> (本级政府汇总).</summary>
    public required ReportScope Scope { get; init; }
}
