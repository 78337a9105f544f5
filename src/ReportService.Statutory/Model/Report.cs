using System.Text.Json.Serialization;

namespace ReportService.Statutory.Model;

/// <summary>
/// 政府信息公开工作年度报告: one agency's annual report on government information disclosure. The
/// <c>format</c> property selects the statutory format (<c>2019</c> for report years 2019–2020,
/// <c>2021</c> from 2021 on) and with it the shape of tables 2 and 3.
/// </summary>
public abstract class Report
{
    /// <summary>格式版本: <c>2019</c> (国办公开办函〔2019〕60号) or <c>2021</c> (国办公开办函〔2021〕30号).</summary>
    public abstract string Format { get; }

    /// <summary>报告年度: the year the figures cover (as of 31 December).</summary>
    public required int Year { get; init; }

    /// <summary>发布机关.</summary>
    public required Agency Agency { get; init; }

    /// <summary>发布日期 (yyyy-MM-dd), when printed. Without it the date rules are not checked (warning REPORT.PUBLISHED_ON_UNKNOWN).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateOnly? PublishedOn { get; init; }

    /// <summary>Text sections 一、五、六.</summary>
    public required ReportText Text { get; init; }

    /// <summary>四、政府信息公开行政复议、行政诉讼情况 (table 4).</summary>
    public Appeals? Appeals { get; init; }

    internal abstract Requests? RequestRows { get; }

    internal abstract ReportFormat FormatVersion { get; }

    /// <summary>Table 3 of either format, for code that walks its rows (<see cref="Tables.Table3"/>).</summary>
    public Requests? GetRequests() => RequestRows;
}

/// <summary>A report in format 2021 (国办公开办函〔2021〕30号), report years 2021 onward.</summary>
public sealed class Report2021 : Report
{
    /// <summary>Always <c>2021</c>.</summary>
    public override string Format => ReportFormats.Format2021;

    /// <summary>二、主动公开政府信息情况 (table 2, format 2021).</summary>
    public ActiveDisclosure2021? ActiveDisclosure { get; init; }

    /// <summary>三、收到和处理政府信息公开申请情况 (table 3, format 2021).</summary>
    public Requests2021? Requests { get; init; }

    internal override Requests? RequestRows => Requests;

    internal override ReportFormat FormatVersion => ReportFormat.Format2021;
}

/// <summary>A report in format 2019 (国办公开办函〔2019〕60号), report years 2019–2020.</summary>
public sealed class Report2019 : Report
{
    /// <summary>Always <c>2019</c>.</summary>
    public override string Format => ReportFormats.Format2019;

    /// <summary>二、主动公开政府信息情况 (table 2, format 2019).</summary>
    public ActiveDisclosure2019? ActiveDisclosure { get; init; }

    /// <summary>三、收到和处理政府信息公开申请情况 (table 3, format 2019).</summary>
    public Requests2019? Requests { get; init; }

    internal override Requests? RequestRows => Requests;

    internal override ReportFormat FormatVersion => ReportFormat.Format2019;
}

internal enum ReportFormat
{
    Format2019,
    Format2021,
}

/// <summary>The format keys of the two statutory formats.</summary>
public static class ReportFormats
{
    /// <summary>国办公开办函〔2019〕60号, report years 2019–2020.</summary>
    public const string Format2019 = "2019";

    /// <summary>国办公开办函〔2021〕30号, report years 2021 onward.</summary>
    public const string Format2021 = "2021";

    /// <summary>Both keys, oldest first.</summary>
    public static readonly IReadOnlyList<string> All = [Format2019, Format2021];

    /// <summary>The format the law prescribes for a report year.</summary>
    public static string ForYear(int year) => year >= 2021 ? Format2021 : Format2019;
}
