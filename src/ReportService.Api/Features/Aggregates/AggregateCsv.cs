using System.Globalization;
using System.Text;
using ReportService.Api.Features.Regions;
using ReportService.Statutory.Model;
using ReportService.Statutory.Rules;
using ReportService.Statutory.Tables;

namespace ReportService.Api.Features.Aggregates;

/// <summary>
/// CSV (RFC 4180, UTF-8, one header row) for spreadsheet users. The header row speaks the statutory labels in
/// Chinese by default and in English when the request prefers English (<c>Accept-Language: en</c>), the same
/// negotiation as the messages of violations; the columns and their values are the same in both. Each column is
/// defined once here with the JSON member it equals, which is also how the document describes it
/// (<see cref="Documentation"/>), so the description cannot drift from the file.
/// </summary>
internal static class AggregateCsv
{
    /// <summary>A column of the aggregates CSV after the key columns: its header in both languages, the JSON member it equals and its value.</summary>
    internal sealed record Column(LocalizedText Header, string Member, Func<AggregateRow, string> Value);

    private static readonly (Dimension Dimension, LocalizedText Code, LocalizedText? Name, string Member)[] KeyHeaders =
    [
        (Dimension.Year, new("年度", "year"), null, "key.year"),
        (Dimension.Province, new("省级区划代码", "province code"), new("省级名称", "province name"), "key.province"),
        (Dimension.City, new("地级区划代码", "city code"), new("地级名称", "city name"), "key.city"),
        (Dimension.County, new("县级区划代码", "county code"), new("县级名称", "county name"), "key.county"),
        (Dimension.Township, new("乡级区划代码", "township code"), new("乡级名称", "township name"), "key.township"),
        (Dimension.Level, new("行政层级", "level"), null, "key.level"),
        (Dimension.Kind, new("机关类型", "kind"), null, "key.kind"),
    ];

    /// <summary>Every column of /v1/aggregates after the key columns, in order.</summary>
    internal static readonly IReadOnlyList<Column> Columns =
    [
        new(new("报告数", "reports"), "reportCount", row => Number(row.ReportCount)),
        new(new("2019格式报告数", "format-2019 reports"), "formats.2019", row => Number(row.Reports2019)),
        new(new("2021格式报告数", "format-2021 reports"), "formats.2021", row => Number(row.Reports2021)),
        .. Table3.Rows2021.SelectMany(r => Table3.Columns.Select(c => new Column(
            Joined("表三", "Table 3", r.Label, c.Label), Member(r.CellPointer(c)), row => Number(AggregateShape.Cell(row, r, c))))),
        .. AggregateShape.Subtotals.SelectMany(s => Table3.Columns.Select(c => new Column(
            Joined("表三", "Table 3", s.Label, c.Label), $"subtotals.{s.Key}.{c.Key}", row => Number(AggregateShape.Subtotal(row, s.Group, c))))),
        .. Table4.Groups.SelectMany(g => Table4.Fields.Select(f => new Column(
            Joined("表四", "Table 4", g.Label, f.Label), Member(g.CellPointer(f)), row => Number((long)row.Sum(Persistence.CellColumns.Table4Column(g, f)))))),
        .. Table2Columns(ReportFormats.Format2021, Table2.Cells2021, row => row.Reports2021),
        .. Table2Columns(ReportFormats.Format2019, Table2.Cells2019, row => row.Reports2019),
    ];

    private static readonly LocalizedText[] OutcomeHeaders =
    [
        new("报告数", "reports"), new("类别", "category"), new("办理结果", "outcome"), new("小计", "subtotal"),
    ];

    /// <summary>The English label of each outcome category (the JSON's <c>label</c> is the Chinese one).</summary>
    private static readonly Dictionary<(string Category, bool Subtotal), LocalizedText> OutcomeLabels =
        Table3.Rows2021.Where(r => r.Role == Table3RowRole.OutcomeLeaf).Select(r => ((r.Key, false), r.Label))
            .Concat(AggregateShape.Subtotals.Select(s => ((s.Key, true), s.Label)))
            .ToDictionary(p => p.Item1, p => p.Label);

    public static string Aggregates(AggregateFilter filter, IReadOnlyList<AggregateRow> rows, RegionDirectory regions, MessageLanguage language)
    {
        var csv = new StringBuilder();
        Line(csv, KeyColumns(filter, language).Concat(Columns.Select(c => Text(c.Header, language))));
        foreach (var row in rows)
        {
            Line(csv, KeyValues(filter, row, regions).Concat(Columns.Select(c => c.Value(row))));
        }

        return csv.ToString();
    }

    public static string Outcomes(AggregateFilter filter, IReadOnlyList<(AggregateRow Row, OutcomeRow Outcome)> rows, RegionDirectory regions, MessageLanguage language)
    {
        var english = language == MessageLanguage.English;
        var csv = new StringBuilder();
        Line(csv, KeyColumns(filter, language).Concat(OutcomeHeaders.Select(h => Text(h, language))).Concat([
            english ? $"count ({filter.Applicant.Label.English})" : $"数量（{filter.Applicant.Label.Chinese}）",
            english ? "share of (7) outcomes total" : "占（七）总计比例",
        ]));
        foreach (var (row, outcome) in rows)
        {
            var label = english && OutcomeLabels.TryGetValue((outcome.Category, outcome.Subtotal), out var localized) ? localized.English : outcome.Label;
            Line(csv, KeyValues(filter, row, regions).Concat([
                Number(outcome.ReportCount), outcome.Category, label, outcome.Subtotal ? (english ? "yes" : "是") : (english ? "no" : "否"), Number(outcome.Value),
                outcome.Share is { } share ? share.ToString("0.######", CultureInfo.InvariantCulture) : "",
            ]));
        }

        return csv.ToString();
    }

    /// <summary>
    /// The columns of the aggregates CSV for the operation's description: the key columns, then every column with
    /// both headers and the JSON member of the group it equals (a Markdown table).
    /// </summary>
    public static string Documentation()
    {
        var text = new StringBuilder();
        text.Append("CSV columns (`Accept: text/csv`): first the key columns of the groupBy dimensions, in the order given: ");
        text.AppendJoin("; ", KeyHeaders.Select(k => k.Name is { } name
            ? $"{k.Dimension.ToString().ToLowerInvariant()}: `{k.Code.Chinese}`/`{k.Code.English}` ({k.Member}) and `{name.Chinese}`/`{name.English}` ({k.Member}Name)"
            : $"{k.Dimension.ToString().ToLowerInvariant()}: `{k.Code.Chinese}`/`{k.Code.English}` ({k.Member})"));
        text.Append(". Then these, always, each equal to the JSON member of the group named beside it (a table-2 column is empty when the group has no report of that format):\n\n");
        text.Append("| # | header (default, Chinese) | header (`Accept-Language: en`) | JSON member |\n|---|---|---|---|\n");
        for (var i = 0; i < Columns.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {i + 1} | {Columns[i].Header.Chinese} | {Columns[i].Header.English} | `{Columns[i].Member}` |\n");
        }

        return text.ToString();
    }

    private static IEnumerable<Column> Table2Columns(string format, IReadOnlyList<Table2Cell> cells, Func<AggregateRow, long> reports) =>
        cells.Select(cell => new Column(
            new($"表二（{format}格式）·{cell.Label.Chinese}", $"Table 2 (format {format}) · {cell.Label.English}"),
            $"activeDisclosure.{format}.{Member(cell.Pointer["/activeDisclosure/".Length..])}",
            row => reports(row) == 0 ? "" : Amount(AggregateShape.Table2Sum(row, format, cell))));

    private static LocalizedText Joined(string table, string tableEnglish, LocalizedText row, LocalizedText column) =>
        new($"{table}·{row.Chinese}·{column.Chinese}", $"{tableEnglish} · {row.English} · {column.English}");

    /// <summary>A JSON pointer as the dotted member path the description uses (<c>/requests/received/total</c> → <c>requests.received.total</c>).</summary>
    private static string Member(string pointer) => pointer.TrimStart('/').Replace('/', '.');

    private static string Text(LocalizedText text, MessageLanguage language) => language == MessageLanguage.English ? text.English : text.Chinese;

    private static IEnumerable<string> KeyColumns(AggregateFilter filter, MessageLanguage language) =>
        filter.GroupBy.SelectMany(d => KeyHeaders.First(k => k.Dimension == d) is var h && h.Name is not { } name
            ? new[] { Text(h.Code, language) }
            : [Text(h.Code, language), Text(name, language)]);

    private static IEnumerable<string> KeyValues(AggregateFilter filter, AggregateRow row, RegionDirectory regions)
    {
        foreach (var dimension in filter.GroupBy)
        {
            var value = row.Key[dimension];
            yield return Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            if (dimension is Dimension.Province or Dimension.City or Dimension.County or Dimension.Township)
            {
                yield return regions.NameOf(value as string) ?? "";
            }
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Amount(decimal value) => (value / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    /// <summary>One CSV record (RFC 4180: fields with a comma, quote or line break quoted), CRLF-terminated.</summary>
    internal static void Line(StringBuilder csv, IEnumerable<string> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                csv.Append(',');
            }

            first = false;
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                csv.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                csv.Append(field);
            }
        }

        csv.Append("\r\n");
    }
}
