using ReportService.Statutory.Rules;
using ReportService.Statutory.Tables;

namespace ReportService.Statutory.Validation;

/// <summary>CELL.COUNT and T2.FEE_AMOUNT: every cell present, whole, non-negative; amounts exact to 6 decimals.</summary>
internal static class CellRules
{
    public static void Counts(ReportUnderReview subject, ViolationSink sink)
    {
        var report = subject.Report;
        foreach (var cell in Table2.CellsOf(report.Format))
        {
            if (cell.Kind == Table2CellKind.Amount)
            {
                continue;
            }

            var value = cell.ReadCount(report);
            if (value is null || (value < 0 && cell.Kind == Table2CellKind.Count))
            {
                AddCount(sink, cell.Pointer, cell.Label, value);
            }
        }

        var requests = report.RequestRows;
        foreach (var row in Table3.RowsOf(report.Format))
        {
            var counts = requests is null ? null : row.Read(requests);
            foreach (var column in Table3.Columns)
            {
                var value = counts?[column.Index];
                if (value is null or < 0)
                {
                    AddCount(sink, row.CellPointer(column), Cell(row.Label, column.Label), value);
                }
            }
        }

        foreach (var group in Table4.Groups)
        {
            var counts = report.Appeals is null ? null : group.Read(report.Appeals);
            foreach (var field in Table4.Fields)
            {
                var value = counts is null ? null : field.Read(counts);
                if (value is null or < 0)
                {
                    AddCount(sink, group.CellPointer(field), Cell(group.Label, field.Label), value);
                }
            }
        }
    }

    public static void Amounts(ReportUnderReview subject, ViolationSink sink)
    {
        foreach (var cell in Table2.CellsOf(subject.Report.Format))
        {
            if (cell.Kind != Table2CellKind.Amount)
            {
                continue;
            }

            var value = cell.ReadAmount(subject.Report);
            LocalizedText? problem = value switch
            {
                null => new($"{cell.Label.Chinese}缺失：空白不等于零，没有收费请填0", $"{cell.Label.English} is missing: a blank is not a zero; enter 0 if none"),
                < 0 => new($"{cell.Label.Chinese}不能为负数（{value}）", $"{cell.Label.English} cannot be negative ({value})"),
                _ when Decimals(value.Value) > 6 => new($"{cell.Label.Chinese}至多保留6位小数（{value}）", $"{cell.Label.English} has more than 6 decimals ({value})"),
                _ => null,
            };
            if (problem is { } message)
            {
                sink.Add(RuleIds.T2FeeAmount, message, [ViolationCell.Amount(cell.Pointer, value)]);
            }
        }
    }

    internal static LocalizedText Cell(LocalizedText row, LocalizedText column) =>
        new($"{row.Chinese}·{column.Chinese}", $"{row.English}, {column.English}");

    /// <summary>Decimal places of the value itself: 1.5000000 has one.</summary>
    internal static int Decimals(decimal value) => (value / 1.000000000000000000000000000000000m).Scale;

    private static void AddCount(ViolationSink sink, string pointer, LocalizedText label, int? value)
    {
        var message = value is null
            ? new LocalizedText($"{label.Chinese}缺失：空白不等于零，没有请填0", $"{label.English} is missing: a blank is not a zero; enter 0 if none")
            : new LocalizedText($"{label.Chinese}不能为负数（{value}）", $"{label.English} cannot be negative ({value})");
        sink.Add(RuleIds.CellCount, message, [ViolationCell.Count(pointer, value)]);
    }
}
