using ReportService.Statutory.Model;
using ReportService.Statutory.Rules;

namespace ReportService.Statutory.Tables;

/// <summary>What kind of value a table-2 cell holds.</summary>
public enum Table2CellKind
{
    /// <summary>A whole number ≥ 0 (件).</summary>
    Count,
    /// <summary>A whole number that may be negative (2019 本年增/减).</summary>
    SignedCount,
    /// <summary>A decimal amount ≥ 0 with at most 6 decimals (万元 or 元).</summary>
    Amount,
}

/// <summary>A cell of table 2 with its pointer, printed label and accessor.</summary>
public sealed record Table2Cell(string Pointer, LocalizedText Label, Table2CellKind Kind, Func<Report, int?> ReadCount, Func<Report, decimal?> ReadAmount)
{
    /// <summary>The cell's value boxed for a violation (count, amount, or null when missing).</summary>
    public object? Value(Report report) => Kind == Table2CellKind.Amount ? ReadAmount(report) : (object?)ReadCount(report);
}

/// <summary>Table 2, 主动公开政府信息情况, in its two formats.</summary>
public static class Table2
{
    private static ActiveDisclosure2021? A21(Report r) => (r as Report2021)?.ActiveDisclosure;

    private static ActiveDisclosure2019? A19(Report r) => (r as Report2019)?.ActiveDisclosure;

    /// <summary>The cells of format 2021, in printed order.</summary>
    public static readonly IReadOnlyList<Table2Cell> Cells2021 =
    [
        Count("/activeDisclosure/regulations/issued", "规章·本年制发件数", "regulations issued", r => A21(r)?.Regulations?.Issued),
        Count("/activeDisclosure/regulations/repealed", "规章·本年废止件数", "regulations repealed", r => A21(r)?.Regulations?.Repealed),
        Count("/activeDisclosure/regulations/inForce", "规章·现行有效件数", "regulations in force", r => A21(r)?.Regulations?.InForce),
        Count("/activeDisclosure/normativeDocuments/issued", "行政规范性文件·本年制发件数", "normative documents issued", r => A21(r)?.NormativeDocuments?.Issued),
        Count("/activeDisclosure/normativeDocuments/repealed", "行政规范性文件·本年废止件数", "normative documents repealed", r => A21(r)?.NormativeDocuments?.Repealed),
        Count("/activeDisclosure/normativeDocuments/inForce", "行政规范性文件·现行有效件数", "normative documents in force", r => A21(r)?.NormativeDocuments?.InForce),
        Count("/activeDisclosure/licensing/decisions", "行政许可·本年处理决定数量", "licensing decisions", r => A21(r)?.Licensing?.Decisions),
        Count("/activeDisclosure/penalties/decisions", "行政处罚·本年处理决定数量", "penalty decisions", r => A21(r)?.Penalties?.Decisions),
        Count("/activeDisclosure/coercion/decisions", "行政强制·本年处理决定数量", "coercion decisions", r => A21(r)?.Coercion?.Decisions),
        Amount("/activeDisclosure/fees/amount", "行政事业性收费·本年收费金额（万元）", "fees collected (10,000 yuan)", r => A21(r)?.Fees?.Amount),
    ];

    /// <summary>The cells of format 2019, in printed order.</summary>
    public static readonly IReadOnlyList<Table2Cell> Cells2019 =
    [
        Count("/activeDisclosure/regulations/created", "规章·本年新制作数量", "regulations created", r => A19(r)?.Regulations?.Created),
        Count("/activeDisclosure/regulations/published", "规章·本年新公开数量", "regulations published", r => A19(r)?.Regulations?.Published),
        Count("/activeDisclosure/regulations/totalPublished", "规章·对外公开总数量", "regulations published in total", r => A19(r)?.Regulations?.TotalPublished),
        Count("/activeDisclosure/normativeDocuments/created", "规范性文件·本年新制作数量", "normative documents created", r => A19(r)?.NormativeDocuments?.Created),
        Count("/activeDisclosure/normativeDocuments/published", "规范性文件·本年新公开数量", "normative documents published", r => A19(r)?.NormativeDocuments?.Published),
        Count("/activeDisclosure/normativeDocuments/totalPublished", "规范性文件·对外公开总数量", "normative documents published in total", r => A19(r)?.NormativeDocuments?.TotalPublished),
        .. Items("licensing", "行政许可", "licensing", r => A19(r)?.Licensing),
        .. Items("otherServices", "其他对外管理服务事项", "other services", r => A19(r)?.OtherServices),
        .. Items("penalties", "行政处罚", "penalties", r => A19(r)?.Penalties),
        .. Items("coercion", "行政强制", "coercion", r => A19(r)?.Coercion),
        Count("/activeDisclosure/fees/itemsLastYear", "行政事业性收费·上一年项目数量", "fee items last year", r => A19(r)?.Fees?.ItemsLastYear),
        Signed("/activeDisclosure/fees/itemsChange", "行政事业性收费·本年增/减", "fee items change", r => A19(r)?.Fees?.ItemsChange),
        Count("/activeDisclosure/procurement/projects", "政府集中采购·采购项目数量", "procurement projects", r => A19(r)?.Procurement?.Projects),
        Amount("/activeDisclosure/procurement/amountYuan", "政府集中采购·采购总金额（元）", "procurement amount (yuan)", r => A19(r)?.Procurement?.AmountYuan),
    ];

    /// <summary>The cells of a format.</summary>
    public static IReadOnlyList<Table2Cell> CellsOf(string format) =>
        format == ReportFormats.Format2019 ? Cells2019 : Cells2021;

    private static Table2Cell[] Items(string key, string zh, string en, Func<Report, ItemCounts2019?> row) =>
    [
        Count($"/activeDisclosure/{key}/itemsLastYear", zh + "·上一年项目数量", en + " items last year", r => row(r)?.ItemsLastYear),
        Signed($"/activeDisclosure/{key}/itemsChange", zh + "·本年增/减", en + " items change", r => row(r)?.ItemsChange),
        Count($"/activeDisclosure/{key}/decisions", zh + "·处理决定数量", en + " decisions", r => row(r)?.Decisions),
    ];

    private static Table2Cell Count(string pointer, string zh, string en, Func<Report, int?> read) =>
        new(pointer, new(zh, en), Table2CellKind.Count, read, _ => null);

    private static Table2Cell Signed(string pointer, string zh, string en, Func<Report, int?> read) =>
        new(pointer, new(zh, en), Table2CellKind.SignedCount, read, _ => null);

    private static Table2Cell Amount(string pointer, string zh, string en, Func<Report, decimal?> read) =>
        new(pointer, new(zh, en), Table2CellKind.Amount, _ => null, read);
}
