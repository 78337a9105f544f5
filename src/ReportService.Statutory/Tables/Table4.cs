using ReportService.Statutory.Model;
using ReportService.Statutory.Rules;

namespace ReportService.Statutory.Tables;

/// <summary>A cell of a table-4 group.</summary>
public sealed record AppealField(string Key, LocalizedText Label, Func<AppealCounts, int?> Read, bool IsTotal);

/// <summary>A group of table 4.</summary>
public sealed record AppealGroup(string Key, string Pointer, LocalizedText Label, Func<Appeals, AppealCounts?> Read)
{
    /// <summary>The JSON pointer of one cell of this group.</summary>
    public string CellPointer(AppealField field) => Pointer + "/" + field.Key;
}

/// <summary>Table 4, 政府信息公开行政复议、行政诉讼情况: three groups of five cells, same in both formats.</summary>
public static class Table4
{
    /// <summary>The three groups in printed order.</summary>
    public static readonly IReadOnlyList<AppealGroup> Groups =
    [
        new("reconsideration", "/appeals/reconsideration", new("行政复议", "administrative reconsideration"), a => a.Reconsideration),
        new("litigationDirect", "/appeals/litigationDirect", new("行政诉讼·未经复议直接起诉", "litigation without prior reconsideration"), a => a.LitigationDirect),
        new("litigationAfterReconsideration", "/appeals/litigationAfterReconsideration", new("行政诉讼·复议后起诉", "litigation after reconsideration"), a => a.LitigationAfterReconsideration),
    ];

    /// <summary>The five cells of a group, 总计 last.</summary>
    public static readonly IReadOnlyList<AppealField> Fields =
    [
        new("upheld", new("结果维持", "upheld"), c => c.Upheld, false),
        new("corrected", new("结果纠正", "corrected"), c => c.Corrected, false),
        new("other", new("其他结果", "other result"), c => c.Other, false),
        new("pending", new("尚未审结", "pending"), c => c.Pending, false),
        new("total", new("总计", "total"), c => c.Total, true),
    ];
}
