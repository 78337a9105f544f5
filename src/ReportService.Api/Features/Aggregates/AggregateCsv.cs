using System.Globalization;
using System.Text;
using ReportService.Api.Features.Regions;
using ReportService.Statutory.Model;
using ReportService.Statutory.Tables;

namespace ReportService.Api.Features.Aggregates;

/// <summary>CSV (RFC 4180, UTF-8, a header row of Chinese statutory labels) for spreadsheet users.</summary>
internal static class AggregateCsv
{
    private static readonly (Dimension Dimension, string Code, string? Name)[] KeyHeaders =
    [
        (Dimension.Year, "年度", null),
        (Dimension.Province, "省级区划代码", "省级名称"),
        (Dimension.City, "地级区划代码", "地级名称"),
        (Dimension.County, "县级区划代码", "县级名称"),
        (Dimension.Township, "乡级区划代码", "乡级名称"),
        (Dimension.Level, "行政层级", null),
        (Dimension.Kind, "机关类型", null),
    ];

    public static string Aggregates(AggregateFilter filter, IReadOnlyList<AggregateRow> rows, RegionDirectory regions)
    {
        var header = KeyColumns(filter).Concat(["报告数", "2019格式报告数", "2021格式报告数"])
            .Concat(Table3.Rows2021.SelectMany(r => Table3.Columns.Select(c => $"表三·{r.Label.Chinese}·{c.Label.Chinese}")))
            .Concat(AggregateShape.Subtotals.SelectMany(s => Table3.Columns.Select(c => $"表三·{s.Label.Chinese}·{c.Label.Chinese}")))
            .Concat(Table4.Groups.SelectMany(g => Table4.Fields.Select(f => $"表四·{g.Label.Chinese}·{f.Label.Chinese}")))
            .Concat(Table2.Cells2021.Select(c => $"表二（2021格式）·{c.Label.Chinese}"))
            .Concat(Table2.Cells2019.Select(c => $"表二（2019格式）·{c.Label.Chinese}"));
        var csv = new StringBuilder();
        Line(csv, header);
        foreach (var row in rows)
        {
            Line(csv, KeyValues(filter, row, regions)
                .Concat([Number(row.ReportCount), Number(row.Reports2019), Number(row.Reports2021)])
                .Concat(Table3.Rows2021.SelectMany(r => Table3.Columns.Select(c => Number(AggregateShape.Cell(row, r, c)))))
                .Concat(AggregateShape.Subtotals.SelectMany(s => Table3.Columns.Select(c => Number(AggregateShape.Subtotal(row, s.Group, c)))))
                .Concat(Table4.Groups.SelectMany(g => Table4.Fields.Select(f => Number((long)row.Sum(Persistence.CellColumns.Table4Column(g, f))))))
                .Concat(Table2.Cells2021.Select(c => row.Reports2021 == 0 ? "" : Amount(AggregateShape.Table2Sum(row, ReportFormats.Format2021, c))))
                .Concat(Table2.Cells2019.Select(c => row.Reports2019 == 0 ? "" : Amount(AggregateShape.Table2Sum(row, ReportFormats.Format2019, c)))));
        }

        return csv.ToString();
    }

    public static string Outcomes(AggregateFilter filter, IReadOnlyList<(AggregateRow Row, OutcomeRow Outcome)> rows, RegionDirectory regions)
    {
        var csv = new StringBuilder();
        Line(csv, KeyColumns(filter).Concat(["报告数", "类别", "办理结果", "小计", $"数量（{filter.Applicant.Label.Chinese}）", "占（七）总计比例"]));
        foreach (var (row, outcome) in rows)
        {
            Line(csv, KeyValues(filter, row, regions).Concat([
                Number(outcome.ReportCount), outcome.Category, outcome.Label, outcome.Subtotal ? "是" : "否", Number(outcome.Value),
                outcome.Share is { } share ? share.ToString("0.######", CultureInfo.InvariantCulture) : "",
            ]));
        }

        return csv.ToString();
    }

    private static IEnumerable<string> KeyColumns(AggregateFilter filter) =>
        filter.GroupBy.SelectMany(d => KeyHeaders.First(k => k.Dimension == d) is var h && h.Name is null ? new[] { h.Code } : [h.Code, h.Name!]);

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
