using ReportService.Statutory.Model;
using ReportService.Statutory.Rules;

namespace ReportService.Statutory.Tables;

/// <summary>The role a row of table 3 plays in the printed identities.</summary>
public enum Table3RowRole
{
    /// <summary>一、本年新收.</summary>
    Received,
    /// <summary>二、上年结转.</summary>
    CarriedOver,
    /// <summary>An outcome row counted once per concluded request (the leaves of 三、本年度办理结果).</summary>
    OutcomeLeaf,
    /// <summary>（七）总计.</summary>
    OutcomeTotal,
    /// <summary>四、结转下年度继续办理.</summary>
    CarriedForward,
}

/// <summary>An outcome group of table 3 whose subtotal is derived, never submitted.</summary>
public enum OutcomeGroup
{
    /// <summary>No group: 予以公开, 部分公开 and the non-leaf rows.</summary>
    None,
    /// <summary>（三）不予公开.</summary>
    Withheld,
    /// <summary>（四）无法提供.</summary>
    UnableToProvide,
    /// <summary>（五）不予处理.</summary>
    NotProcessed,
    /// <summary>（六）其他处理.</summary>
    OtherDisposal,
}

/// <summary>An applicant column of table 3.</summary>
public sealed record ApplicantColumn(int Index, string Key, LocalizedText Label);

/// <summary>A row of table 3: where it sits in the JSON, its printed label and its role.</summary>
public sealed record Table3Row(
    string Key, string Pointer, LocalizedText Label, Table3RowRole Role, OutcomeGroup Group,
    Func<Requests, ApplicantCounts?> Read)
{
    /// <summary>The JSON pointer of one cell of this row.</summary>
    public string CellPointer(ApplicantColumn column) => Pointer + "/" + column.Key;
}

/// <summary>Table 3, 收到和处理政府信息公开申请情况, row by row and column by column.</summary>
public static class Table3
{
    /// <summary>The seven applicant columns, 总计 last.</summary>
    public static readonly IReadOnlyList<ApplicantColumn> Columns =
    [
        new(0, "naturalPerson", new("自然人", "natural persons")),
        new(1, "commercialEnterprise", new("商业企业", "commercial enterprises")),
        new(2, "researchInstitution", new("科研机构", "research institutions")),
        new(3, "publicInterestOrganization", new("社会公益组织", "public-interest organisations")),
        new(4, "legalServiceProvider", new("法律服务机构", "legal service providers")),
        new(5, "otherOrganization", new("其他", "other organisations")),
        new(6, "total", new("总计", "total")),
    ];

    /// <summary>Index of the 总计 column.</summary>
    public const int TotalColumn = 6;

    /// <summary>The 25 rows of format 2021, in printed order.</summary>
    public static readonly IReadOnlyList<Table3Row> Rows2021 = BuildRows(ReportFormats.Format2021);

    /// <summary>The 23 rows of format 2019, in printed order.</summary>
    public static readonly IReadOnlyList<Table3Row> Rows2019 = BuildRows(ReportFormats.Format2019);

    /// <summary>The rows of a format.</summary>
    public static IReadOnlyList<Table3Row> RowsOf(string format) =>
        format == ReportFormats.Format2019 ? Rows2019 : Rows2021;

    private static Outcomes? O(Requests r) => r.OutcomeRows;

    private static OtherDisposalOutcomes? Other2021(Requests r) => (r.OutcomeRows as Outcomes2021)?.OtherDisposal;

    private static List<Table3Row> BuildRows(string format)
    {
        const string p = "/requests";
        const string o = p + "/outcomes";
        var rows = new List<Table3Row>
        {
            new("received", p + "/received", new("一、本年新收政府信息公开申请数量", "I. new requests received this year"),
                Table3RowRole.Received, OutcomeGroup.None, r => r.Received),
            new("carriedOver", p + "/carriedOver", new("二、上年结转政府信息公开申请数量", "II. requests carried over from last year"),
                Table3RowRole.CarriedOver, OutcomeGroup.None, r => r.CarriedOver),
            Leaf("disclosed", o + "/disclosed", "（一）予以公开", "(1) disclosed", OutcomeGroup.None, r => O(r)?.Disclosed),
            Leaf("partiallyDisclosed", o + "/partiallyDisclosed", "（二）部分公开", "(2) partially disclosed", OutcomeGroup.None, r => O(r)?.PartiallyDisclosed),
            Leaf("withheld.stateSecret", o + "/withheld/stateSecret", "（三）不予公开 1.属于国家秘密", "(3) withheld 1. state secret", OutcomeGroup.Withheld, r => O(r)?.Withheld?.StateSecret),
            Leaf("withheld.prohibitedByLaw", o + "/withheld/prohibitedByLaw", "（三）不予公开 2.其他法律行政法规禁止公开", "(3) withheld 2. prohibited by other laws", OutcomeGroup.Withheld, r => O(r)?.Withheld?.ProhibitedByLaw),
            Leaf("withheld.securityOrStability", o + "/withheld/securityOrStability", "（三）不予公开 3.危及“三安全一稳定”", "(3) withheld 3. endangers security or stability", OutcomeGroup.Withheld, r => O(r)?.Withheld?.SecurityOrStability),
            Leaf("withheld.thirdPartyRights", o + "/withheld/thirdPartyRights", "（三）不予公开 4.保护第三方合法权益", "(3) withheld 4. third-party rights", OutcomeGroup.Withheld, r => O(r)?.Withheld?.ThirdPartyRights),
            Leaf("withheld.internalAffairs", o + "/withheld/internalAffairs", "（三）不予公开 5.属于三类内部事务信息", "(3) withheld 5. internal affairs", OutcomeGroup.Withheld, r => O(r)?.Withheld?.InternalAffairs),
            Leaf("withheld.processInformation", o + "/withheld/processInformation", "（三）不予公开 6.属于四类过程性信息", "(3) withheld 6. process information", OutcomeGroup.Withheld, r => O(r)?.Withheld?.ProcessInformation),
            Leaf("withheld.enforcementCaseFile", o + "/withheld/enforcementCaseFile", "（三）不予公开 7.属于行政执法案卷", "(3) withheld 7. enforcement case file", OutcomeGroup.Withheld, r => O(r)?.Withheld?.EnforcementCaseFile),
            Leaf("withheld.administrativeQuery", o + "/withheld/administrativeQuery", "（三）不予公开 8.属于行政查询事项", "(3) withheld 8. administrative query", OutcomeGroup.Withheld, r => O(r)?.Withheld?.AdministrativeQuery),
            Leaf("unableToProvide.notHeld", o + "/unableToProvide/notHeld", "（四）无法提供 1.本机关不掌握相关政府信息", "(4) unable to provide 1. not held", OutcomeGroup.UnableToProvide, r => O(r)?.UnableToProvide?.NotHeld),
            Leaf("unableToProvide.needsCreation", o + "/unableToProvide/needsCreation", "（四）无法提供 2.没有现成信息需要另行制作", "(4) unable to provide 2. would need creating", OutcomeGroup.UnableToProvide, r => O(r)?.UnableToProvide?.NeedsCreation),
            Leaf("unableToProvide.unclearAfterCorrection", o + "/unableToProvide/unclearAfterCorrection", "（四）无法提供 3.补正后申请内容仍不明确", "(4) unable to provide 3. unclear after correction", OutcomeGroup.UnableToProvide, r => O(r)?.UnableToProvide?.UnclearAfterCorrection),
            Leaf("notProcessed.complaintOrPetition", o + "/notProcessed/complaintOrPetition", "（五）不予处理 1.信访举报投诉类申请", "(5) not processed 1. complaint or petition", OutcomeGroup.NotProcessed, r => O(r)?.NotProcessed?.ComplaintOrPetition),
            Leaf("notProcessed.repeated", o + "/notProcessed/repeated", "（五）不予处理 2.重复申请", "(5) not processed 2. repeated request", OutcomeGroup.NotProcessed, r => O(r)?.NotProcessed?.Repeated),
            Leaf("notProcessed.publication", o + "/notProcessed/publication", "（五）不予处理 3.要求提供公开出版物", "(5) not processed 3. publication requested", OutcomeGroup.NotProcessed, r => O(r)?.NotProcessed?.Publication),
            Leaf("notProcessed.excessive", o + "/notProcessed/excessive", "（五）不予处理 4.无正当理由大量反复申请", "(5) not processed 4. excessive requests", OutcomeGroup.NotProcessed, r => O(r)?.NotProcessed?.Excessive),
            Leaf("notProcessed.confirmOrReissue", o + "/notProcessed/confirmOrReissue", "（五）不予处理 5.要求行政机关确认或重新出具已获取信息", "(5) not processed 5. confirm or reissue", OutcomeGroup.NotProcessed, r => O(r)?.NotProcessed?.ConfirmOrReissue),
        };
        if (format == ReportFormats.Format2019)
        {
            rows.Add(Leaf("otherDisposal", o + "/otherDisposal", "（六）其他处理", "(6) other disposal", OutcomeGroup.OtherDisposal, r => (O(r) as Outcomes2019)?.OtherDisposal));
        }
        else
        {
            rows.Add(Leaf("otherDisposal.correctionOverdue", o + "/otherDisposal/correctionOverdue", "（六）其他处理 1.申请人无正当理由逾期不补正", "(6) other disposal 1. correction overdue", OutcomeGroup.OtherDisposal, r => Other2021(r)?.CorrectionOverdue));
            rows.Add(Leaf("otherDisposal.feeUnpaid", o + "/otherDisposal/feeUnpaid", "（六）其他处理 2.申请人逾期未缴纳费用", "(6) other disposal 2. fee unpaid", OutcomeGroup.OtherDisposal, r => Other2021(r)?.FeeUnpaid));
            rows.Add(Leaf("otherDisposal.other", o + "/otherDisposal/other", "（六）其他处理 3.其他", "(6) other disposal 3. other", OutcomeGroup.OtherDisposal, r => Other2021(r)?.Other));
        }
        rows.Add(new("total", o + "/total", new("（七）总计", "(7) outcomes total"), Table3RowRole.OutcomeTotal, OutcomeGroup.None, r => O(r)?.Total));
        rows.Add(new("carriedForward", p + "/carriedForward", new("四、结转下年度继续办理", "IV. carried forward to next year"),
            Table3RowRole.CarriedForward, OutcomeGroup.None, r => r.CarriedForward));
        return rows;
    }

    private static Table3Row Leaf(string key, string pointer, string zh, string en, OutcomeGroup group, Func<Requests, ApplicantCounts?> read) =>
        new(key, pointer, new(zh, en), Table3RowRole.OutcomeLeaf, group, read);
}
