using ReportService.Statutory.Model;
using ReportService.Statutory.Tables;

namespace ReportService.Extraction.Tables;

/// <summary>What a cell may hold, which decides how its printed token is parsed.</summary>
internal enum CellKind
{
    Count,
    SignedCount,
    Amount,
}

/// <summary>
/// A printed row: the labels it may be found by (in the normalised, whitespace-free text), the number the
/// form prints before it ("1." of "1.属于国家秘密"), and its cells in printed order.
/// </summary>
internal sealed record RowSpec(string Key, IReadOnlyList<string> Keywords, int? Numbering, IReadOnlyList<string> Pointers, IReadOnlyList<CellKind> Kinds, bool WeakLabel = false)
{
    public int Columns => Pointers.Count;

    /// <summary>
    /// The label as the form numbers it ("(七)总计"), looked for before <see cref="Keywords"/>: the bare word also heads
    /// a column ("| 类别 | … | 总计 |"), which a converter may print above every row.
    /// </summary>
    public IReadOnlyList<string> Preferred { get; init; } = [];
}

/// <summary>The printed rows of tables 2, 3 and 4 in both formats, built from the statutory tables.</summary>
internal static class Layouts
{
    public static IReadOnlyList<RowSpec> Table2(string format) =>
        format == ReportFormats.Format2019 ? Table2Of2019 : Table2Of2021;

    public static IReadOnlyList<RowSpec> Table3(string format) =>
        format == ReportFormats.Format2019 ? Table3Of2019 : Table3Of2021;

    /// <summary>Table 4 as one printed row of fifteen cells (it has no row labels).</summary>
    public static readonly RowSpec Table4 = new(
        "appeals", [], null,
        [.. Statutory.Tables.Table4.Groups.SelectMany(g => Statutory.Tables.Table4.Fields.Select(f => g.CellPointer(f)))],
        [.. Enumerable.Repeat(CellKind.Count, 15)]);

    private static readonly Dictionary<string, string[]> Table2Keywords = new()
    {
        ["regulations"] = ["规章"],
        ["normativeDocuments"] = ["规范性文件"],
        ["licensing"] = ["行政许可"],
        ["otherServices"] = ["对外管理服务事项", "对外管理服务"],
        ["penalties"] = ["行政处罚"],
        ["coercion"] = ["行政强制"],
        ["fees"] = ["行政事业性收费", "事业性收费"],
        ["procurement"] = ["政府集中采购", "集中采购"],
    };

    private static readonly Dictionary<string, (string[] Keywords, int? Numbering, bool Weak)> Table3Keywords = new()
    {
        ["received"] = (["本年新收"], null, false),
        ["carriedOver"] = (["上年结转"], null, false),
        ["disclosed"] = (["予以公开"], null, false),
        ["partiallyDisclosed"] = (["部分公开"], null, false),
        ["withheld.stateSecret"] = (["国家秘密"], 1, false),
        ["withheld.prohibitedByLaw"] = (["禁止公开"], 2, false),
        ["withheld.securityOrStability"] = (["三安全一稳定", "危及"], 3, false),
        ["withheld.thirdPartyRights"] = (["第三方合法权益", "第三方"], 4, false),
        ["withheld.internalAffairs"] = (["三类内", "内部事务"], 5, false),
        ["withheld.processInformation"] = (["过程性"], 6, false),
        ["withheld.enforcementCaseFile"] = (["执法案卷"], 7, false),
        ["withheld.administrativeQuery"] = (["行政查询", "查询事项"], 8, false),
        ["unableToProvide.notHeld"] = (["不掌握"], 1, false),
        ["unableToProvide.needsCreation"] = (["另行制作", "现成信息"], 2, false),
        ["unableToProvide.unclearAfterCorrection"] = (["仍不明确", "补正后申请"], 3, false),
        ["notProcessed.complaintOrPetition"] = (["信访", "举报投诉"], 1, false),
        ["notProcessed.repeated"] = (["重复申请"], 2, false),
        ["notProcessed.publication"] = (["出版物"], 3, false),
        ["notProcessed.excessive"] = (["大量反复", "大量重复"], 4, false),
        ["notProcessed.confirmOrReissue"] = (["确认或重新", "确认或重复", "已获取信息", "重新出具"], 5, false),
        ["otherDisposal"] = (["其他处理"], null, false),
        ["otherDisposal.correctionOverdue"] = (["逾期不补正", "不补正"], 1, false),
        ["otherDisposal.feeUnpaid"] = (["缴纳费用", "收费通知"], 2, false),
        ["otherDisposal.other"] = (["其他"], 3, true),
        ["total"] = (["总计"], null, false),
        ["carriedForward"] = (["结转下年度", "下年度继续"], null, false),
    };

    // Declared after the label tables: static fields initialise in textual order.
    private static readonly IReadOnlyList<RowSpec> Table2Of2021 = Table2Rows(ReportFormats.Format2021);
    private static readonly IReadOnlyList<RowSpec> Table2Of2019 = Table2Rows(ReportFormats.Format2019);
    private static readonly IReadOnlyList<RowSpec> Table3Of2021 = Table3Rows(ReportFormats.Format2021);
    private static readonly IReadOnlyList<RowSpec> Table3Of2019 = Table3Rows(ReportFormats.Format2019);

    private static List<RowSpec> Table2Rows(string format)
    {
        var cells = Statutory.Tables.Table2.CellsOf(format);
        return
        [
            .. cells
                .GroupBy(c => c.Pointer.Split('/')[2])
                .Select(g => new RowSpec(
                    g.Key, Table2Keywords[g.Key], null,
                    [.. g.Select(c => c.Pointer)],
                    [.. g.Select(c => c.Kind switch
                    {
                        Table2CellKind.Amount => CellKind.Amount,
                        Table2CellKind.SignedCount => CellKind.SignedCount,
                        _ => CellKind.Count,
                    })])),
        ];
    }

    private static List<RowSpec> Table3Rows(string format) =>
    [
        .. Statutory.Tables.Table3.RowsOf(format).Select(row =>
        {
            var (keywords, numbering, weak) = Table3Keywords[row.Key];
            return new RowSpec(
                row.Key, keywords, numbering,
                [.. Statutory.Tables.Table3.Columns.Select(row.CellPointer)],
                [.. Enumerable.Repeat(CellKind.Count, 7)],
                weak)
            {
                Preferred = row.Key == "total" ? ["(七)总计"] : [],
            };
        }),
    ];
}
