namespace ReportService.Statutory.Model;

/// <summary>One group of table 4 (行政复议, 行政诉讼·未经复议直接起诉 or 行政诉讼·复议后起诉): five cells.</summary>
public sealed class AppealCounts
{
    /// <summary>结果维持.</summary>
    public int? Upheld { get; init; }

    /// <summary>结果纠正.</summary>
    public int? Corrected { get; init; }

    /// <summary>其他结果.</summary>
    public int? Other { get; init; }

    /// <summary>尚未审结.</summary>
    public int? Pending { get; init; }

    /// <summary>总计.</summary>
    public int? Total { get; init; }
}

/// <summary>Table 4, 政府信息公开行政复议、行政诉讼情况 (same in both formats).</summary>
public sealed class Appeals
{
    /// <summary>行政复议.</summary>
    public AppealCounts? Reconsideration { get; init; }

    /// <summary>行政诉讼·未经复议直接起诉.</summary>
    public AppealCounts? LitigationDirect { get; init; }

    /// <summary>行政诉讼·复议后起诉.</summary>
    public AppealCounts? LitigationAfterReconsideration { get; init; }
}
